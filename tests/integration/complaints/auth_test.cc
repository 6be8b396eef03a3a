// The auth matrix: every RPC × every role, no token and a wrong token. Each
// call is a request that would succeed for an allowed role (the complaint is
// first brought into the right status by an admin), so a refusal can only
// come from authentication or the role check.

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

using Stub = v1::ComplaintService::Stub;
using Caller = std::function<std::unique_ptr<grpc::ClientContext>()>;

class AuthTest : public StackTest {
 public:
  using StackTest::stack;
  using StackTest::stub;
  // A new complaint moved by an admin to `target` along the happy path.
  v1::Complaint In(v1::Status target) {
    v1::Complaint c = SubmitOk(stub(), ValidSubmission("auth"), Role::kAdmin);
    auto step = [&](auto rpc, const auto& request) {
      auto ctx = Ctx(Role::kAdmin);
      grpc::Status s = (stub().*rpc)(ctx.get(), request, &c);
      EXPECT_TRUE(s.ok()) << StatusText(s);
    };
    if (target == v1::STATUS_RECEIVED) return c;
    v1::AssignComplaintRequest assign;
    *assign.mutable_command() = Cmd(c.id());
    assign.set_department("facilities-maintenance");
    step(&Stub::AssignComplaint, assign);
    if (target == v1::STATUS_ASSIGNED) return c;
    step(&Stub::StartHandling, Cmd(c.id()));
    if (target == v1::STATUS_IN_PROGRESS) return c;
    if (target == v1::STATUS_WAITING_CUSTOMER) {
      step(&Stub::WaitOnCustomer, Cmd(c.id()));
      return c;
    }
    v1::ResolveComplaintRequest resolve;
    *resolve.mutable_command() = Cmd(c.id());
    resolve.set_findings("f");
    resolve.set_root_cause("r");
    resolve.set_corrective_action("a");
    step(&Stub::ResolveComplaint, resolve);
    if (target == v1::STATUS_RESOLVED) return c;
    v1::ReplyRequest reply;
    *reply.mutable_command() = Cmd(c.id());
    reply.set_message("m");
    step(&Stub::ReplyToComplainant, reply);
    if (target == v1::STATUS_REPLIED) return c;
    v1::FollowUpRequest follow;
    *follow.mutable_command() = Cmd(c.id());
    follow.set_satisfied(true);
    follow.set_score(4);
    step(&Stub::RecordFollowUp, follow);
    EXPECT_EQ(c.status(), target);
    return c;
  }

  // Watch as `caller`; OK once an event arrived (auth passed), else the
  // stream's final status.
  grpc::Status Watch(const Caller& caller) {
    const std::string station = Unique("WatchAuth");
    v1::WatchComplaintsRequest request;
    request.mutable_filter()->set_station(station);
    auto ctx = caller();
    auto reader = stub().WatchComplaints(ctx.get(), request);
    std::atomic<bool> got{false}, ended{false};
    std::thread t([&] {
      ev::ComplaintEvent e;
      if (reader->Read(&e)) got = true;
      ended = true;
    });
    // The watch may register after the call starts: submit until seen.
    testing::Await(
        [&] {
          if (got || ended) return true;
          v1::SubmitComplaintRequest r = ValidSubmission("watch-auth");
          r.mutable_location()->set_station(station);
          SubmitOk(stub(), r, Role::kAdmin);
          return false;
        },
        absl::Seconds(8), absl::Milliseconds(200));
    // Cancel a live watch only: cancelling one that already ended could turn
    // its final status into CANCELLED before Finish() reads it.
    if (got || !ended) ctx->TryCancel();
    t.join();
    grpc::Status status = reader->Finish();
    return got ? grpc::Status::OK : status;
  }
};

struct RpcCase {
  const char* name;
  std::set<Role> allowed;
  std::function<grpc::Status(AuthTest&, const Caller&)> call;
};

template <typename Request, typename Response>
grpc::Status Unary(grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
                   const Caller& caller, const Request& request, Stub& stub) {
  Response out;
  auto ctx = caller();
  return (stub.*rpc)(ctx.get(), request, &out);
}

const std::set<Role> kEveryRole = {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService};
const std::set<Role> kStaff = {Role::kAgent, Role::kSupervisor, Role::kAdmin};
const std::set<Role> kSenior = {Role::kSupervisor, Role::kAdmin};

