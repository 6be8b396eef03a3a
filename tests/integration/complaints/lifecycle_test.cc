// The lifecycle over gRPC: the whole path with its audit trail and events,
// reopening on an unsatisfied follow-up, illegal transitions and optimistic
// concurrency on expected_version.

#include <latch>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

using ::testing::ElementsAreArray;

class LifecycleTest : public StackTest {
 protected:
  // Runs one command as `role`, expecting OK; returns the complaint after it.
  template <typename Request>
  using Rpc = grpc::Status (v1::ComplaintService::Stub::*)(grpc::ClientContext*, const Request&,
                                                           v1::Complaint*);
  template <typename Request>
  v1::Complaint Run(Rpc<Request> rpc, const Request& request, Role role, const char* what) {
    v1::Complaint out;
    auto ctx = Ctx(role);
    grpc::Status status = (stub().*rpc)(ctx.get(), request, &out);
    EXPECT_TRUE(status.ok()) << what << ": " << StatusText(status);
    return out;
  }

  v1::Complaint Assign(const v1::Complaint& c, Role role) {
    v1::AssignComplaintRequest r;
    *r.mutable_command() = Cmd(c.id(), c.version(), "assigning");
    r.set_department("facilities-maintenance");
    r.set_assignee(Subject(Role::kAgent));
    return Run(&v1::ComplaintService::Stub::AssignComplaint, r, role, "assign");
  }
  v1::Complaint Simple(grpc::Status (v1::ComplaintService::Stub::*rpc)(
                           grpc::ClientContext*, const v1::LifecycleRequest&, v1::Complaint*),
                       const v1::Complaint& c, Role role, const char* what) {
    return Run(rpc, Cmd(c.id(), c.version(), what), role, what);
  }
  v1::Complaint Resolve(const v1::Complaint& c, Role role) {
    v1::ResolveComplaintRequest r;
    *r.mutable_command() = Cmd(c.id(), c.version());
    r.set_findings("The compressor of coach 5 failed.");
    r.set_root_cause("Maintenance interval exceeded.");
    r.set_corrective_action("Compressor replaced; interval shortened.");
    return Run(&v1::ComplaintService::Stub::ResolveComplaint, r, role, "resolve");
  }
  v1::Complaint Reply(const v1::Complaint& c, Role role) {
    v1::ReplyRequest r;
    *r.mutable_command() = Cmd(c.id(), c.version());
    r.set_message("We are sorry; the air conditioning has been repaired.");
    return Run(&v1::ComplaintService::Stub::ReplyToComplainant, r, role, "reply");
  }
  v1::Complaint FollowUp(const v1::Complaint& c, Role role, bool satisfied, int score) {
    v1::FollowUpRequest r;
    *r.mutable_command() = Cmd(c.id(), c.version());
    r.set_satisfied(satisfied);
    r.set_score(score);
    r.set_comment(satisfied ? "fine now" : "still too warm");
    return Run(&v1::ComplaintService::Stub::RecordFollowUp, r, role, "follow-up");
  }
  v1::Complaint Get(const std::string& id) {
    v1::GetComplaintRequest r;
    r.set_id(id);
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status status = stub().GetComplaint(ctx.get(), r, &out);
    EXPECT_TRUE(status.ok()) << StatusText(status);
    return out;
  }
  // Every event of complaint `id` once at least `count` are on the topic.
  std::vector<ReadEvent> EventsOf(const std::string& id, size_t count) {
    testing::TopicReader reader(stack().kafka().bootstrap(), kComplaintsTopic);
    auto records = reader.ReadUntil(
        [&](const auto& rs) { return Decode(rs, {id}).size() >= count; }, absl::Seconds(20));
    return Decode(records, {id});
  }
};

using Stub = v1::ComplaintService::Stub;

