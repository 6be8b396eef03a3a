// The AlertService request checks (rpc/request_checks.h): every string of a
// request within its size, named by its proto path — nested messages,
// repeated messages and map values (by key) included — and a map of labels
// within the runtime's map bound, which is the domain's 64 labels.
#include "services/alerts/rpc/request_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::alerts::rpc {
namespace {

namespace pb = ::sqms::alerts::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : runtime::FieldViolations(status)) out.push_back(v.field);
  return out;
}

TEST(RequestChecksTest, TextsAtTheirLimitPassAndOneByteMoreIsNamedByItsPath) {
  pb::AddNoteRequest note;
  note.set_id("inc-1");
  note.set_request_id(std::string(kMaxRequestIdBytes, 'r'));
  note.set_text(std::string(kMaxTextBytes, 'n'));
  EXPECT_TRUE(CheckRequest(note, {{"id", &note.id()}}).ok());

  note.set_request_id(std::string(kMaxRequestIdBytes + 1, 'r'));
  note.set_text(std::string(kMaxTextBytes + 1, 'n'));
  absl::Status refused = CheckRequest(note, {{"id", &note.id()}});
  EXPECT_EQ(refused.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(refused), ElementsAre("request_id", "text"));
}

TEST(RequestChecksTest, AReviewIsADocumentAndMayBeLonger) {
  pb::CloseIncidentRequest close;
  close.set_id("inc-1");
  close.set_request_id("req-1");
  close.set_review(std::string(kMaxReviewBytes, 'r'));
  EXPECT_TRUE(CheckRequest(close, {}).ok());
  close.set_review(std::string(kMaxReviewBytes + 1, 'r'));
  EXPECT_THAT(Fields(CheckRequest(close, {})), ElementsAre("review"));
}

TEST(RequestChecksTest, NestedAndRepeatedTextsAreNamedByTheirPaths) {
  pb::CreateSilenceRequest request;
  request.set_request_id("req-1");
  pb::Silence* silence = request.mutable_silence();
  silence->add_matchers()->set_value("ok");
  silence->add_matchers()->set_value(std::string(kMaxTextBytes + 1, 'v'));
  silence->set_comment(std::string(kMaxTextBytes + 1, 'c'));
  absl::Status refused = CheckRequest(request, {});
  EXPECT_THAT(Fields(refused), ElementsAre("silence.matchers[1].value", "silence.comment"));
}

TEST(RequestChecksTest, AnAnnotationTooLargeIsNamedByItsKey) {
  pb::RaiseAlertRequest request;
  request.set_request_id("req-1");
  (*request.mutable_labels())["alertname"] = "SqmsDown";
  (*request.mutable_annotations())["summary"] = std::string(2 << 20, 's');
  auto alert = AlertFromRequest(request, absl::UnixEpoch());
  EXPECT_EQ(alert.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(alert.status()), ElementsAre("annotations[summary]"));
}

TEST(RequestChecksTest, SixtyFourLabelsPassAsTheDomainAllowsAndSixtyFiveAreRefused) {
  pb::RaiseAlertRequest request;
  request.set_request_id("req-1");
  for (int i = 0; i < 64; ++i) request.mutable_labels()->insert({absl::StrCat("l", i), "v"});
  auto alert = AlertFromRequest(request, absl::UnixEpoch());
  ASSERT_TRUE(alert.ok()) << alert.status();
  EXPECT_EQ(alert->labels.size(), 64u);

  request.mutable_labels()->insert({"l64", "v"});
  auto refused = AlertFromRequest(request, absl::UnixEpoch());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(refused.status()), ElementsAre("labels"));
  EXPECT_THAT(Fields(CheckRequest(pb::ListMutedAlertsRequest(), {})), IsEmpty());
}

}  // namespace
}  // namespace sqms::alerts::rpc
