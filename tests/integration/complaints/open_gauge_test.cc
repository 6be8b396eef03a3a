// sqms_complaints_open{status,priority}, as an SRE reads it: every open
// (status, priority) pair is on /metrics at 0 from start-up, a submission
// counts where its complaint is, and a lifecycle command moves it from one
// pair to the next. The counts are the store's (kept by the write scripts),
// so they hold across a restart of the service.

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

class OpenGaugeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StackOptions options;
    options.name = "open-gauge";
    auto stack = ComplaintsStack::Start(options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
    stub_ = stack_->Complaints();
  }

  std::string Metrics() { return stack_->ScrapeMetrics(); }

  // The exposition line of one pair with `value` (labels sorted by name).
  static std::string Line(const std::string& status, const std::string& priority, int value) {
    return absl::StrCat("sqms_complaints_open{priority=\"", priority, "\",status=\"", status,
                        "\"} ", value, "\n");
  }

  bool Shows(const std::string& line) {
    return testing::Await([&] { return Metrics().find(line) != std::string::npos; },
                          absl::Seconds(5));
  }

  std::unique_ptr<ComplaintsStack> stack_;
  std::unique_ptr<v1::ComplaintService::Stub> stub_;
};

TEST_F(OpenGaugeTest, EveryPairReadsZeroAtStartUpAndClosedIsNotOpen) {
  const std::string metrics = Metrics();
  for (const char* status : {"received", "assigned", "in_progress", "waiting_customer",
                             "resolved", "replied", "followed_up"}) {
    for (const char* priority : {"p1", "p2", "p3", "p4"}) {
      EXPECT_NE(metrics.find(Line(status, priority, 0)), std::string::npos)
          << status << "/" << priority;
    }
  }
  EXPECT_EQ(metrics.find("sqms_complaints_open{priority=\"p1\",status=\"closed\""),
            std::string::npos);
}

TEST_F(OpenGaugeTest, ASubmissionCountsAndAnAssignmentMovesItAcrossARestart) {
  v1::Complaint c = SubmitOk(*stub_, ValidSubmission(Unique("open-gauge")));
  const std::string priority = absl::AsciiStrToLower(
      v1::Priority_Name(c.priority()).substr(std::string("PRIORITY_").size()));
  EXPECT_TRUE(Shows(Line("received", priority, 1)));

  v1::AssignComplaintRequest assign;
  *assign.mutable_command() = Cmd(c.id(), c.version(), "assigning");
  assign.set_department("facilities-maintenance");
  assign.set_assignee(Subject(Role::kAgent));
  v1::Complaint assigned;
  grpc::Status status = stub_->AssignComplaint(Ctx(Role::kSupervisor).get(), assign, &assigned);
  ASSERT_TRUE(status.ok()) << StatusText(status);
  EXPECT_TRUE(Shows(Line("assigned", priority, 1)));
  EXPECT_TRUE(Shows(Line("received", priority, 0)));

  ASSERT_TRUE(stack_->RestartService().ok());
  EXPECT_TRUE(Shows(Line("assigned", priority, 1))) << "the counts are the store's";
}

}  // namespace
}  // namespace sqms::complaints::it
