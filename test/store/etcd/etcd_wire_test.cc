// The etcd client's wire layer (store/etcd/etcd_wire.h) and the parsing of
// --store etcd://... and --etcd-prefix (store/etcd/etcd_store.h): pure
// functions, no etcd needed.
#include "store/etcd/etcd_wire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/etcd/etcd_store.h"

namespace rtm::etcd {
namespace {

using ::testing::HasSubstr;

TEST(EtcdWireTest, Base64RoundTripsEveryByteAndEveryPaddingLength) {
  std::string all;
  for (int c = 0; c < 256; ++c) all += static_cast<char>(c);
  for (size_t length : {0u, 1u, 2u, 3u, 4u, 255u, 256u}) {
    const std::string bytes = all.substr(0, length);
    EXPECT_EQ(DecodeBase64(EncodeBase64(bytes)), bytes) << length;
  }
  EXPECT_EQ(EncodeBase64("/rtmanager/a"), "L3J0bWFuYWdlci9h");
  EXPECT_EQ(EncodeBase64("ab"), "YWI=");
  EXPECT_EQ(DecodeBase64("YWI="), "ab");
  EXPECT_EQ(DecodeBase64("YWI"), std::nullopt);      // not a multiple of 4
  EXPECT_EQ(DecodeBase64("Y=I="), std::nullopt);     // padding inside
  EXPECT_EQ(DecodeBase64("YW*="), std::nullopt);     // not the alphabet
}

TEST(EtcdWireTest, PrefixEndIsTheFirstKeyAfterThePrefix) {
  EXPECT_EQ(PrefixEnd("/rtm/"), "/rtm0");
  EXPECT_EQ(PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(PrefixEnd(""), std::string(1, '\0'));
}

TEST(EtcdWireTest, TxnEncodesGuardsAndBranchesAsTheGatewayReadsThem) {
  TxnRequest txn;
  txn.compare.push_back(Compare{"k", Compare::Target::kMod, 7});
  txn.success.push_back(Operation::Put("k", "v"));
  txn.failure.push_back(Operation::Get("k"));

  const std::string body = EncodeTxn(txn);

  EXPECT_THAT(body, HasSubstr(R"("mod_revision":"7")"));
  EXPECT_THAT(body, HasSubstr(R"("target":"MOD")"));
  EXPECT_THAT(body, HasSubstr(R"("result":"EQUAL")"));
  EXPECT_THAT(body, HasSubstr(R"("request_put":{"key":"aw==","value":"dg=="})"));
  EXPECT_THAT(body, HasSubstr(R"("request_range":{"key":"aw=="})"));
}

TEST(EtcdWireTest, AFailedTxnHasNoSucceededFieldAndCarriesItsRanges) {
  auto failed = DecodeTxn(
      R"({"header":{"revision":"12"},"responses":[{"response_range":)"
      R"({"header":{"revision":"12"},"kvs":[{"key":"aw==","value":"NQ==",)"
      R"("create_revision":"3","mod_revision":"11","version":"4"}],"count":"1"}}]})");
  ASSERT_TRUE(failed.has_value()) << failed.error().message;
  EXPECT_FALSE(failed->succeeded);
  EXPECT_EQ(failed->revision, 12);
  ASSERT_EQ(failed->ranges.size(), 1u);
  ASSERT_EQ(failed->ranges[0].kvs.size(), 1u);
  EXPECT_EQ(failed->ranges[0].kvs[0].value, "5");
  EXPECT_EQ(failed->ranges[0].kvs[0].mod_revision, 11);

  auto succeeded = DecodeTxn(
      R"({"header":{"revision":"13"},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"13"}}}]})");
  ASSERT_TRUE(succeeded.has_value());
  EXPECT_TRUE(succeeded->succeeded);
  EXPECT_EQ(succeeded->revision, 13);
}

TEST(EtcdWireTest, UndecodableAnswersNameTheField) {
  auto range = DecodeRange(R"({"header":{"revision":"x"}})");
  ASSERT_FALSE(range.has_value());
  EXPECT_EQ(range.error().code, ErrorCode::kInternal);
  EXPECT_THAT(range.error().message, HasSubstr("revision"));
  auto kvs = DecodeRange(R"({"kvs":[{"key":"not base64!"}]})");
  ASSERT_FALSE(kvs.has_value());
  EXPECT_THAT(kvs.error().message, HasSubstr("key is not base64"));
  EXPECT_FALSE(DecodeRange("<html>").has_value());
}

TEST(EtcdWireTest, GatewayErrorsOfUnaryCallsAndOfStreams) {
  auto unary = DecodeGatewayError(
      R"({"error":"etcdserver: no leader","code":14,"message":"etcdserver: no leader"})");
  ASSERT_TRUE(unary.has_value());
  EXPECT_EQ(unary->grpc_code, 14);
  EXPECT_EQ(unary->message, "etcdserver: no leader");
  auto stream = DecodeGatewayError(
      R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader","http_status":"Service Unavailable"}})");
  ASSERT_TRUE(stream.has_value());
  EXPECT_EQ(stream->grpc_code, 14);
  EXPECT_FALSE(DecodeGatewayError(R"({"header":{}})").has_value());
}

TEST(EtcdWireTest, WatchStreamMessagesSplitAcrossReads) {
  WatchStreamDecoder decoder;
  const std::string created =
      R"({"result":{"header":{"revision":"5"},"created":true}})"
      "\n";
  const std::string events =
      R"({"result":{"header":{"revision":"7"},"events":[)"
      R"({"kv":{"key":"aw==","value":"dg==","mod_revision":"6"}},)"
      R"({"type":"DELETE","kv":{"key":"aw==","mod_revision":"7"}}]}})"
      "\n";
  const std::string all = created + events;
  decoder.Feed(all.substr(0, 10));
  EXPECT_FALSE(decoder.Next().has_value());
  decoder.Feed(all.substr(10, created.size() + 5 - 10));
  auto first = decoder.Next();
  ASSERT_TRUE(first.has_value() && first->has_value());
  EXPECT_TRUE((*first)->created);
  EXPECT_EQ((*first)->revision, 5);
  EXPECT_FALSE(decoder.Next().has_value());
  decoder.Feed(all.substr(created.size() + 5));
  auto second = decoder.Next();
  ASSERT_TRUE(second.has_value() && second->has_value());
  ASSERT_EQ((*second)->events.size(), 2u);
  EXPECT_EQ((*second)->events[0].type, WatchEvent::Type::kPut);  // no "type"
  EXPECT_EQ((*second)->events[0].kv.value, "v");
  EXPECT_EQ((*second)->events[1].type, WatchEvent::Type::kDelete);
  EXPECT_EQ((*second)->events[1].kv.mod_revision, 7);
  EXPECT_EQ(decoder.pending_bytes(), 0u);
}

TEST(EtcdWireTest, WatchCancelledByCompactionCarriesTheCompactRevision) {
  WatchStreamDecoder decoder;
  decoder.Feed(
      R"({"result":{"header":{"revision":"40"},"canceled":true,"compact_revision":"30"}})"
      "\n");
  auto message = decoder.Next();
  ASSERT_TRUE(message.has_value() && message->has_value());
  EXPECT_TRUE((*message)->canceled);
  EXPECT_EQ((*message)->compact_revision, 30);
}

TEST(EtcdWireTest, AStreamsFinalErrorWithoutNewlineIsAnErrorOnceTheBodyEnded) {
  WatchStreamDecoder decoder;
  decoder.Feed(
      R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader"}})");
  EXPECT_FALSE(decoder.Next().has_value()) << "more of the line may come";
  decoder.End();
  auto message = decoder.Next();
  ASSERT_TRUE(message.has_value());
  ASSERT_FALSE(message->has_value());
  EXPECT_EQ(message->error().code, ErrorCode::kServiceUnavailable);
  EXPECT_THAT(message->error().message, HasSubstr("no leader"));
}

// Found by test/fuzz/store_codec_fuzzer.cc: a piece that ended where the
// line so far was valid JSON (a number) was taken as a whole message.
TEST(EtcdWireTest, APieceThatLooksCompleteIsNotAMessageBeforeItsNewline) {
  WatchStreamDecoder decoder;
  decoder.Feed("{\"result\":{\"header\":{\"revision\":\"4\"}}}\n55");
  auto first = decoder.Next();
  ASSERT_TRUE(first.has_value() && first->has_value());
  EXPECT_FALSE(decoder.Next().has_value());
  decoder.Feed("12\n");
  auto second = decoder.Next();
  ASSERT_TRUE(second.has_value());
  EXPECT_FALSE(second->has_value()) << "\"5512\" is one undecodable message";
  EXPECT_FALSE(decoder.Next().has_value());
  EXPECT_EQ(decoder.pending_bytes(), 0u);
}

TEST(EtcdWireTest, ATruncatedFinalMessageIsLeftForTheCallerToReportTheBrokenStream) {
  WatchStreamDecoder decoder;
  decoder.Feed("{\"result\":{\"header\":");
  decoder.End();
  EXPECT_FALSE(decoder.Next().has_value());
  EXPECT_EQ(decoder.pending_bytes(), 20u);
}

TEST(EtcdStoreOptionsTest, EtcdUrlListsEndpointsWithTheDefaultPort) {
  auto endpoints = ParseEtcdUrl("etcd://10.0.0.1:2379,etcd-b,[::1]:23790");
  ASSERT_TRUE(endpoints.has_value()) << endpoints.error().message;
  ASSERT_EQ(endpoints->size(), 3u);
  EXPECT_EQ((*endpoints)[0].host, "10.0.0.1");
  EXPECT_EQ((*endpoints)[1].host, "etcd-b");
  EXPECT_EQ((*endpoints)[1].port, 2379);
  EXPECT_EQ((*endpoints)[2].host, "::1");
  EXPECT_EQ((*endpoints)[2].port, 23790);
}

TEST(EtcdStoreOptionsTest, BadEtcdUrlsNameWhatIsWrong) {
  for (const char* url : {"http://a:2379", "etcd://", "etcd://a:1,,b:2",
                          "etcd://a:99999", "etcd://a/path"}) {
    auto endpoints = ParseEtcdUrl(url);
    ASSERT_FALSE(endpoints.has_value()) << url;
    EXPECT_EQ(endpoints.error().code, ErrorCode::kInvalidRequest);
    EXPECT_THAT(endpoints.error().message, HasSubstr(url));
  }
}

TEST(EtcdStoreOptionsTest, PrefixIsAbsoluteAndEndsWithASlash) {
  EXPECT_EQ(ParseEtcdPrefix("/rtmanager/"), "/rtmanager/");
  EXPECT_EQ(ParseEtcdPrefix("/games"), "/games/");
  auto relative = ParseEtcdPrefix("games/");
  ASSERT_FALSE(relative.has_value());
  EXPECT_THAT(relative.error().message, HasSubstr("--etcd-prefix"));
  EXPECT_FALSE(ParseEtcdPrefix("").has_value());
}

}  // namespace
}  // namespace rtm::etcd