TEST_F(LifecycleTest, FullLifecycleHasAuditTrailAndOneEventPerStepInOrder) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("life"), Role::kAgent);
  ASSERT_FALSE(c.id().empty());
  EXPECT_EQ(c.status(), v1::STATUS_RECEIVED);
  EXPECT_EQ(c.version(), 1);
  c = Assign(c, Role::kSupervisor);
  EXPECT_EQ(c.status(), v1::STATUS_ASSIGNED);
  c = Simple(&Stub::StartHandling, c, Role::kAgent, "start");
  EXPECT_EQ(c.status(), v1::STATUS_IN_PROGRESS);
  c = Simple(&Stub::WaitOnCustomer, c, Role::kAgent, "wait");
  EXPECT_EQ(c.status(), v1::STATUS_WAITING_CUSTOMER);
  EXPECT_TRUE(c.sla().paused());
  c = Simple(&Stub::ResumeHandling, c, Role::kAgent, "resume");
  EXPECT_EQ(c.status(), v1::STATUS_IN_PROGRESS);
  EXPECT_FALSE(c.sla().paused());
  c = Resolve(c, Role::kAgent);
  EXPECT_EQ(c.status(), v1::STATUS_RESOLVED);
  c = Reply(c, Role::kAgent);
  EXPECT_EQ(c.status(), v1::STATUS_REPLIED);
  c = FollowUp(c, Role::kSupervisor, /*satisfied=*/true, 5);
  EXPECT_EQ(c.status(), v1::STATUS_FOLLOWED_UP);
  c = Simple(&Stub::CloseComplaint, c, Role::kSupervisor, "close");
  EXPECT_EQ(c.status(), v1::STATUS_CLOSED);
  EXPECT_EQ(c.version(), 9);

  const std::vector<std::string> actions = {"submit",  "assign",  "start_handling",
                                            "wait_customer", "resume", "resolve",
                                            "reply",   "follow_up", "close"};
  const std::vector<v1::Status> to = {
      v1::STATUS_RECEIVED, v1::STATUS_ASSIGNED,    v1::STATUS_IN_PROGRESS,
      v1::STATUS_WAITING_CUSTOMER, v1::STATUS_IN_PROGRESS, v1::STATUS_RESOLVED,
      v1::STATUS_REPLIED,  v1::STATUS_FOLLOWED_UP, v1::STATUS_CLOSED};
  const std::vector<Role> actors = {Role::kAgent, Role::kSupervisor, Role::kAgent,
                                    Role::kAgent, Role::kAgent,      Role::kAgent,
                                    Role::kAgent, Role::kSupervisor, Role::kSupervisor};
  v1::Complaint got = Get(c.id());
  EXPECT_EQ(got.status(), v1::STATUS_CLOSED);
  EXPECT_EQ(got.resolution().root_cause(), "Maintenance interval exceeded.");
  EXPECT_EQ(got.follow_up().score(), 5);
  ASSERT_EQ(got.audit_size(), 9);
  for (int i = 0; i < 9; ++i) {
    SCOPED_TRACE(actions[i]);
    const v1::AuditEntry& a = got.audit(i);
    EXPECT_EQ(a.action(), actions[i]);
    EXPECT_EQ(a.to_status(), to[i]);
    if (i > 0) {
      EXPECT_EQ(a.from_status(), to[i - 1]);
    }
    EXPECT_EQ(a.actor(), Subject(actors[i]));
    EXPECT_EQ(a.version(), i + 1);
    EXPECT_TRUE(a.has_at());
  }

  const std::vector<ev::ComplaintEventType> types = {
      ev::COMPLAINT_EVENT_TYPE_SUBMITTED,        ev::COMPLAINT_EVENT_TYPE_ASSIGNED,
      ev::COMPLAINT_EVENT_TYPE_HANDLING_STARTED, ev::COMPLAINT_EVENT_TYPE_WAITING_CUSTOMER,
      ev::COMPLAINT_EVENT_TYPE_RESUMED,          ev::COMPLAINT_EVENT_TYPE_RESOLVED,
      ev::COMPLAINT_EVENT_TYPE_REPLIED,          ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP,
      ev::COMPLAINT_EVENT_TYPE_CLOSED};
  std::vector<ReadEvent> events = EventsOf(c.id(), 9);
  std::vector<ev::ComplaintEventType> got_types;
  for (const auto& e : events) got_types.push_back(e.event.type());
  EXPECT_THAT(got_types, ElementsAreArray(types));
  for (size_t i = 0; i < events.size() && i < 9; ++i) {
    const ev::ComplaintEvent& e = events[i].event;
    SCOPED_TRACE(actions[i]);
    EXPECT_EQ(e.to_status(), to[i]);
    if (i > 0) {
      EXPECT_EQ(e.from_status(), to[i - 1]);
    }
    EXPECT_EQ(e.complaint().version(), static_cast<int64_t>(i + 1));
    EXPECT_EQ(e.actor(), Subject(actors[i]));
  }
}

