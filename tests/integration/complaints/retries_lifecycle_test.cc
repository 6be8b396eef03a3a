// Every lifecycle command exact under retries (AIP-155 request ids): a
// retry after the write succeeded but before the client saw the answer
// returns the first outcome, writes one audit entry and publishes one event
// — also when the complaint moved on since, when the first call's deadline
// expired after the write, and when the service was SIGKILLed in between.
// One change is one version: audit entries and events agree on it.

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include <google/protobuf/util/message_differencer.h>

#include "sqms/runtime/redis_client.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

using Stub = v1::ComplaintService::Stub;
using ::testing::ElementsAre;

// One lifecycle command: which RPC and how to fill it.
struct Step {
  const char* name;
  std::function<grpc::Status(Stub&, grpc::ClientContext*, const v1::LifecycleRequest&,
                             v1::Complaint*)>
      call;
};

template <typename Request>
Step Nested(const char* name,
            grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, v1::Complaint*),
            std::function<void(Request&)> fill) {
  return {name, [rpc, fill](Stub& stub, grpc::ClientContext* ctx, const v1::LifecycleRequest& c,
                            v1::Complaint* out) {
            Request r;
            *r.mutable_command() = c;
            fill(r);
            return (stub.*rpc)(ctx, r, out);
          }};
}
Step Plain(const char* name, grpc::Status (Stub::*rpc)(grpc::ClientContext*,
                                                        const v1::LifecycleRequest&,
                                                        v1::Complaint*)) {
  return {name, [rpc](Stub& stub, grpc::ClientContext* ctx, const v1::LifecycleRequest& c,
                      v1::Complaint* out) { return (stub.*rpc)(ctx, c, out); }};
}

// Every command, in an order that walks one complaint through all of them.
std::vector<Step> EveryCommand() {
  using S = Stub;
  auto resolve = [](v1::ResolveComplaintRequest& r) {
    r.set_findings("Compressor failed.");
    r.set_root_cause("Maintenance overdue.");
    r.set_corrective_action("Replaced.");
  };
  auto reply = [](v1::ReplyRequest& r) { r.set_message("Repaired; we apologise."); };
  return {
      Nested<v1::AssignComplaintRequest>(
          "assign", &S::AssignComplaint,
          [](auto& r) { r.set_department("facilities-maintenance"); }),
      Plain("start", &S::StartHandling),
      Plain("wait", &S::WaitOnCustomer),
      Plain("resume", &S::ResumeHandling),
      Plain("escalate", &S::EscalateComplaint),
      Plain("note", &S::AddNote),
      Nested<v1::ReclassifyComplaintRequest>("reclassify", &S::ReclassifyComplaint,
                                             [](auto& r) { r.set_priority(v1::PRIORITY_P2); }),
      Nested<v1::ResolveComplaintRequest>("resolve", &S::ResolveComplaint, resolve),
      Nested<v1::ReplyRequest>("reply", &S::ReplyToComplainant, reply),
      Nested<v1::FollowUpRequest>("follow-up unsatisfied", &S::RecordFollowUp,
                                  [](auto& r) { r.set_satisfied(false); r.set_score(2); }),
      Nested<v1::ResolveComplaintRequest>("resolve again", &S::ResolveComplaint, resolve),
      Nested<v1::ReplyRequest>("reply again", &S::ReplyToComplainant, reply),
      Nested<v1::FollowUpRequest>("follow-up satisfied", &S::RecordFollowUp,
                                  [](auto& r) { r.set_satisfied(true); r.set_score(5); }),
      Plain("close", &S::CloseComplaint),
      Plain("reopen", &S::ReopenComplaint),
  };
}

v1::LifecycleRequest Command(const v1::Complaint& c, const std::string& request_id) {
  v1::LifecycleRequest r = Cmd(c.id(), c.version(), "retry test");
  r.set_request_id(request_id);
  return r;
}

// Every event of `id` on the topic, once its event at `version` arrived
// (events of one complaint arrive in order).
std::vector<ReadEvent> EventsUpTo(ComplaintsStack& stack, const std::string& id, int64_t version) {
  testing::TopicReader reader(stack.kafka().bootstrap(), kComplaintsTopic);
  auto records = reader.ReadUntil(
      [&](const auto& rs) {
        for (const auto& e : Decode(rs, {id})) {
          if (e.event.complaint().version() >= version) return true;
        }
        return false;
      },
      absl::Seconds(30));
  return Decode(records, {id});
}

v1::Complaint GetWithAudit(Stub& stub, const std::string& id) {
  v1::GetComplaintRequest r;
  r.set_id(id);
  v1::Complaint out;
  auto ctx = Ctx(Role::kSupervisor);
  grpc::Status s = stub.GetComplaint(ctx.get(), r, &out);
  EXPECT_TRUE(s.ok()) << StatusText(s);
  return out;
}

// One audit entry per version 1..last, and every event at a version that
// has its audit entry, no event twice.
void ExpectOneEntryPerVersion(ComplaintsStack& stack, Stub& stub, const std::string& id) {
  const v1::Complaint got = GetWithAudit(stub, id);
  std::vector<int64_t> versions;
  for (const auto& a : got.audit()) versions.push_back(a.version());
  std::vector<int64_t> expected;
  for (int64_t v = 1; v <= got.version(); ++v) expected.push_back(v);
  EXPECT_EQ(versions, expected) << "one audit entry per version";
  // Distinct event ids per version (a relay redelivery repeats an id).
  std::map<int64_t, std::set<std::string>> per_version;
  for (const ReadEvent& e : EventsUpTo(stack, id, got.version())) {
    const int64_t v = e.event.complaint().version();
    EXPECT_GE(v, 1);
    EXPECT_LE(v, got.version());
    per_version[v].insert(e.event.event_id());
  }
  for (const auto& [v, ids] : per_version) {
    // Only the unsatisfied follow-up causes two events (followed up, reopened).
    EXPECT_LE(ids.size(), 2u) << "version " << v;
  }
  EXPECT_EQ(per_version.size(), static_cast<size_t>(got.version())) << "an event per version";
}

