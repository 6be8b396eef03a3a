// ComplaintService::Execute: lifecycle commands with optimistic concurrency.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "services/complaints/app/complaint_service.h"
#include "tests/unit/complaints/app/complaint_service_fixture.h"

namespace sqms::complaints::app::testing {
namespace {

using domain::CommandKind;
using domain::EventType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::UnorderedElementsAre;

class ExecuteTest : public ComplaintServiceTest {
 protected:
  void SetUp() override {
    ComplaintServiceTest::SetUp();
    if (HasFatalFailure()) return;
    id_ = Submitted(SafetyReport()).id;
    clock_.Advance(absl::Minutes(1));
  }
  std::string id_;
};

TEST_F(ExecuteTest, AppliesTheCommandAndPersistsItsEventAndAudit) {
  auto assigned = service_->Execute(id_, 1, MakeCommand(CommandKind::kAssign));
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_EQ(assigned->status, domain::Status::kAssigned);
  EXPECT_EQ(assigned->version, 2);
  EXPECT_EQ(assigned->assignee, "wang");
  EXPECT_EQ(assigned->updated_at, NowMs());

  EXPECT_EQ(StoredVersion(id_), 2);
  EXPECT_EQ(repo_.Get(id_, false)->status, domain::Status::kAssigned);
  EXPECT_THAT(EventTypes(id_), ElementsAre(EventType::kSubmitted, EventType::kAssigned));
  EXPECT_THAT(AuditActions(id_), ElementsAre("submit", "assign"));
  const auto outbox = repo_.outbox();
  EXPECT_EQ(outbox.back().event.event.at, NowMs());
  EXPECT_EQ(outbox.back().event.event.actor, "agent-7");
  EXPECT_EQ(outbox.back().snapshot.version, 2);
}

TEST_F(ExecuteTest, TheServiceClockSetsTheCommandTime) {
  domain::Command command = MakeCommand(CommandKind::kAssign);
  command.now = absl::UnixEpoch();  // whatever the caller sent
  auto assigned = service_->Execute(id_, 0, command);
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_EQ(assigned->updated_at, NowMs());
}

TEST_F(ExecuteTest, StartingHandlingMeetsFirstResponseAndReplacesTheTimers) {
  ASSERT_TRUE(service_->Execute(id_, 0, MakeCommand(CommandKind::kAssign)).ok());
  auto started = service_->Execute(id_, 0, MakeCommand(CommandKind::kStartHandling));
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->sla.Find(domain::SlaTarget::kFirstResponse)->met_at, NowMs());
  // Only the resolution timers remain in the store.
  for (const auto& [at, member] : repo_.timers()) {
    EXPECT_THAT(member, MatchesRegex(".*\\|2\\|[rb]")) << member;
  }
  EXPECT_EQ(repo_.timers().size(), 2u);
}

TEST_F(ExecuteTest, StaleExpectedVersionIsAbortedWithoutWriting) {
  ASSERT_TRUE(service_->Execute(id_, 1, MakeCommand(CommandKind::kAssign)).ok());
  const int updates = repo_.updates();
  auto stale = service_->Execute(id_, 1, MakeCommand(CommandKind::kAddNote));
  ASSERT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(stale.status().message(), HasSubstr("version 2"));
  EXPECT_EQ(repo_.updates(), updates);
  EXPECT_EQ(StoredVersion(id_), 2);
}

TEST_F(ExecuteTest, ConcurrentChangeWithoutExpectedVersionIsRetried) {
  // Between our read and our write another writer commits version 2: our
  // compare-and-set loses, the command is re-applied on version 2.
  repo_.BeforeNext(Op::kUpdate, [&] { ASSERT_TRUE(repo_.SimulateConcurrentWrite(id_).ok()); });
  auto assigned = service_->Execute(id_, 0, MakeCommand(CommandKind::kAssign));
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_EQ(assigned->version, 3);
  EXPECT_EQ(StoredVersion(id_), 3);
  EXPECT_THAT(AuditActions(id_), ElementsAre("submit", "note", "assign"));
  auto stored = repo_.Get(id_, true);
  EXPECT_EQ(stored->audit.back().version, 3);
  // The lost attempt published nothing.
  EXPECT_THAT(EventTypes(id_), ElementsAre(EventType::kSubmitted, EventType::kAssigned));
}

TEST_F(ExecuteTest, LostCompareAndSetWithExpectedVersionIsAborted) {
  repo_.BeforeNext(Op::kUpdate, [&] { ASSERT_TRUE(repo_.SimulateConcurrentWrite(id_).ok()); });
  auto result = service_->Execute(id_, 1, MakeCommand(CommandKind::kAssign));
  ASSERT_EQ(result.status().code(), absl::StatusCode::kAborted) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("stale"));
  EXPECT_EQ(StoredVersion(id_), 2);  // only the other writer's change
  EXPECT_EQ(repo_.Get(id_, false)->status, domain::Status::kReceived);
  EXPECT_THAT(EventTypes(id_), ElementsAre(EventType::kSubmitted));
}