TEST_F(LifecycleTest, UnsatisfiedFollowUpReopens) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("reopen"));
  c = Assign(c, Role::kSupervisor);
  c = Simple(&Stub::StartHandling, c, Role::kAgent, "start");
  c = Resolve(c, Role::kAgent);
  c = Reply(c, Role::kAgent);
  c = FollowUp(c, Role::kAgent, /*satisfied=*/false, 2);
  EXPECT_EQ(c.status(), v1::STATUS_IN_PROGRESS);
  EXPECT_EQ(c.reopen_count(), 1);
  EXPECT_EQ(c.follow_up().score(), 2);
  EXPECT_FALSE(c.follow_up().satisfied());

  v1::Complaint got = Get(c.id());
  // One change, one version, one audit entry; its two events share the version.
  ASSERT_EQ(got.audit_size(), got.version());
  const auto& last = got.audit(got.audit_size() - 1);
  EXPECT_EQ(last.action(), "follow_up");
  EXPECT_EQ(last.from_status(), v1::STATUS_REPLIED);
  EXPECT_EQ(last.to_status(), v1::STATUS_IN_PROGRESS);
  EXPECT_EQ(last.version(), got.version());

  std::vector<ReadEvent> events = EventsOf(c.id(), 7);
  ASSERT_GE(events.size(), 7u);
  EXPECT_EQ(events[5].event.type(), ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP);
  EXPECT_EQ(events[6].event.type(), ev::COMPLAINT_EVENT_TYPE_REOPENED);
  EXPECT_EQ(events[6].event.to_status(), v1::STATUS_IN_PROGRESS);
  EXPECT_EQ(events[5].event.complaint().version(), got.version());
  EXPECT_EQ(events[6].event.complaint().version(), got.version());
}

