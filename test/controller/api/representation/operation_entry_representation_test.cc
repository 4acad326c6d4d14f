// Operation-log entries of the API: golden JSON of every field.
#include "controller/api/representation/operation_entry_representation.h"

#include <gtest/gtest.h>

#include "controller/api/representation/representation_support.h"
#include "test/controller/api/representation/representation_fixtures.h"

namespace rtm::api {
namespace {

using api_test::FullEntry;

TEST(OperationEntryRepresentationTest, RendersEveryField) {
  EXPECT_EQ(JsonText(RenderOperationEntry(FullEntry())),
            R"({"containerId":"c0ffee","errorCode":"start_failed",)"
            R"("errorMessage":"port 18080 is already allocated",)"
            R"("finishedAt":"2026-11-25T02:04:35.456Z","gameId":"lobby-eu-1",)"
            R"("imageRef":"galaxy/game:2","opKind":"restart","opSource":"rest",)"
            R"("outcome":"failure","sequence":42,"sourceRef":"req-5f1e",)"
            R"("startedAt":"2026-11-25T02:04:34.123Z"})");
}

TEST(OperationEntryRepresentationTest, WhoAskedThroughTheApi) {
  OperationEntry entry = FullEntry();
  entry.requested_by = Requester{"ops", "10.0.0.5"};
  EXPECT_EQ(RenderOperationEntry(entry)["requestedBy"],
            (nlohmann::json{{"name", "ops"}, {"address", "10.0.0.5"}}));
  EXPECT_FALSE(RenderOperationEntry(FullEntry()).contains("requestedBy"));
}

TEST(OperationEntryRepresentationTest, SuccessHasAnEmptyErrorCode) {
  EXPECT_EQ(JsonText(RenderOperationEntry(OperationEntry{})),
            R"({"containerId":"","errorCode":"","errorMessage":"",)"
            R"("finishedAt":"1970-01-01T00:00:00.000Z","gameId":"","imageRef":"",)"
            R"("opKind":"start","opSource":"reconciler","outcome":"success",)"
            R"("sequence":0,"sourceRef":"","startedAt":"1970-01-01T00:00:00.000Z"})");
}

TEST(OperationEntryRepresentationTest, EveryKindAndSourceByItsWireName) {
  const std::pair<OpKind, const char*> kinds[] = {
      {OpKind::kStart, "start"}, {OpKind::kStop, "stop"}, {OpKind::kRestart, "restart"},
      {OpKind::kUpdate, "update"}, {OpKind::kRemove, "remove"}};
  for (const auto& [kind, name] : kinds) {
    EXPECT_EQ(RenderOperationEntry(OperationEntry{.op_kind = kind})["opKind"], name);
  }
  const std::pair<OpSource, const char*> sources[] = {
      {OpSource::kManifest, "manifest"}, {OpSource::kRest, "rest"},
      {OpSource::kReconciler, "reconciler"}};
  for (const auto& [source, name] : sources) {
    EXPECT_EQ(RenderOperationEntry(OperationEntry{.op_source = source})["opSource"], name);
  }
}

TEST(OperationEntryRepresentationTest, ListKeepsTheOrderAndMayBeEmpty) {
  OperationEntry newer = FullEntry();
  newer.sequence = 43;
  const nlohmann::json list = RenderOperations({newer, FullEntry()});
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0], RenderOperationEntry(newer));
  EXPECT_EQ(list["items"][1], RenderOperationEntry(FullEntry()));
  EXPECT_EQ(JsonText(RenderOperations({})), R"({"items":[]})");
}

TEST(OperationEntryRepresentationTest, InvalidUtf8IsReplacedInTheText) {
  OperationEntry entry = FullEntry();
  entry.error_message = "exit \xff";
  EXPECT_NE(JsonText(RenderOperationEntry(entry)).find("\"errorMessage\":\"exit \xEF\xBF\xBD\""),
            std::string::npos);
}

}  // namespace
}  // namespace rtm::api
