// Submissions exact under retries: an idempotency key is scoped to the
// calling subject and bound to its first request. The same key and the same
// request replay; the same key with another request (another phone, text
// that changes the category) is refused naming the key and creates
// nothing; two subjects with the same key get two complaints.

#include <set>
#include <thread>

#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RetriesIntakeTest : public StackTest {
 protected:
  // Complaints in `region` (each test uses its own region).
  std::vector<std::string> IdsIn(const std::string& region) {
    v1::ListComplaintsRequest r;
    r.mutable_filter()->set_region(region);
    r.set_page_size(500);
    v1::ListComplaintsResponse out;
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status s = stub().ListComplaints(ctx.get(), r, &out);
    EXPECT_TRUE(s.ok()) << StatusText(s);
    std::vector<std::string> ids;
    for (const auto& c : out.complaints()) ids.push_back(c.id());
    return ids;
  }
  grpc::Status Submit(const v1::SubmitComplaintRequest& r, Role role,
                      v1::SubmitComplaintResponse* out) {
    auto ctx = Ctx(role);
    return stub().SubmitComplaint(ctx.get(), r, out);
  }
};

TEST_F(RetriesIntakeTest, SameKeyWithAChangedBodyIsRefusedAndCreatesNothing) {
  v1::SubmitComplaintRequest first = ValidSubmission("changed-body");
  const std::string region = Unique("region");
  first.mutable_location()->set_region(region);
  v1::SubmitComplaintResponse created;
  ASSERT_TRUE(Submit(first, Role::kService, &created).ok());
  ASSERT_FALSE(created.replayed());

  v1::SubmitComplaintRequest other_phone = first;
  other_phone.mutable_complainant()->set_phone("13912345678");
  v1::SubmitComplaintRequest other_category = first;  // lands on another shard today
  other_category.set_title("Refund for my ticket");
  other_category.set_content("I was charged twice for my ticket and want a refund.");
  for (const auto* changed : {&other_phone, &other_category}) {
    v1::SubmitComplaintResponse out;
    grpc::Status s = Submit(*changed, Role::kService, &out);
    ASSERT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << StatusText(s);
    EXPECT_THAT(s.error_message(), HasSubstr(first.idempotency_key()));
    EXPECT_THAT(ViolationFields(s), ElementsAre("idempotency_key"));
  }
  EXPECT_THAT(IdsIn(region), ElementsAre(created.complaint().id()));

  // The same request again replays the first complaint.
  v1::SubmitComplaintResponse again;
  ASSERT_TRUE(Submit(first, Role::kService, &again).ok());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.complaint().id(), created.complaint().id());
  EXPECT_EQ(again.complaint().version(), created.complaint().version());
  EXPECT_THAT(IdsIn(region), ElementsAre(created.complaint().id()));
}

// The view shapes the answer only: a retry that asks for another view is
// the same request, and replays.
TEST_F(RetriesIntakeTest, ARetryAskingForAnotherViewReplaysTheComplaint) {
  v1::SubmitComplaintRequest full = ValidSubmission("view-retry");
  const std::string region = Unique("region");
  full.mutable_location()->set_region(region);
  full.set_view(v1::COMPLAINT_VIEW_FULL);
  v1::SubmitComplaintResponse created;
  ASSERT_TRUE(Submit(full, Role::kService, &created).ok());
  EXPECT_EQ(created.complaint().title(), full.title());
  EXPECT_TRUE(created.complaint().has_triage());

  v1::SubmitComplaintRequest basic = full;
  basic.set_view(v1::COMPLAINT_VIEW_BASIC);
  v1::SubmitComplaintResponse again;
  grpc::Status s = Submit(basic, Role::kService, &again);
  ASSERT_TRUE(s.ok()) << StatusText(s);
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.complaint().id(), created.complaint().id());
  EXPECT_EQ(again.complaint().category(), created.complaint().category());
  EXPECT_EQ(again.complaint().priority(), created.complaint().priority());
  EXPECT_EQ(again.complaint().department(), created.complaint().department());
  EXPECT_EQ(again.complaint().title(), "");
  EXPECT_FALSE(again.complaint().has_complainant());
  EXPECT_FALSE(again.complaint().has_triage());
  EXPECT_THAT(IdsIn(region), ElementsAre(created.complaint().id()));

  // A view the schema does not know is refused, naming the field.
  v1::SubmitComplaintRequest unknown = full;
  unknown.set_view(static_cast<v1::ComplaintView>(7));
  v1::SubmitComplaintResponse refused;
  s = Submit(unknown, Role::kService, &refused);
  ASSERT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << StatusText(s);
  EXPECT_THAT(ViolationFields(s), ElementsAre("view"));
}

TEST_F(RetriesIntakeTest, TwoSubjectsWithTheSameKeyGetTwoComplaints) {
  v1::SubmitComplaintRequest request = ValidSubmission("two-subjects");
  const std::string region = Unique("region");
  request.mutable_location()->set_region(region);
  v1::SubmitComplaintResponse gateway, agent;
  ASSERT_TRUE(Submit(request, Role::kService, &gateway).ok());
  v1::SubmitComplaintRequest agents = request;  // same key; another person
  agents.mutable_complainant()->set_phone("13987654321");
  agents.mutable_complainant()->set_email("other@example.com");
  ASSERT_TRUE(Submit(agents, Role::kAgent, &agent).ok());
  EXPECT_FALSE(gateway.replayed());
  EXPECT_FALSE(agent.replayed());
  EXPECT_NE(gateway.complaint().id(), agent.complaint().id());
  // Each subject's retry replays its own.
  v1::SubmitComplaintResponse again;
  ASSERT_TRUE(Submit(agents, Role::kAgent, &again).ok());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.complaint().id(), agent.complaint().id());
  const std::vector<std::string> ids = IdsIn(region);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()),
            (std::set<std::string>{gateway.complaint().id(), agent.complaint().id()}));
}

TEST_F(RetriesIntakeTest, ConcurrentAttemptsOfOneRequestMakeOneComplaint) {
  v1::SubmitComplaintRequest request = ValidSubmission("concurrent");
  const std::string region = Unique("region");
  request.mutable_location()->set_region(region);
  constexpr int kAttempts = 8;
  std::vector<v1::SubmitComplaintResponse> out(kAttempts);
  std::vector<grpc::Status> status(kAttempts);
  std::vector<std::thread> threads;
  for (int i = 0; i < kAttempts; ++i) {
    threads.emplace_back([&, i] { status[i] = Submit(request, Role::kService, &out[i]); });
  }
  for (auto& t : threads) t.join();
  int fresh = 0;
  for (int i = 0; i < kAttempts; ++i) {
    ASSERT_TRUE(status[i].ok()) << StatusText(status[i]);
    EXPECT_EQ(out[i].complaint().id(), out[0].complaint().id());
    if (!out[i].replayed()) ++fresh;
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_THAT(IdsIn(region), ElementsAre(out[0].complaint().id()));
}

}  // namespace
}  // namespace sqms::complaints::it
