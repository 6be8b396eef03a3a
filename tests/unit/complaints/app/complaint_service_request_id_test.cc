// ComplaintService::Execute with a request id (AIP-155): a retry returns
// the first outcome and writes nothing, even after the complaint moved on;
// the same id with another command is refused naming command.request_id.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "services/complaints/app/complaint_service.h"
#include "tests/unit/complaints/app/complaint_service_fixture.h"

namespace sqms::complaints::app::testing {
namespace {

using domain::CommandKind;
using domain::EventType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RequestIdTest : public ComplaintServiceTest {
 protected:
  void SetUp() override {
    ComplaintServiceTest::SetUp();
    if (HasFatalFailure()) return;
    id_ = Submitted(SafetyReport()).id;
    clock_.Advance(absl::Minutes(1));
  }
  domain::Command Assign(const std::string& request_id) {
    domain::Command command = MakeCommand(CommandKind::kAssign);
    command.request_id = request_id;
    return command;
  }
  std::string id_;
};

TEST_F(RequestIdTest, ARetryReturnsTheFirstOutcomeAndWritesNothing) {
  auto first = service_->Execute(id_, 1, Assign("rid-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  // The complaint moves on; the retry (same id, same expected version,
  // which would now be stale) still answers the first outcome.
  ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(CommandKind::kStartHandling)).ok());
  clock_.Advance(absl::Minutes(1));
  auto retry = service_->Execute(id_, 1, Assign("rid-1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->version, 2);
  EXPECT_EQ(retry->status, domain::Status::kAssigned);
  EXPECT_EQ(retry->updated_at, first->updated_at);
  EXPECT_EQ(repo_.updates(), 2);
  EXPECT_THAT(EventTypes(id_), ElementsAre(EventType::kSubmitted, EventType::kAssigned,
                                           EventType::kHandlingStarted));
  EXPECT_THAT(AuditActions(id_), ElementsAre("submit", "assign", "start_handling"));
}

// An assignment that changes nothing is refused by the domain, but a retry
// of one that did apply (its request id recorded) still answers the first
// outcome: the request id is looked up before the refusal is returned.
TEST_F(RequestIdTest, ARetriedAssignmentIsAnsweredAndANewOneThatChangesNothingIsRefused) {
  auto first = service_->Execute(id_, 0, Assign("rid-1"));
  ASSERT_TRUE(first.ok()) << first.status();
  clock_.Advance(absl::Minutes(1));
  auto retry = service_->Execute(id_, 0, Assign("rid-1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->version, first->version);
  EXPECT_EQ(retry->updated_at, first->updated_at);

  auto again = service_->Execute(id_, 0, Assign("rid-2"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition) << again.status();
  EXPECT_THAT(std::string(again.status().message()),
              HasSubstr("already assigned to department safety-office, assignee wang"));
  EXPECT_THAT(Fields(again.status()), ElementsAre("department"));
  EXPECT_EQ(repo_.updates(), 1);
  EXPECT_EQ(StoredVersion(id_), first->version);
  EXPECT_THAT(EventTypes(id_), ElementsAre(EventType::kSubmitted, EventType::kAssigned));
  EXPECT_THAT(AuditActions(id_), ElementsAre("submit", "assign"));
}

TEST_F(RequestIdTest, TheSameRequestIdWithAnotherCommandIsRefused) {
  ASSERT_TRUE(service_->Execute(id_, 1, Assign("rid-1")).ok());
  domain::Command other = MakeCommand(CommandKind::kEscalate);
  other.request_id = "rid-1";
  auto refused = service_->Execute(id_, 2, other);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("\"rid-1\""));
  EXPECT_THAT(Fields(refused.status()), ElementsAre("command.request_id"));
  domain::Command reworded = Assign("rid-1");
  reworded.note = "another note";
  EXPECT_EQ(service_->Execute(id_, 1, reworded).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(repo_.updates(), 1);
}

TEST_F(RequestIdTest, AConcurrentAttemptOfTheSameRequestWinsOnceAndBothSeeIt) {
  // Another replica runs the same request between our read and our write.
  absl::StatusOr<domain::Complaint> theirs;
  repo_.BeforeNext(Op::kUpdate, [&] { theirs = service_->Execute(id_, 1, Assign("rid-2")); });
  auto ours = service_->Execute(id_, 1, Assign("rid-2"));
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  ASSERT_TRUE(ours.ok()) << ours.status();
  EXPECT_EQ(ours->version, 2);
  EXPECT_EQ(theirs->version, 2);
  EXPECT_EQ(repo_.updates(), 1);
  EXPECT_THAT(EventTypes(id_), ElementsAre(EventType::kSubmitted, EventType::kAssigned));
}

TEST_F(RequestIdTest, WithoutARequestIdARepeatAppliesAgain) {
  ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(CommandKind::kEscalate)).ok());
  ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(CommandKind::kEscalate)).ok());
  EXPECT_EQ(StoredVersion(id_), 3);
}

TEST_F(RequestIdTest, ABadRequestIdIsInvalid) {
  auto bad = service_->Execute(id_, 0, Assign("has space"));
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(bad.status()), ElementsAre("command.request_id"));
}

}  // namespace
}  // namespace sqms::complaints::app::testing
