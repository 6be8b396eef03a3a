// Bad input → INVALID_ARGUMENT with a google.rpc.BadRequest violation naming
// the field, and nothing written.

#include <functional>
#include <future>
#include <string>
#include <vector>

#include "grpcpp/generic/generic_stub.h"

#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/grpc_status.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

struct SubmissionCase {
  const char* name;
  std::function<void(v1::SubmitComplaintRequest&)> spoil;
  const char* field;
};

class ValidationTest : public StackTest {
 protected:
  grpc::Status Submit(const v1::SubmitComplaintRequest& r, v1::SubmitComplaintResponse* out) {
    auto ctx = Ctx(Role::kSupervisor);
    return stub().SubmitComplaint(ctx.get(), r, out);
  }
  // A complaint taken to `status` (IN_PROGRESS or REPLIED) by a supervisor.
  v1::Complaint ComplaintIn(v1::Status status) {
    v1::Complaint c = SubmitOk(stub(), ValidSubmission("valid"));
    auto step = [&](auto rpc, const auto& request) {
      auto ctx = Ctx(Role::kSupervisor);
      grpc::Status s = (stub().*rpc)(ctx.get(), request, &c);
      EXPECT_TRUE(s.ok()) << StatusText(s);
    };
    v1::AssignComplaintRequest assign;
    *assign.mutable_command() = Cmd(c.id());
    assign.set_department("facilities-maintenance");
    step(&v1::ComplaintService::Stub::AssignComplaint, assign);
    step(&v1::ComplaintService::Stub::StartHandling, Cmd(c.id()));
    if (status == v1::STATUS_IN_PROGRESS) return c;
    v1::ResolveComplaintRequest resolve;
    *resolve.mutable_command() = Cmd(c.id());
    resolve.set_findings("f");
    resolve.set_root_cause("r");
    resolve.set_corrective_action("a");
    step(&v1::ComplaintService::Stub::ResolveComplaint, resolve);
    v1::ReplyRequest reply;
    *reply.mutable_command() = Cmd(c.id());
    reply.set_message("done");
    step(&v1::ComplaintService::Stub::ReplyToComplainant, reply);
    EXPECT_EQ(c.status(), status);
    return c;
  }
};

TEST_F(ValidationTest, BadSubmissionsNameTheFieldAndWriteNothing) {
  const std::vector<SubmissionCase> cases = {
      {"missing channel", [](auto& r) { r.set_channel(v1::CHANNEL_UNSPECIFIED); }, "channel"},
      {"unknown channel", [](auto& r) { r.set_channel(static_cast<v1::Channel>(99)); }, "channel"},
      {"unknown category",
       [](auto& r) { r.set_category(static_cast<v1::Category>(42)); }, "category"},
      {"empty title", [](auto& r) { r.set_title(""); }, "title"},
      {"title too long", [](auto& r) { r.set_title(std::string(201, 'x')); }, "title"},
      {"title too long in CJK", [](auto& r) {
         std::string t;
         for (int i = 0; i < 201; ++i) t += "慢";
         r.set_title(t);
       }, "title"},
      {"empty content", [](auto& r) { r.set_content(""); }, "content"},
      {"invalid UTF-8 in content",
       [](auto& r) { r.set_content(std::string("broken \xff\xfe bytes")); }, "content"},
      {"bad phone", [](auto& r) { r.mutable_complainant()->set_phone("12-ab"); },
       "complainant.phone"},
      {"bad email", [](auto& r) { r.mutable_complainant()->set_email("not-an-email"); },
       "complainant.email"},
      {"bad id number", [](auto& r) { r.mutable_complainant()->set_id_number("123"); },
       "complainant.id_number"},
      {"missing complainant contact",
       [](auto& r) {
         r.mutable_complainant()->clear_phone();
         r.mutable_complainant()->clear_email();
         r.mutable_complainant()->clear_id_number();
       },
       "complainant"},
      {"occurred_at far in the future",
       [](auto& r) {
         r.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(48)));
       },
       "occurred_at"},
      {"idempotency key too long",
       [](auto& r) { r.set_idempotency_key(std::string(129, 'k')); }, "idempotency_key"},
  };
  for (const SubmissionCase& c : cases) {
    SCOPED_TRACE(c.name);
    v1::SubmitComplaintRequest request = ValidSubmission("bad");
    c.spoil(request);
    v1::SubmitComplaintResponse out;
    grpc::Status status = Submit(request, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
    EXPECT_THAT(ViolationFields(status), Contains(c.field)) << StatusText(status);
    if (request.idempotency_key().size() > 128) continue;
    // Nothing was written: the same key with a valid request is a first submission.
    v1::SubmitComplaintRequest fixed = ValidSubmission("fixed");
    fixed.set_idempotency_key(request.idempotency_key());
    status = Submit(fixed, &out);
    EXPECT_TRUE(status.ok()) << StatusText(status);
    EXPECT_FALSE(out.replayed()) << "a refused submission left its idempotency key behind";
  }
}

