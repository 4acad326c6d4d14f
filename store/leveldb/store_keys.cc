#include "store/leveldb/store_keys.h"

#include <charconv>

namespace rtm {
namespace {

constexpr size_t kSequenceDigits = 20;

std::string PaddedSequence(uint64_t sequence) {
  std::string digits = std::to_string(sequence);
  return std::string(kSequenceDigits - digits.size(), '0') + digits;
}

}  // namespace

std::string RecordKey(std::string_view game_id) {
  return std::string(kRecordKeyPrefix) + std::string(game_id);
}

std::string LeaseKey(std::string_view game_id) {
  return "lease/" + std::string(game_id);
}

std::string DesiredKey(std::string_view name) {
  return std::string(kDesiredKeyPrefix) + std::string(name);
}

std::string StatusKey(std::string_view name) {
  return std::string(kStatusKeyPrefix) + std::string(name);
}

std::string OperationKey(uint64_t sequence) {
  return std::string(kOperationKeyPrefix) + PaddedSequence(sequence);
}

std::string OperationIndexPrefix(std::string_view game_id) {
  return "opg/" + std::string(game_id) + "/";
}

std::string OperationIndexKey(std::string_view game_id, uint64_t sequence) {
  return OperationIndexPrefix(game_id) + PaddedSequence(sequence);
}

std::optional<uint64_t> ParsePaddedSequence(std::string_view digits) {
  if (digits.size() != kSequenceDigits) return std::nullopt;
  return ParseCounter(digits);
}

std::optional<uint64_t> ParseCounter(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  uint64_t value = 0;
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace rtm