std::vector<RpcCase> Cases() {
  auto lifecycle = [](const char* name, std::set<Role> allowed, v1::Status from,
                      grpc::Status (Stub::*rpc)(grpc::ClientContext*, const v1::LifecycleRequest&,
                                                v1::Complaint*)) {
    return RpcCase{name, allowed, [=](AuthTest& t, const Caller& caller) {
                     return Unary(rpc, caller, Cmd(t.In(from).id(), 0, "auth matrix"), t.stub());
                   }};
  };
  return {
      {"SubmitComplaint", kEveryRole,
       [](AuthTest& t, const Caller& c) {
         return Unary(&Stub::SubmitComplaint, c, ValidSubmission("auth-submit"), t.stub());
       }},
      {"StreamComplaints", kEveryRole,
       [](AuthTest& t, const Caller& caller) {
         auto ctx = caller();
         auto stream = t.stub().StreamComplaints(ctx.get());
         stream->Write(ValidSubmission("auth-stream"));
         stream->WritesDone();
         v1::StreamComplaintsResponse answer;
         bool accepted = stream->Read(&answer) && answer.has_accepted();
         while (stream->Read(&answer)) {
         }
         grpc::Status s = stream->Finish();
         if (s.ok() && !accepted) return grpc::Status(grpc::StatusCode::UNKNOWN, "not accepted");
         return s;
       }},
      {"GetComplaint", kEveryRole,
       [](AuthTest& t, const Caller& c) {
         v1::GetComplaintRequest r;
         r.set_id(t.In(v1::STATUS_RECEIVED).id());
         return Unary(&Stub::GetComplaint, c, r, t.stub());
       }},
      {"ListComplaints", kStaff,
       [](AuthTest& t, const Caller& c) {
         v1::ListComplaintsRequest r;
         r.set_page_size(5);
         return Unary(&Stub::ListComplaints, c, r, t.stub());
       }},
      {"AssignComplaint (to the agent)", kStaff,
       [](AuthTest& t, const Caller& c) {
         v1::AssignComplaintRequest r;
         *r.mutable_command() = Cmd(t.In(v1::STATUS_RECEIVED).id());
         r.set_department("facilities-maintenance");
         r.set_assignee(Subject(Role::kAgent));
         return Unary(&Stub::AssignComplaint, c, r, t.stub());
       }},
      lifecycle("StartHandling", kStaff, v1::STATUS_ASSIGNED, &Stub::StartHandling),
      lifecycle("WaitOnCustomer", kStaff, v1::STATUS_IN_PROGRESS, &Stub::WaitOnCustomer),
      lifecycle("ResumeHandling", kStaff, v1::STATUS_WAITING_CUSTOMER, &Stub::ResumeHandling),
      {"ResolveComplaint", kStaff,
       [](AuthTest& t, const Caller& c) {
         v1::ResolveComplaintRequest r;
         *r.mutable_command() = Cmd(t.In(v1::STATUS_IN_PROGRESS).id());
         r.set_findings("f");
         r.set_root_cause("r");
         r.set_corrective_action("a");
         return Unary(&Stub::ResolveComplaint, c, r, t.stub());
       }},
      {"ReplyToComplainant", kStaff,
       [](AuthTest& t, const Caller& c) {
         v1::ReplyRequest r;
         *r.mutable_command() = Cmd(t.In(v1::STATUS_RESOLVED).id());
         r.set_message("reply");
         return Unary(&Stub::ReplyToComplainant, c, r, t.stub());
       }},
      {"RecordFollowUp", kStaff,
       [](AuthTest& t, const Caller& c) {
         v1::FollowUpRequest r;
         *r.mutable_command() = Cmd(t.In(v1::STATUS_REPLIED).id());
         r.set_satisfied(true);
         r.set_score(5);
         return Unary(&Stub::RecordFollowUp, c, r, t.stub());
       }},
      lifecycle("CloseComplaint", kSenior, v1::STATUS_FOLLOWED_UP, &Stub::CloseComplaint),
      lifecycle("ReopenComplaint", kSenior, v1::STATUS_RESOLVED, &Stub::ReopenComplaint),
      lifecycle("EscalateComplaint", kStaff, v1::STATUS_RECEIVED, &Stub::EscalateComplaint),
      lifecycle("AddNote", kStaff, v1::STATUS_RECEIVED, &Stub::AddNote),
      {"WatchComplaints", kEveryRole, [](AuthTest& t, const Caller& c) { return t.Watch(c); }},
      {"StreamContactEvents",
       {Role::kSupervisor, Role::kAdmin, Role::kService},
       [](AuthTest& t, const Caller& caller) {
         auto contact = t.stack().Contact();
         auto ctx = caller();
         auto stream = contact->StreamContactEvents(ctx.get());
         stream->Write(ValidContactEvent());
         stream->WritesDone();
         contact::v1::ContactEventAck ack;
         bool accepted = stream->Read(&ack) && ack.status().code() == 0;
         while (stream->Read(&ack)) {
         }
         grpc::Status s = stream->Finish();
         if (s.ok() && !accepted) return grpc::Status(grpc::StatusCode::UNKNOWN, "not acked");
         return s;
       }},
  };
}