// An agent who needs a supervisor escalates (to level 1); further up is a
// supervisor's call, and nobody goes past the top. Refusals write nothing.
TEST_F(LifecycleTest, AnAgentEscalatesToTheSupervisorTierAndNoFurther) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("escalate"));
  c = Simple(&Stub::EscalateComplaint, c, Role::kAgent, "customer asks for a supervisor");
  EXPECT_EQ(c.escalation_level(), 1);
  {
    v1::Complaint out;
    auto ctx = Ctx(Role::kAgent);
    grpc::Status status = stub().EscalateComplaint(ctx.get(), Cmd(c.id()), &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << StatusText(status);
    EXPECT_EQ(ViolationFields(status), std::vector<std::string>{"escalation_level"});
  }
  c = Simple(&Stub::EscalateComplaint, Get(c.id()), Role::kSupervisor, "to the admin");
  EXPECT_EQ(c.escalation_level(), 2);
  {
    v1::Complaint out;
    auto ctx = Ctx(Role::kAdmin);
    grpc::Status status = stub().EscalateComplaint(ctx.get(), Cmd(c.id()), &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << StatusText(status);
    EXPECT_EQ(ViolationFields(status), std::vector<std::string>{"escalation_level"});
  }
  v1::Complaint got = Get(c.id());
  EXPECT_EQ(got.version(), 3);  // submit, two escalations
  EXPECT_EQ(got.escalation_level(), 2);
  ASSERT_EQ(got.audit_size(), 3);
  EXPECT_EQ(got.audit(1).note(), "escalation_level: 0 → 1 (customer asks for a supervisor)");
  EXPECT_EQ(got.audit(1).actor(), Subject(Role::kAgent));
}

// Closing before the follow-up visit needs a reason, which the audit entry
// and the closed event (from STATUS_REPLIED) carry for the follow-up KPIs.
TEST_F(LifecycleTest, ClosingARepliedComplaintNeedsTheReasonTheFollowUpWasSkipped) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("skip-follow-up"));
  c = Assign(c, Role::kSupervisor);
  c = Simple(&Stub::StartHandling, c, Role::kAgent, "start");
  c = Resolve(c, Role::kAgent);
  c = Reply(c, Role::kAgent);
  {
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status status = stub().CloseComplaint(ctx.get(), Cmd(c.id()), &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
    EXPECT_EQ(ViolationFields(status), std::vector<std::string>{"note"});
    EXPECT_EQ(Get(c.id()).version(), c.version());  // nothing written
  }
  c = Simple(&Stub::CloseComplaint, c, Role::kSupervisor, "customer unreachable");
  EXPECT_EQ(c.status(), v1::STATUS_CLOSED);
  v1::Complaint got = Get(c.id());
  ASSERT_GT(got.audit_size(), 0);
  EXPECT_EQ(got.audit(got.audit_size() - 1).note(), "follow-up skipped: customer unreachable");

  std::vector<ReadEvent> events = EventsOf(c.id(), 6);
  ASSERT_EQ(events.size(), 6u);
  const ev::ComplaintEvent& closed = events[5].event;
  EXPECT_EQ(closed.type(), ev::COMPLAINT_EVENT_TYPE_CLOSED);
  EXPECT_EQ(closed.from_status(), v1::STATUS_REPLIED);
  EXPECT_EQ(closed.note(), "follow-up skipped: customer unreachable");
  EXPECT_FALSE(closed.complaint().follow_up().has_at());
}

TEST_F(LifecycleTest, IllegalTransitionIsFailedPreconditionNamingTheStatus) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("illegal"));
  {
    v1::ResolveComplaintRequest r;  // valid payload: only the status is wrong
    *r.mutable_command() = Cmd(c.id());
    r.set_findings("f");
    r.set_root_cause("r");
    r.set_corrective_action("a");
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status status = stub().ResolveComplaint(ctx.get(), r, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << StatusText(status);
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("STATUS_RECEIVED"));
  }
  c = Assign(c, Role::kSupervisor);
  {
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status status = stub().CloseComplaint(ctx.get(), Cmd(c.id()), &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << StatusText(status);
    EXPECT_THAT(status.error_message(), ::testing::HasSubstr("STATUS_ASSIGNED"));
  }
  v1::Complaint got = Get(c.id());  // nothing was written by the refused commands
  EXPECT_EQ(got.version(), 2);
  EXPECT_EQ(got.status(), v1::STATUS_ASSIGNED);
  EXPECT_EQ(got.audit_size(), 2);
}

