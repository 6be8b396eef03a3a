// SIGTERM while Kafka does not answer. librdkafka 2.0 can block a
// consumer's close for good (its last commit and the group's leave wait on
// brokers that never answer), and the pod then sits in Terminating until
// the kubelet's SIGKILL, its log silent about why. --shutdown-seconds
// bounds the whole shutdown, the server's destruction included: the
// process logs why and exits with status 3
// (runtime::kShutdownOverran). Every service's main is runtime::ServiceMain;
// the alerts service has the most Kafka clients (intake, watch feed, relay).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/time/clock.h"
#include "sqms/runtime/grpc_server.h"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"

namespace sqms::alerts::it {
namespace {

// Whether a service log in `dir` ("alerts-<replica>-<start>.log") holds
// `text`.
bool LogsContain(const std::string& dir, const std::string& text) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("alerts-") || !name.ends_with(".log")) continue;
    std::ifstream in(entry.path());
    std::stringstream contents;
    contents << in.rdbuf();
    if (contents.str().find(text) != std::string::npos) return true;
  }
  return false;
}

TEST(AlertsShutdownTest, ASigtermWhileKafkaDoesNotAnswerEndsAtTheShutdownDeadline) {
  auto stack = AlertsStack::Start({.name = "alerts-shutdown", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  ASSERT_EQ((*stack)->StopService(), 0) << "answered: a clean shutdown";
  // The tightest deadline (--drain-seconds 0 + 12): the test's SIGKILL
  // comes 15 s after the SIGTERM.
  ASSERT_TRUE((*stack)->StartService(0, {"--drain-seconds", "0", "--shutdown-seconds", "12"}).ok());
  // The intake's consumer holds its partitions (a lag series each), so its
  // close has a commit and a leave to wait for.
  ASSERT_TRUE(testing::Await(
      [&] { return (*stack)->ScrapeMetrics().find("sqms_consumer_lag{") != std::string::npos; },
      absl::Seconds(60)));

  (*stack)->kafka().Freeze();
  const absl::Time start = absl::Now();
  const int status = (*stack)->StopService();  // SIGKILL after 15 s
  const absl::Duration took = absl::Now() - start;
  (*stack)->kafka().Thaw();
  EXPECT_EQ(status, runtime::kShutdownOverran) << "after " << took;
  EXPECT_TRUE(LogsContain((*stack)->dir(), "shutdown did not finish in time"))
      << "the log says why";
}

}  // namespace
}  // namespace sqms::alerts::it