TEST_F(AuthTest, EveryRpcTimesEveryRoleNoTokenAndWrongToken) {
  for (const RpcCase& rpc : Cases()) {
    for (Role role : kAllRoles) {
      SCOPED_TRACE(std::string(rpc.name) + " as " + RoleName(role));
      grpc::Status s = rpc.call(*this, [role] { return Ctx(role); });
      if (rpc.allowed.count(role)) {
        EXPECT_TRUE(s.ok()) << StatusText(s);
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED) << StatusText(s);
      }
    }
    for (const std::string token : {"", "tok-bogus"}) {
      SCOPED_TRACE(std::string(rpc.name) + " with token \"" + token + "\"");
      grpc::Status s = rpc.call(*this, [token] { return CtxWithToken(token); });
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << StatusText(s);
    }
  }
}

TEST_F(AuthTest, PersonalDataMaskedForAgentAndServiceNotForSupervisorAndAdmin) {
  v1::SubmitComplaintRequest r = ValidSubmission("pii");
  r.mutable_complainant()->set_phone("13812345678");
  r.mutable_complainant()->set_email("zhangwei@example.com");
  r.mutable_complainant()->set_id_number("11010519491231002X");
  v1::Complaint c = SubmitOk(stub(), r, Role::kSupervisor);
  for (Role role : kAllRoles) {
    SCOPED_TRACE(RoleName(role));
    v1::GetComplaintRequest get;
    get.set_id(c.id());
    v1::Complaint got;
    auto ctx = Ctx(role);
    grpc::Status s = stub().GetComplaint(ctx.get(), get, &got);
    ASSERT_TRUE(s.ok()) << StatusText(s);
    const auto& p = got.complainant();
    if (role == Role::kSupervisor || role == Role::kAdmin) {
      EXPECT_EQ(p.phone(), "13812345678");
      EXPECT_EQ(p.email(), "zhangwei@example.com");
      EXPECT_EQ(p.id_number(), "11010519491231002X");
    } else {
      EXPECT_EQ(p.phone(), "138****5678");
      EXPECT_NE(p.email(), "zhangwei@example.com");
      EXPECT_EQ(p.email().substr(p.email().find('@')), "@example.com");
      EXPECT_NE(p.id_number(), "11010519491231002X");
      EXPECT_EQ(p.id_number().substr(0, 3), "110");
    }
  }
  // The submitter's own response follows the same rule (agent: masked).
  v1::Complaint as_agent = SubmitOk(stub(), ValidSubmission("pii-agent"), Role::kAgent);
  EXPECT_NE(as_agent.complainant().phone().find("****"), std::string::npos)
      << as_agent.complainant().phone();
}

// docs/api.md: an agent dispatches, and may assign to themselves but never
// to someone else; supervisors may. The refusal names the field and changes
// nothing (the complaint stays RECEIVED at its version).
TEST_F(AuthTest, AgentMayAssignOnlyToThemselves) {
  v1::Complaint c = In(v1::STATUS_RECEIVED);
  v1::AssignComplaintRequest other;
  *other.mutable_command() = Cmd(c.id());
  other.set_department("customer-service");
  other.set_assignee(Subject(Role::kSupervisor));
  v1::Complaint out;
  auto ctx = Ctx(Role::kAgent);
  grpc::Status denied = stub().AssignComplaint(ctx.get(), other, &out);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED) << StatusText(denied);
  EXPECT_EQ(ViolationFields(denied), std::vector<std::string>{"assignee"});
  v1::GetComplaintRequest get;
  get.set_id(c.id());
  v1::Complaint now;
  auto get_ctx = Ctx(Role::kAdmin);
  ASSERT_TRUE(stub().GetComplaint(get_ctx.get(), get, &now).ok());
  EXPECT_EQ(now.status(), v1::STATUS_RECEIVED);
  EXPECT_EQ(now.version(), c.version());

  v1::AssignComplaintRequest self = other;
  self.set_assignee(Subject(Role::kAgent));
  auto self_ctx = Ctx(Role::kAgent);
  grpc::Status own = stub().AssignComplaint(self_ctx.get(), self, &out);
  ASSERT_TRUE(own.ok()) << StatusText(own);
  EXPECT_EQ(out.assignee(), Subject(Role::kAgent));

  v1::AssignComplaintRequest by_supervisor = other;
  *by_supervisor.mutable_command() = Cmd(c.id());
  auto sup_ctx = Ctx(Role::kSupervisor);
  grpc::Status dispatched = stub().AssignComplaint(sup_ctx.get(), by_supervisor, &out);
  ASSERT_TRUE(dispatched.ok()) << StatusText(dispatched);
  EXPECT_EQ(out.assignee(), Subject(Role::kSupervisor));
}

}  // namespace
}  // namespace sqms::complaints::it