TEST_F(ExecuteTest, ContinuousContentionGivesUpWithAborted) {
  int interfering = 0;
  std::function<void()> interfere = [&] {
    ++interfering;
    ASSERT_TRUE(repo_.SimulateConcurrentWrite(id_).ok());
    repo_.BeforeNext(Op::kUpdate, interfere);
  };
  repo_.BeforeNext(Op::kUpdate, interfere);
  auto result = service_->Execute(id_, 0, MakeCommand(CommandKind::kAssign));
  repo_.BeforeNext(Op::kUpdate, [] {});  // disarm
  ASSERT_EQ(result.status().code(), absl::StatusCode::kAborted) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("retry"));
  EXPECT_EQ(interfering, 5);
  EXPECT_EQ(repo_.Get(id_, false)->status, domain::Status::kReceived);
}

TEST_F(ExecuteTest, IllegalTransitionIsFailedPrecondition) {
  auto result = service_->Execute(id_, 0, MakeCommand(CommandKind::kResolve));
  ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("STATUS_RECEIVED"));
  EXPECT_EQ(repo_.updates(), 0);
  EXPECT_EQ(StoredVersion(id_), 1);
}

TEST_F(ExecuteTest, BadArgumentsAreNamed) {
  auto no_id = service_->Execute("", -1, MakeCommand(CommandKind::kAddNote));
  ASSERT_EQ(no_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(no_id.status()), UnorderedElementsAre("id", "expected_version"));

  domain::Command assign = MakeCommand(CommandKind::kAssign);
  assign.department.clear();
  assign.assignee.clear();
  auto no_payload = service_->Execute(id_, 0, assign);
  ASSERT_EQ(no_payload.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(repo_.updates(), 0);

  EXPECT_EQ(service_->Execute("CMP-999999", 0, MakeCommand(CommandKind::kAddNote)).status().code(),
            absl::StatusCode::kNotFound);
}

// Department ids are one vocabulary (docs/api.md): a display name or free
// text would be stored, published and counted as a department of its own.
TEST_F(ExecuteTest, AnAssignmentToSomethingNotADepartmentIdIsRefusedWithoutWriting) {
  for (const char* department : {"Not A Dept!", "票务中心", "Ticketing-Center", "ticketing_center",
                                 "-ticketing", "ticketing center"}) {
    domain::Command assign = MakeCommand(CommandKind::kAssign);
    assign.department = department;
    auto result = service_->Execute(id_, 0, assign);
    ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << department;
    EXPECT_THAT(Fields(result.status()), ElementsAre("department")) << department;
  }
  EXPECT_EQ(repo_.updates(), 0);
  EXPECT_EQ(StoredVersion(id_), 1);
  EXPECT_THAT(EventTypes(id_), ElementsAre(EventType::kSubmitted));
}

// A well-formed id that is not one of triage.yaml's departments would put
// the complaint in no one's queue: refused, naming the value, nothing written.
TEST_F(ExecuteTest, AnAssignmentToAnUnlistedDepartmentIsRefusedWithoutWriting) {
  domain::Command assign = MakeCommand(CommandKind::kAssign);
  assign.department = "no-such-dept";
  auto result = service_->Execute(id_, 0, assign);
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  const auto violations = runtime::FieldViolations(result.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "department");
  EXPECT_THAT(violations[0].description, HasSubstr("\"no-such-dept\""));
  EXPECT_EQ(repo_.updates(), 0);
  EXPECT_EQ(StoredVersion(id_), 1);
  EXPECT_THAT(EventTypes(id_), ElementsAre(EventType::kSubmitted));
  EXPECT_EQ(repo_.Get(id_, /*with_audit=*/true)->audit.size(), 1u);  // the submission's

  assign.department = "ticketing-center";  // listed
  EXPECT_TRUE(service_->Execute(id_, 0, assign).ok());
}

TEST_F(ExecuteTest, StoreUnavailablePropagates) {
  repo_.SetDown(absl::UnavailableError("redis down"));
  EXPECT_EQ(service_->Execute(id_, 0, MakeCommand(CommandKind::kAssign)).status().code(),
            absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());

  // Down between the read and the write.
  repo_.BeforeNext(Op::kUpdate, [&] { repo_.SetDown(absl::UnavailableError("redis down")); });
  EXPECT_EQ(service_->Execute(id_, 0, MakeCommand(CommandKind::kAssign)).status().code(),
            absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());
  EXPECT_EQ(StoredVersion(id_), 1);
  EXPECT_EQ(repo_.Get(id_, false)->status, domain::Status::kReceived);
}

TEST_F(ExecuteTest, EveryEventGetsAUniqueUuidV4) {
  for (CommandKind kind : {CommandKind::kAssign, CommandKind::kStartHandling,
                           CommandKind::kAddNote, CommandKind::kResolve, CommandKind::kReply,
                           CommandKind::kFollowUp, CommandKind::kClose}) {
    auto r = service_->Execute(id_, 0, MakeCommand(kind));
    ASSERT_TRUE(r.ok()) << domain::CommandName(kind) << ": " << r.status();
  }
  for (int i = 0; i < 20; ++i) Submitted(HygieneReport("1390013900" + std::to_string(i % 10)));

  std::set<std::string> ids;
  const auto outbox = repo_.outbox();
  for (const auto& e : outbox) {
    EXPECT_THAT(e.event.event_id,
                MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    ids.insert(e.event.event_id);
  }
  EXPECT_GT(outbox.size(), 30u);
  EXPECT_EQ(ids.size(), outbox.size());
  EXPECT_EQ(repo_.Get(id_, false)->status, domain::Status::kClosed);
}

}  // namespace
}  // namespace sqms::complaints::app::testing
