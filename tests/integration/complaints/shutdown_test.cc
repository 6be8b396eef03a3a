// Shutdown while Kafka is down (issue 6 §5): SIGTERM with the outbox relay's
// records still undelivered. The producer's destructor reports them (purged)
// after the relay is gone; those reports must not reach freed memory. Run
// under the sanitizer build (make test) a use-after-free aborts the service
// with an AddressSanitizer report and a non-zero exit status.

#include <set>
#include <string>

#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

TEST(ShutdownTest, SigtermWhileKafkaIsDownExitsCleanlyAndKeepsTheOutbox) {
  StackOptions options;
  options.name = "shutdown-kafka-down";
  auto started = ComplaintsStack::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  ComplaintsStack& stack = **started;

  ASSERT_TRUE(stack.kafka().AllBrokersDown().ok());
  auto stub = stack.Complaints();
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.insert(SubmitOk(*stub, ValidSubmission("shutdown")).id());
  ASSERT_EQ(ids.size(), 50u);
  // The relay holds the shard leases, so it hands the outbox entries to the
  // producer, which cannot deliver them.
  const std::string log_path = stack.dir() + "/service-0.log";
  ASSERT_TRUE(testing::Await(
      [&] { return testing::ReadFile(log_path).find("outbox lease taken") != std::string::npos; },
      absl::Seconds(20)));

  // Relay stop (5 s flush) + producer destruction (5 s flush, then purge).
  const int status = stack.StopService(absl::Seconds(60));
  const std::string log = testing::ReadFile(log_path);
  EXPECT_EQ(log.find("AddressSanitizer"), std::string::npos) << log_path;
  EXPECT_EQ(log.find("runtime error:"), std::string::npos) << "UBSan: " << log_path;
  EXPECT_EQ(status, 0) << "exit status after SIGTERM; log " << log_path;

  // What Kafka never confirmed waited in Redis: delivered after a restart.
  ASSERT_TRUE(stack.kafka().AllBrokersUp().ok());
  ASSERT_TRUE(stack.StartService().ok());
  testing::TopicReader reader(stack.kafka().bootstrap(), kComplaintsTopic);
  std::set<std::string> delivered;
  reader.ReadUntil(
      [&](const std::vector<runtime::ConsumedRecord>& records) {
        for (const auto& r : records) {
          if (ids.count(r.key)) delivered.insert(r.key);
        }
        return delivered.size() == ids.size();
      },
      absl::Seconds(60));
  EXPECT_EQ(delivered.size(), ids.size()) << "complaints whose events reached Kafka after restart";
}

}  // namespace
}  // namespace sqms::complaints::it