TEST_F(LifecycleTest, ConcurrentTransitionsWithSameExpectedVersionOneWins) {
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE(round);
    v1::Complaint c = SubmitOk(stub(), ValidSubmission("race"));
    std::latch go(2);
    grpc::Status results[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&, t] {
        auto my_stub = stack().Complaints();
        v1::AssignComplaintRequest r;
        *r.mutable_command() = Cmd(c.id(), c.version(), "racer " + std::to_string(t));
        r.set_department(t == 0 ? "facilities-maintenance" : "service-quality");
        v1::Complaint out;
        auto ctx = Ctx(Role::kSupervisor);
        go.arrive_and_wait();
        results[t] = my_stub->AssignComplaint(ctx.get(), r, &out);
      });
    }
    for (auto& t : threads) t.join();
    int ok = 0, aborted = 0;
    for (const auto& s : results) {
      ok += s.ok();
      aborted += s.error_code() == grpc::StatusCode::ABORTED;
    }
    EXPECT_EQ(ok, 1) << StatusText(results[0]) << " / " << StatusText(results[1]);
    EXPECT_EQ(aborted, 1) << StatusText(results[0]) << " / " << StatusText(results[1]);
    v1::Complaint got = Get(c.id());
    EXPECT_EQ(got.version(), 2);  // exactly one change landed
    EXPECT_EQ(got.audit_size(), 2);
  }
}

// An assignment to where the complaint is already changes nothing and is
// refused, through the real store: a retry of the first assignment (its
// request id recorded in Redis) still answers its first outcome, a new
// request is FAILED_PRECONDITION on `department`; no version, entry or event.
TEST_F(LifecycleTest, AnAssignmentThatChangesNothingIsRefusedButItsRetryIsAnswered) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("same-assignment"));
  auto assign = [&](const std::string& request_id, v1::Complaint* out) {
    v1::AssignComplaintRequest r;
    *r.mutable_command() = Cmd(c.id(), 0, "dispatching");
    r.mutable_command()->set_request_id(request_id);
    r.set_department("facilities-maintenance");
    r.set_assignee(Subject(Role::kAgent));
    auto ctx = Ctx(Role::kSupervisor);
    return stub().AssignComplaint(ctx.get(), r, out);
  };
  const std::string first_id = Unique("assign-1");
  v1::Complaint first;
  grpc::Status applied = assign(first_id, &first);
  ASSERT_TRUE(applied.ok()) << StatusText(applied);
  ASSERT_EQ(first.version(), 2);

  v1::Complaint retried;
  grpc::Status retry = assign(first_id, &retried);
  ASSERT_TRUE(retry.ok()) << StatusText(retry);
  EXPECT_EQ(retried.version(), 2);
  EXPECT_EQ(retried.status(), v1::STATUS_ASSIGNED);

  v1::Complaint unused;
  grpc::Status refused = assign(Unique("assign-2"), &unused);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << StatusText(refused);
  EXPECT_THAT(refused.error_message(),
              ::testing::HasSubstr(absl::StrCat("already assigned to department "
                                                "facilities-maintenance, assignee ",
                                                Subject(Role::kAgent))));
  EXPECT_EQ(ViolationFields(refused), std::vector<std::string>{"department"});

  v1::Complaint got = Get(c.id());
  EXPECT_EQ(got.version(), 2);
  EXPECT_EQ(got.audit_size(), 2);
  // Nothing published for the refusal: the next change's event follows the
  // assignment's directly.
  c = Simple(&Stub::StartHandling, got, Role::kAgent, "start");
  std::vector<ReadEvent> events = EventsOf(c.id(), 3);
  std::vector<ev::ComplaintEventType> got_types;
  for (const auto& e : events) got_types.push_back(e.event.type());
  EXPECT_THAT(got_types, ElementsAreArray({ev::COMPLAINT_EVENT_TYPE_SUBMITTED,
                                           ev::COMPLAINT_EVENT_TYPE_ASSIGNED,
                                           ev::COMPLAINT_EVENT_TYPE_HANDLING_STARTED}));
}

TEST_F(LifecycleTest, StaleExpectedVersionIsAborted) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("stale"));
  v1::Complaint moved = Assign(c, Role::kSupervisor);
  ASSERT_EQ(moved.version(), 2);
  v1::Complaint out;
  auto ctx = Ctx(Role::kSupervisor);
  grpc::Status status = stub().StartHandling(ctx.get(), Cmd(c.id(), /*expected=*/1), &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED) << StatusText(status);
}

}  // namespace
}  // namespace sqms::complaints::it
