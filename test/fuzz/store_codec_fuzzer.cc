// The store's codecs: the JSON records of every backend (store/codec/),
// leveldb's revisioned values (store/leveldb/stored_values.h) and the etcd
// gateway's answers and watch stream (store/etcd/etcd_wire.h). A decoder
// never throws; what it accepts re-encodes to a fixed point (encoding the
// decoded value and decoding that gives the same encoding), so a value
// read and written back is not changed by the round trip.
#include <string>
#include <vector>

#include "store/codec/cluster_codec.h"
#include "store/codec/lease_codec.h"
#include "store/codec/record_codec.h"
#include "store/etcd/etcd_wire.h"
#include "store/leveldb/store_keys.h"
#include "store/leveldb/stored_values.h"
#include "test/fuzz/fuzz_targets.h"

namespace rtm::fuzz {
namespace {

template <typename Decode, typename Encode>
void FixedPoint(std::string_view bytes, Decode decode, Encode encode,
                std::string_view property) {
  auto decoded = decode(bytes);
  if (!decoded) return;
  const std::string encoded = encode(*decoded);
  auto again = decode(encoded);
  Require(again.has_value(), property);
  Require(encode(*again) == encoded, property);
}

void WatchStream(std::string_view bytes) {
  etcd::WatchStreamDecoder whole;
  whole.Feed(bytes);
  whole.End();
  size_t whole_messages = 0;
  while (auto message = whole.Next()) ++whole_messages;
  etcd::WatchStreamDecoder pieced;
  size_t pieced_messages = 0;
  FeedInPieces(bytes, 32, [&](std::string_view piece) {
    pieced.Feed(piece);
    while (auto message = pieced.Next()) ++pieced_messages;
  });
  pieced.End();
  while (auto message = pieced.Next()) ++pieced_messages;
  Require(whole_messages == pieced_messages,
          "the etcd watch stream holds the same messages in any pieces");
  Require(whole.pending_bytes() == pieced.pending_bytes(),
          "the etcd watch stream leaves the same tail in any pieces");
}

}  // namespace

void StoreCodecInput(std::string_view bytes) {
  FixedPoint(bytes, DecodeRuntimeRecord, EncodeRuntimeRecord, "runtime record round trip");
  FixedPoint(bytes, DecodeOperationEntry, EncodeOperationEntry, "operation entry round trip");
  FixedPoint(bytes, DecodeDesiredRuntime, EncodeDesiredRuntime, "desired object round trip");
  FixedPoint(bytes, DecodeRuntimeStatusView, EncodeRuntimeStatusView, "status round trip");
  FixedPoint(bytes, DecodeNodeInfo, EncodeNodeInfo, "node info round trip");
  FixedPoint(bytes, DecodeNodeState, EncodeNodeState, "node state round trip");
  FixedPoint(bytes, DecodeAssignment, EncodeAssignment, "assignment round trip");
  FixedPoint(bytes, DecodeStoredLease, EncodeStoredLease, "lease round trip");
  (void)DecodeStoredDesired(DesiredKey("alpha"), bytes);
  (void)DecodeStoredStatus(StatusKey("alpha"), bytes);
  (void)DecodeStoredRecord(RecordKey("alpha"), bytes);
  (void)etcd::DecodeRange(bytes);
  (void)etcd::DecodeTxn(bytes);
  (void)etcd::DecodeHeaderRevision(bytes);
  (void)etcd::DecodeLeaseGrant(bytes);
  (void)etcd::DecodeLeaseKeepAlive(bytes);
  (void)etcd::DecodeLeaseTimeToLive(bytes);
  (void)etcd::DecodeGatewayError(bytes);
  if (auto decoded = etcd::DecodeBase64(bytes)) {
    Require(etcd::DecodeBase64(etcd::EncodeBase64(*decoded)) == decoded,
            "base64 round trip");
  }
  Require(etcd::DecodeBase64(etcd::EncodeBase64(bytes)) == std::string(bytes),
          "base64 of any bytes decodes to them");
  WatchStream(bytes);
}

}  // namespace rtm::fuzz

RTM_FUZZ_TARGET(rtm::fuzz::StoreCodecInput)
