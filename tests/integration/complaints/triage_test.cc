// Triage over gRPC, as agents and operators use it: ExplainTriage creates
// nothing and explains; every complaint stores its explanation and config
// version; ReclassifyComplaint is an audited override counted by category
// pair in /metrics (every pair present at 0 from start-up); a changed config
// is applied without a restart and a bad one is refused, the rules in force
// staying.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/integration/complaints/service_fixture.h"
#include "tests/source_path.h"

namespace sqms::complaints::it {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

std::string ShippedTriage() { return sqms::testing::ShippedTriageText(); }

class TriageRpcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StackOptions options;
    options.name = "triage";
    options.triage_yaml = ShippedTriage();
    auto stack = ComplaintsStack::Start(options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    stub_ = stack_->Complaints();
  }

  std::string Metrics() { return stack_->ScrapeMetrics(); }

  v1::ExplainTriageResponse Explain(const std::string& text, grpc::Status* status = nullptr,
                                    Role role = Role::kAgent) {
    v1::ExplainTriageRequest request;
    request.set_content(text);
    v1::ExplainTriageResponse response;
    grpc::Status s = stub_->ExplainTriage(Ctx(role).get(), request, &response);
    if (status != nullptr) *status = s;
    return response;
  }

  // Written aside and renamed, as a ConfigMap update swaps its files: the
  // service, reading every 2 s, never sees half a file.
  void WriteTriage(const std::string& text) {
    const std::string path = stack_->dir() + "/triage.yaml";
    std::ofstream(path + ".new", std::ios::trunc) << text;
    std::filesystem::rename(path + ".new", path);
  }

  std::unique_ptr<ComplaintsStack> stack_;
  std::unique_ptr<v1::ComplaintService::Stub> stub_;
};

TEST_F(TriageRpcTest, ExplainTriageClassifiesTraditionalChineseAndCreatesNothing) {
  grpc::Status status;
  v1::ExplainTriageResponse r = Explain("車廂冒煙了，請馬上派人", &status);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  EXPECT_EQ(r.category(), v1::CATEGORY_SAFETY);
  EXPECT_EQ(r.priority(), v1::PRIORITY_P1);
  EXPECT_EQ(r.department(), "safety-office");
  EXPECT_EQ(r.explanation().category_rule(), "decisive");
  EXPECT_EQ(r.explanation().priority_rule(), "safety_always_p1");
  EXPECT_EQ(r.explanation().urgency_source(), "signal:urgent_wording");
  EXPECT_THAT(r.normalized_text(), HasSubstr("车厢冒烟"));
  EXPECT_EQ(r.explanation().config_version().size(), 12u);
  EXPECT_EQ(r.first_response_seconds(), 30 * 60);
  EXPECT_FALSE(r.business_hours());

  v1::ListComplaintsRequest list;
  v1::ListComplaintsResponse page;
  ASSERT_TRUE(stub_->ListComplaints(Ctx(Role::kSupervisor).get(), list, &page).ok());
  EXPECT_EQ(page.complaints_size(), 0);
}

