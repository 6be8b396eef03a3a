// SIGTERM while Kafka does not answer. librdkafka 2.0 can block a
// consumer's close for good (its last commit and the group's leave wait on
// brokers that never answer), and the pod then sits in Terminating until
// the kubelet's SIGKILL, its log silent about why. --shutdown-seconds
// bounds the whole shutdown: the process logs why and exits with status 3
// (runtime::kShutdownOverran). Every service's main is runtime::ServiceMain;
// the alerts service has the most Kafka clients (intake, watch feed, relay).

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/time/clock.h"
#include "sqms/runtime/grpc_server.h"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"

namespace sqms::alerts::it {
namespace {

TEST(AlertsShutdownTest, ASigtermWhileKafkaDoesNotAnswerEndsAtTheShutdownDeadline) {
  auto stack = AlertsStack::Start({.name = "alerts-shutdown", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  ASSERT_EQ((*stack)->StopService(), 0) << "answered: a clean shutdown";
  ASSERT_TRUE((*stack)->StartService(0, {"--drain-seconds", "1", "--shutdown-seconds", "3"}).ok());
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
}

}  // namespace
}  // namespace sqms::alerts::it