class RetriesLifecycleTest : public StackTest {};

TEST_F(RetriesLifecycleTest, EveryCommandRetriedReturnsItsFirstOutcomeOnce) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("retry-every"));
  std::vector<std::pair<v1::LifecycleRequest, v1::Complaint>> done;
  for (const Step& step : EveryCommand()) {
    const v1::LifecycleRequest request = Command(c, Unique("rid"));
    v1::Complaint first, second;
    auto ctx1 = Ctx(Role::kSupervisor);
    grpc::Status s1 = step.call(stub(), ctx1.get(), request, &first);
    ASSERT_TRUE(s1.ok()) << step.name << ": " << StatusText(s1);
    auto ctx2 = Ctx(Role::kSupervisor);  // the answer was "lost": the same request again
    grpc::Status s2 = step.call(stub(), ctx2.get(), request, &second);
    ASSERT_TRUE(s2.ok()) << step.name << " retry: " << StatusText(s2);
    EXPECT_EQ(first.version(), c.version() + 1) << step.name;
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(first, second))
        << step.name << ":\n" << first.DebugString() << "\nvs\n" << second.DebugString();
    done.emplace_back(request, first);
    c = first;
  }
  // Long after, with the complaint moved on: still the first outcome.
  const std::vector<Step> steps = EveryCommand();
  for (size_t i = 0; i < steps.size(); ++i) {
    v1::Complaint late;
    auto ctx = Ctx(Role::kSupervisor);
    ASSERT_TRUE(steps[i].call(stub(), ctx.get(), done[i].first, &late).ok()) << steps[i].name;
    EXPECT_EQ(late.version(), done[i].second.version()) << steps[i].name;
    EXPECT_EQ(late.status(), done[i].second.status()) << steps[i].name;
  }
  ExpectOneEntryPerVersion(stack(), stub(), c.id());
  const v1::Complaint got = GetWithAudit(stub(), c.id());
  EXPECT_EQ(got.version(), static_cast<int64_t>(steps.size()) + 1);
}

TEST_F(RetriesLifecycleTest, TheSameRequestIdWithAnotherCommandIsRefusedNamingIt) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("retry-other"));
  const std::string rid = Unique("rid");
  v1::Complaint escalated;
  auto ctx = Ctx(Role::kSupervisor);
  ASSERT_TRUE(stub().EscalateComplaint(ctx.get(), Command(c, rid), &escalated).ok());
  v1::Complaint out;
  auto ctx2 = Ctx(Role::kSupervisor);
  grpc::Status s = stub().AddNote(ctx2.get(), Command(escalated, rid), &out);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << StatusText(s);
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr(rid));
  // AddNote's request is a bare LifecycleRequest: the path is its own field.
  EXPECT_THAT(ViolationFields(s), ElementsAre("request_id"));
  EXPECT_EQ(GetWithAudit(stub(), c.id()).version(), 2);
}

TEST_F(RetriesLifecycleTest, DeadlineExpiredAfterTheWriteTheRetryAppliesNothing) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("retry-late"));
  // Redis holds every write for 1.5 s (reads go on): the service's update
  // script waits (its Redis timeout is longer) and runs after the client's
  // 800 ms deadline has passed. CLIENT PAUSE returns once the pause is in
  // place, so nothing races the call below. (A shorter deadline could pass
  // before a worker takes the call on a loaded machine: the service then
  // drops it unstarted, and nothing is written.)
  ASSERT_EQ(stack().redis().Cli({"CLIENT", "PAUSE", "1500", "WRITE"}), "OK\n");
  const v1::LifecycleRequest request = Command(c, Unique("rid"));
  v1::Complaint lost;
  auto ctx = Ctx(Role::kSupervisor, absl::Milliseconds(800));
  grpc::Status s = stub().EscalateComplaint(ctx.get(), request, &lost);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << StatusText(s);
  // The write lands after the client gave up.
  ASSERT_TRUE(testing::Await([&] { return GetWithAudit(stub(), c.id()).version() == 2; },
                             absl::Seconds(10)));
  v1::Complaint retry;
  auto ctx2 = Ctx(Role::kSupervisor);
  ASSERT_TRUE(stub().EscalateComplaint(ctx2.get(), request, &retry).ok());
  EXPECT_EQ(retry.version(), 2);
  EXPECT_EQ(retry.escalation_level(), 1);
  const v1::Complaint got = GetWithAudit(stub(), c.id());
  EXPECT_EQ(got.version(), 2);
  ASSERT_EQ(got.audit_size(), 2);
  EXPECT_EQ(got.audit(1).action(), "escalate");
  const auto events = EventsUpTo(stack(), c.id(), 2);
  EXPECT_EQ(CountType(events, ev::COMPLAINT_EVENT_TYPE_ESCALATED), 1u);
}

}  // namespace
}  // namespace sqms::complaints::it
