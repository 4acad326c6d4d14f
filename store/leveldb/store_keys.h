// The key layout of the leveldb store. Every kind of value lives under its
// own prefix, so that a prefix scan never crosses kinds:
//   rec/<game>                  runtime record (JSON)
//   op/<seq>                    operation-log entry (JSON), global order
//   opg/<game>/<seq>            per-game index of op/<seq> (empty value)
//   lease/<game>                game lease (JSON: token + expiry)
//   desired/<name>              desired GameRuntime (JSON), tombstones too
//   status/<name>               reported status of a runtime (JSON)
//   meta/op_seq                 highest sequence ever assigned (decimal)
//   meta/revision               store-wide revision of desired + status
//                               writes (decimal; see LeveldbDatabase)
// <seq> is the sequence in 20 zero-padded decimal digits, so that byte
// order is numeric order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtm {

inline constexpr std::string_view kRecordKeyPrefix = "rec/";
inline constexpr std::string_view kOperationKeyPrefix = "op/";
inline constexpr std::string_view kOperationSequenceKey = "meta/op_seq";
inline constexpr std::string_view kDesiredKeyPrefix = "desired/";
inline constexpr std::string_view kStatusKeyPrefix = "status/";
inline constexpr std::string_view kRevisionKey = "meta/revision";

std::string RecordKey(std::string_view game_id);
std::string LeaseKey(std::string_view game_id);
std::string DesiredKey(std::string_view name);
std::string StatusKey(std::string_view name);

std::string OperationKey(uint64_t sequence);
// "opg/<game>/": every index key of the game starts with it.
std::string OperationIndexPrefix(std::string_view game_id);
std::string OperationIndexKey(std::string_view game_id, uint64_t sequence);

// Exactly 20 decimal digits → the sequence; anything else → nullopt.
std::optional<uint64_t> ParsePaddedSequence(std::string_view digits);

// The value of a counter under meta/: decimal digits only, as
// std::to_string writes them; anything else (empty, sign, overflow) →
// nullopt.
std::optional<uint64_t> ParseCounter(std::string_view digits);

}  // namespace rtm