TEST_F(TriageRpcTest, ExplainTriageNamesTheMissingTextAndIsNotForGateways) {
  grpc::Status status;
  Explain("", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(ViolationFields(status), ElementsAre("content"));
  Explain("车厢冒烟", &status, Role::kService);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(TriageRpcTest, NegationAndCigaretteButtsAreNoSafetyAlarm) {
  EXPECT_EQ(Explain("不是安全问题，就是车厢太脏了").category(), v1::CATEGORY_HYGIENE);
  EXPECT_EQ(Explain("地上全是烟头，没人打扫").category(), v1::CATEGORY_HYGIENE);
}

TEST_F(TriageRpcTest, ReclassifyIsStoredAuditedAndCountedByCategoryPair) {
  // Counted from start-up, so increase() sees the first override.
  const std::string pair =
      "sqms_complaints_triage_overrides_total{from_category=\"hygiene\","
      "to_category=\"facilities\"}";
  EXPECT_THAT(Metrics(), HasSubstr(pair + " 0"));

  v1::SubmitComplaintRequest submit = ValidSubmission(Unique("reclassify"));
  submit.set_title("Dirty toilet");
  submit.set_content("The toilet in coach 3 was dirty the whole trip.");
  v1::Complaint c = SubmitOk(*stub_, submit);
  ASSERT_EQ(c.category(), v1::CATEGORY_HYGIENE);
  EXPECT_FALSE(c.triage().scores().empty());

  v1::ReclassifyComplaintRequest request;
  *request.mutable_command() = Cmd(c.id(), c.version(), "the flush is broken");
  request.set_category(v1::CATEGORY_FACILITIES);
  v1::Complaint after;
  grpc::Status status = stub_->ReclassifyComplaint(Ctx(Role::kAgent).get(), request, &after);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  EXPECT_EQ(after.category(), v1::CATEGORY_FACILITIES);
  EXPECT_TRUE(after.category_overridden());

  v1::GetComplaintRequest get;
  get.set_id(c.id());
  v1::Complaint stored;
  ASSERT_TRUE(stub_->GetComplaint(Ctx(Role::kSupervisor).get(), get, &stored).ok());
  EXPECT_EQ(stored.triage().config_version(), c.triage().config_version());
  const v1::AuditEntry& entry = stored.audit(stored.audit_size() - 1);
  EXPECT_EQ(entry.action(), "reclassify");
  EXPECT_EQ(entry.actor(), Subject(Role::kAgent));
  EXPECT_THAT(entry.note(), ::testing::StartsWith("category: hygiene → facilities"));
  EXPECT_THAT(entry.note(), ::testing::EndsWith(" (the flush is broken)"));
  EXPECT_TRUE(testing::Await([&] { return Metrics().find(pair + " 1") != std::string::npos; },
                             absl::Seconds(5)));
}

// An agent who finds a hazard in a complaint already assigned elsewhere
// reclassifies it to safety: it moves to the safety office (assignee kept),
// one audit entry names both changes, and RECLASSIFIED carries the new
// department for the alerts service's safety plan.
TEST_F(TriageRpcTest, AnAssignedComplaintReclassifiedToSafetyMovesToTheSafetyOffice) {
  v1::SubmitComplaintRequest submit = ValidSubmission(Unique("to-safety"));
  submit.set_title("Dirty toilet");
  submit.set_content("The toilet in coach 3 was dirty the whole trip.");
  v1::Complaint c = SubmitOk(*stub_, submit);
  ASSERT_EQ(c.category(), v1::CATEGORY_HYGIENE);
  const std::string department = c.department();
  ASSERT_NE(department, "safety-office");

  v1::AssignComplaintRequest assign;
  *assign.mutable_command() = Cmd(c.id(), c.version());
  assign.set_assignee(Subject(Role::kAgent));
  ASSERT_TRUE(stub_->AssignComplaint(Ctx(Role::kAgent).get(), assign, &c).ok());
  ASSERT_EQ(c.status(), v1::STATUS_ASSIGNED);

  testing::TopicReader reader(stack_->kafka().bootstrap(), kComplaintsTopic);
  v1::ReclassifyComplaintRequest request;
  *request.mutable_command() = Cmd(c.id(), c.version());
  request.set_category(v1::CATEGORY_SAFETY);
  v1::Complaint after;
  grpc::Status status = stub_->ReclassifyComplaint(Ctx(Role::kAgent).get(), request, &after);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  EXPECT_EQ(after.department(), "safety-office");
  EXPECT_EQ(after.assignee(), Subject(Role::kAgent));
  EXPECT_EQ(after.status(), v1::STATUS_ASSIGNED);
  EXPECT_EQ(after.priority(), v1::PRIORITY_P1);

  v1::GetComplaintRequest get;
  get.set_id(c.id());
  v1::Complaint stored;
  ASSERT_TRUE(stub_->GetComplaint(Ctx(Role::kSupervisor).get(), get, &stored).ok());
  ASSERT_EQ(stored.audit_size(), 3) << "submit, assign, one reclassify";
  EXPECT_EQ(stored.audit(2).note(), "category: hygiene → safety; department: " + department +
                                        " → safety-office; importance: medium → high; "
                                        "priority: P3 → P1");

  const auto reclassified = [&](const std::vector<runtime::ConsumedRecord>& records) {
    return CountType(Decode(records, {c.id()}), ev::COMPLAINT_EVENT_TYPE_RECLASSIFIED) > 0;
  };
  const auto records = reader.ReadUntil(reclassified, absl::Seconds(10));
  ASSERT_TRUE(reclassified(records));
  for (const ReadEvent& e : Decode(records, {c.id()})) {
    if (e.event.type() != ev::COMPLAINT_EVENT_TYPE_RECLASSIFIED) continue;
    EXPECT_EQ(e.event.complaint().category(), v1::CATEGORY_SAFETY);
    EXPECT_EQ(e.event.complaint().department(), "safety-office");
  }
}

TEST_F(TriageRpcTest, AChangedConfigIsAppliedWithoutARestartAndABadOneIsRefused) {
  const std::string before = Explain("厕所很脏").explanation().config_version();
  std::string text = ShippedTriage();
  const std::string from = "  - name: hygiene\n    importance: medium";
  text.replace(text.find(from), from.size(), "  - name: hygiene\n    importance: high");
  WriteTriage(text);
  std::string after;
  ASSERT_TRUE(testing::Await(
      [&] {
        after = Explain("厕所很脏").explanation().config_version();
        return after != before;
      },
      absl::Seconds(10)));
  EXPECT_EQ(Explain("厕所很脏").priority(), v1::PRIORITY_P2);  // high importance now
  // The gauge follows the swap (the reloader sets it right after).
  const std::string info = "sqms_complaints_triage_config_info{version=\"" + after + "\"} 1";
  EXPECT_TRUE(
      testing::Await([&] { return Metrics().find(info) != std::string::npos; }, absl::Seconds(5)))
      << Metrics();

  WriteTriage("categories: [oops\n");
  ASSERT_TRUE(testing::Await(
      [&] {
        return Metrics().find(
                   "sqms_complaints_triage_config_reloads_total{result=\"rejected\"} 1") !=
               std::string::npos;
      },
      absl::Seconds(10)));
  EXPECT_EQ(Explain("厕所很脏").explanation().config_version(), after);
  EXPECT_TRUE(stack_->ServiceRunning());
}

}  // namespace
}  // namespace sqms::complaints::it