TEST_F(ValidationTest, ResolveWithoutRootCauseNamesIt) {
  v1::Complaint c = ComplaintIn(v1::STATUS_IN_PROGRESS);
  v1::ResolveComplaintRequest r;
  *r.mutable_command() = Cmd(c.id(), c.version());
  r.set_findings("found it");
  r.set_corrective_action("fixed it");
  v1::Complaint out;
  auto ctx = Ctx(Role::kSupervisor);
  grpc::Status status = stub().ResolveComplaint(ctx.get(), r, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
  EXPECT_THAT(ViolationFields(status), Contains("root_cause"));
}

TEST_F(ValidationTest, FollowUpScoreOutOfRangeNamesIt) {
  v1::Complaint c = ComplaintIn(v1::STATUS_REPLIED);
  for (int score : {7, 0, -1}) {
    SCOPED_TRACE(score);
    v1::FollowUpRequest r;
    *r.mutable_command() = Cmd(c.id(), c.version());
    r.set_satisfied(true);
    r.set_score(score);
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status status = stub().RecordFollowUp(ctx.get(), r, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
    EXPECT_THAT(ViolationFields(status), Contains("score"));
  }
  v1::GetComplaintRequest get;
  get.set_id(c.id());
  v1::Complaint after;
  auto ctx = Ctx(Role::kSupervisor);
  ASSERT_TRUE(stub().GetComplaint(ctx.get(), get, &after).ok());
  EXPECT_EQ(after.version(), c.version());
  EXPECT_EQ(after.status(), v1::STATUS_REPLIED);
}

// A well-formed department id that is not one of triage.yaml's departments
// would put the complaint in no one's queue: refused naming the field and
// the value, and the complaint is as it was — same version, no audit entry.
TEST_F(ValidationTest, AssignToAnUnlistedDepartmentNamesItAndChangesNothing) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("unlisted"));
  auto read = [&] {
    v1::GetComplaintRequest get;
    get.set_id(c.id());
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status s = stub().GetComplaint(ctx.get(), get, &out);
    EXPECT_TRUE(s.ok()) << StatusText(s);
    return out;
  };
  const v1::Complaint before = read();

  v1::AssignComplaintRequest assign;
  *assign.mutable_command() = Cmd(c.id(), c.version());
  assign.set_department("no-such-dept");
  assign.set_assignee("agent-ann");
  v1::Complaint out;
  auto ctx = Ctx(Role::kSupervisor);
  grpc::Status status = stub().AssignComplaint(ctx.get(), assign, &out);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
  const auto violations = runtime::FieldViolations(runtime::FromGrpcStatus(status));
  ASSERT_EQ(violations.size(), 1u) << StatusText(status);
  EXPECT_EQ(violations[0].field, "department");
  EXPECT_THAT(violations[0].description, HasSubstr("\"no-such-dept\""));

  const v1::Complaint after = read();
  EXPECT_EQ(after.version(), before.version());
  EXPECT_EQ(after.status(), v1::STATUS_RECEIVED);
  EXPECT_EQ(after.department(), before.department());
  EXPECT_EQ(after.assignee(), before.assignee());
  EXPECT_EQ(after.audit_size(), before.audit_size());

  // A listed one is assigned.
  assign.set_department("luggage-services");
  auto ctx2 = Ctx(Role::kSupervisor);
  status = stub().AssignComplaint(ctx2.get(), assign, &out);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  EXPECT_EQ(out.department(), "luggage-services");
}

TEST_F(ValidationTest, MalformedIdNamesIt) {
  for (const std::string id : {"", "not-a-complaint-id", "CMP-20261121-99ZZZZZZZZ"}) {
    SCOPED_TRACE(id);
    v1::GetComplaintRequest get;
    get.set_id(id);
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status status = stub().GetComplaint(ctx.get(), get, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
    EXPECT_THAT(ViolationFields(status), Contains("id"));
    auto ctx2 = Ctx(Role::kSupervisor);
    status = stub().StartHandling(ctx2.get(), Cmd(id), &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
    EXPECT_THAT(ViolationFields(status), Contains("id"));
  }
}

TEST_F(ValidationTest, WellFormedUnknownIdIsNotFound) {
  v1::Complaint c = SubmitOk(stub(), ValidSubmission("nf"));
  std::string unknown = c.id();
  unknown.back() = unknown.back() == 'A' ? 'B' : 'A';
  v1::GetComplaintRequest get;
  get.set_id(unknown);
  v1::Complaint out;
  auto ctx = Ctx(Role::kSupervisor);
  grpc::Status status = stub().GetComplaint(ctx.get(), get, &out);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << StatusText(status);
}

// Bytes that are no SubmitComplaintRequest: gRPC 1.51 answers them before
// any handler runs, with a bare UNIMPLEMENTED, as if the method did not
// exist. The service says what is wrong instead, and counts the call.
TEST_F(ValidationTest, ARequestThatDoesNotParseIsInvalidArgumentAndCounted) {
  const std::string series =
      "sqms_rpc_requests_total{code=\"INVALID_ARGUMENT\",method=\"SubmitComplaint\","
      "service=\"sqms.complaints.v1.ComplaintService\"} ";
  auto count = [&]() -> double {
    const std::string text = stack().ScrapeMetrics();
    const size_t at = text.find(series);
    return at == std::string::npos ? -1 : std::stod(text.substr(at + series.size()));
  };
  const double before = count();
  ASSERT_GE(before, 0) << "the series exists from start-up";

  grpc::GenericStub generic(stack().Channel());
  // Field 1 as a varint that never ends: not protobuf.
  const std::string bytes("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 12);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  auto ctx = Ctx(Role::kSupervisor);
  std::promise<grpc::Status> done;
  generic.UnaryCall(ctx.get(), "/sqms.complaints.v1.ComplaintService/SubmitComplaint",
                    grpc::StubOptions(), &request, &response,
                    [&](grpc::Status s) { done.set_value(std::move(s)); });
  const grpc::Status status = done.get_future().get();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(status);
  EXPECT_EQ(ViolationFields(status), std::vector<std::string>{"request"});
  EXPECT_THAT(status.error_message(),
              HasSubstr("does not parse as sqms.complaints.v1.SubmitComplaintRequest"));
  EXPECT_EQ(count(), before + 1);
}

}  // namespace
}  // namespace sqms::complaints::it
