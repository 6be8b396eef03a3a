// sqmsctl's commands when their outcome stays unknown (the service
// unavailable through every retry): stderr says how to rerun the command as
// the same request, and a rerun with those flags sends exactly that request
// — also for `silence create --ends`, whose end counts from now.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "tests/unit/tools/sqmsctl_harness.h"

namespace sqms::tools {
namespace {

namespace av1 = ::sqms::alerts::v1;
using ::testing::HasSubstr;

// Records every CreateSilence and answers UNAVAILABLE: the outcome of each
// attempt is unknown to the client.
class UnreachableAlertService final : public av1::AlertService::Service {
 public:
  grpc::Status CreateSilence(grpc::ServerContext*, const av1::CreateSilenceRequest* request,
                             av1::Silence*) override {
    absl::MutexLock lock(&mu_);
    requests_.push_back(*request);
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "redis: no reply");
  }
  std::vector<av1::CreateSilenceRequest> requests() const {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<av1::CreateSilenceRequest> requests_ ABSL_GUARDED_BY(mu_);
};

class RetryHintTest : public ::testing::Test {
 protected:
  testing::CliResult Run(const std::string& args) {
    return testing::RunAlertsCommand(args, server_);
  }

  UnreachableAlertService service_;
  testing::FakeServer server_{service_};
};

// The flags stderr tells to rerun with: what follows "run the command again
// with " up to " (the service".
std::string RetryFlags(const std::string& err) {
  const std::string lead = "run the command again with ";
  const size_t from = err.find(lead);
  if (from == std::string::npos) return "";
  const size_t start = from + lead.size();
  const size_t end = err.find(" (the service", start);
  return end == std::string::npos ? "" : err.substr(start, end - start);
}

TEST_F(RetryHintTest, ASilenceForADurationIsRerunAsTheSameRequest) {
  const std::string command = "silence create --matcher alertname=kpi_breached --comment upgrade";
  testing::CliResult first = Run(absl::StrCat(command, " --ends 2h"));
  EXPECT_EQ(first.code, kExitFailure);
  EXPECT_THAT(first.err, HasSubstr("the outcome is unknown"));
  std::string flags = RetryFlags(first.err);
  ASSERT_THAT(flags, HasSubstr(" in place of --ends")) << first.err;
  flags.erase(flags.find(" in place of --ends"));
  ASSERT_EQ(service_.requests().size(), 3u) << "the first call and sqmsctl's two retries";

  testing::CliResult rerun = Run(absl::StrCat(command, " ", flags));
  EXPECT_EQ(rerun.code, kExitFailure);
  const std::vector<av1::CreateSilenceRequest> sent = service_.requests();
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_EQ(sent[3].SerializeAsString(), sent[0].SerializeAsString())
      << "rerun: " << sent[3].DebugString() << "first: " << sent[0].DebugString();
}

TEST_F(RetryHintTest, ACommandWithAGeneratedRequestIdNamesIt) {
  testing::CliResult first =
      Run("silence create --matcher service=crm --comment x --until 2999-01-01T00:00:00Z");
  EXPECT_EQ(first.code, kExitFailure);
  const std::vector<av1::CreateSilenceRequest> sent = service_.requests();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(RetryFlags(first.err), absl::StrCat("--request-id ", sent[0].request_id()))
      << "the generated id is the only way to learn the outcome: " << first.err;
}

}  // namespace
}  // namespace sqms::tools
