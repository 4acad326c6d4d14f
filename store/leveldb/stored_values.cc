#include "store/leveldb/stored_values.h"

#include "store/codec/record_codec.h"
#include "store/leveldb/store_keys.h"

namespace rtm {
namespace {

struct RevisionedText {
  uint64_t revision = 0;
  std::string_view json;
};

std::optional<RevisionedText> SplitRevision(std::string_view stored) {
  if (stored.starts_with('{')) return RevisionedText{1, stored};
  const size_t space = stored.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::optional<uint64_t> revision =
      ParseCounter(stored.substr(0, space));
  if (!revision || *revision == 0) return std::nullopt;
  return RevisionedText{*revision, stored.substr(space + 1)};
}

Error Unreadable(std::string_view what, std::string_view key,
                 std::string_view problem) {
  return Error{ErrorCode::kInternal, "unreadable " + std::string(what) +
                                         " at key " + std::string(key) + ": " +
                                         std::string(problem)};
}

template <typename Value, typename Decode>
Expected<Value> DecodeStored(std::string_view what, std::string_view key,
                             std::string_view stored, Decode decode) {
  const std::optional<RevisionedText> text = SplitRevision(stored);
  if (!text) return std::unexpected(Unreadable(what, key, "no revision"));
  Expected<Value> value = decode(text->json);
  if (!value) {
    return std::unexpected(Unreadable(what, key, value.error().message));
  }
  value->revision = text->revision;
  return value;
}

template <typename Value, typename Decode>
Expected<std::optional<StoredValue<Value>>> ReadStored(
    LeveldbDatabase& database, const std::string& key, Decode decode) {
  auto stored = database.Get(key);
  if (!stored) return std::unexpected(stored.error());
  if (!stored->has_value()) return std::optional<StoredValue<Value>>();
  Expected<Value> value = decode(key, **stored);
  if (!value) return std::unexpected(value.error());
  return std::optional<StoredValue<Value>>(
      StoredValue<Value>{*std::move(value), (*stored)->size()});
}

}  // namespace

std::string EncodeRevisioned(uint64_t revision, std::string_view json) {
  std::string stored = std::to_string(revision);
  stored.reserve(stored.size() + 1 + json.size());
  stored += ' ';
  stored += json;
  return stored;
}

Expected<DesiredRuntime> DecodeStoredDesired(std::string_view key,
                                             std::string_view stored) {
  auto runtime = DecodeStored<DesiredRuntime>("desired runtime", key, stored,
                                              DecodeDesiredRuntime);
  if (!runtime) return runtime;
  const std::string_view name = key.substr(kDesiredKeyPrefix.size());
  if (runtime->name != name) {
    return std::unexpected(Unreadable("desired runtime", key,
                                      "holds runtime \"" + runtime->name +
                                          "\""));
  }
  return runtime;
}

Expected<RuntimeStatusView> DecodeStoredStatus(std::string_view key,
                                               std::string_view stored) {
  return DecodeStored<RuntimeStatusView>("runtime status", key, stored,
                                         DecodeRuntimeStatusView);
}

Expected<RuntimeRecord> DecodeStoredRecord(std::string_view key,
                                           std::string_view stored) {
  return DecodeStored<RuntimeRecord>("runtime record", key, stored,
                                     DecodeRuntimeRecord);
}

Expected<std::optional<StoredValue<DesiredRuntime>>> ReadStoredDesired(
    LeveldbDatabase& database, std::string_view name) {
  return ReadStored<DesiredRuntime>(database, DesiredKey(name),
                                    DecodeStoredDesired);
}

Expected<std::optional<StoredValue<RuntimeStatusView>>> ReadStoredStatus(
    LeveldbDatabase& database, std::string_view name) {
  return ReadStored<RuntimeStatusView>(database, StatusKey(name),
                                       DecodeStoredStatus);
}

Expected<std::optional<StoredValue<RuntimeRecord>>> ReadStoredRecord(
    LeveldbDatabase& database, std::string_view game_id) {
  return ReadStored<RuntimeRecord>(database, RecordKey(game_id),
                                   DecodeStoredRecord);
}

Expected<void> CheckExpectedRevision(std::string_view what, uint64_t stored,
                                     uint64_t expected) {
  if (stored == expected) return {};
  std::string message = std::string(what);
  if (expected == 0) {
    message += " already exists (revision " + std::to_string(stored) +
               "); read it and write again";
  } else if (stored == 0) {
    message += " does not exist (the write expected revision " +
               std::to_string(expected) + ")";
  } else {
    message += " changed: stored at revision " + std::to_string(stored) +
               ", written from revision " + std::to_string(expected) +
               "; read it and write again";
  }
  return Fail(ErrorCode::kConflict, std::move(message));
}

}  // namespace rtm
