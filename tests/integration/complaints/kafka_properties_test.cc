// --kafka-properties-file with the real binary and devkafka: a service
// given librdkafka properties (as a secured cluster needs) hands them to
// its producers and consumers and still publishes every complaint; a bad file stops start-up naming
// the flag, the line and the key, and never prints a value (it may be a password).

#include <fstream>

#include "absl/strings/match.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

TEST(KafkaPropertiesTest, AServiceWithAPropertiesFilePublishesItsEvents) {
  const std::string dir = testing::MakeTestDir("complaints-kafka-properties");
  const std::string file = dir + "/kafka.properties";
  // Accepted by a plaintext broker (TLS and SASL need a broker that speaks
  // them). One property of each client kind: librdkafka warns when a client
  // of the other kind gets it, which shows that every client got the file.
  std::ofstream(file) << "# what production would set\nsocket.keepalive.enable=true\n"
                         "fetch.wait.max.ms=50\nqueue.buffering.max.kbytes=65536\n";
  StackOptions options;
  options.name = "kafka-properties";
  options.extra_args = {"--kafka-properties-file", file};
  auto stack = ComplaintsStack::Start(options);
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Complaints();
  const v1::Complaint c = SubmitOk(*stub, ValidSubmission("kafka-properties"));
  testing::TopicReader reader((*stack)->kafka().bootstrap(), kComplaintsTopic);
  auto records = reader.ReadUntil(
      [&](const auto& rs) {
        return CountType(Decode(rs, {c.id()}), ev::COMPLAINT_EVENT_TYPE_SUBMITTED) > 0;
      },
      absl::Seconds(20));
  EXPECT_EQ(CountType(Decode(records, {c.id()}), ev::COMPLAINT_EVENT_TYPE_SUBMITTED), 1u);
  const std::string log = testing::ReadFile((*stack)->dir() + "/service-0.log");
  EXPECT_TRUE(absl::StrContains(log, "fetch.wait.max.ms is a consumer property")) << log;
  EXPECT_TRUE(absl::StrContains(log, "queue.buffering.max.kbytes is a producer property")) << log;
}

TEST(KafkaPropertiesTest, ABadFileStopsStartUpNamingTheFlagLineAndKey) {
  const std::string dir = testing::MakeTestDir("complaints-kafka-properties-bad");
  std::ofstream(dir + "/tokens") << "tok-service svc service\n";
  const std::string file = dir + "/kafka.properties";
  std::ofstream(file) << "sasl.password=hunter2\nsasl.mechanizm=PLAIN\n";
  auto process =
      testing::Process::Start({testing::BuildPath("services/complaints/sqms-complaints"),
                               "--tokens-file", dir + "/tokens", "--kafka-properties-file", file},
                              dir + "/service.log");
  ASSERT_TRUE(process.ok()) << process.status();
  ASSERT_TRUE(testing::Await([&] { return !(*process)->Running(); }, absl::Seconds(10)));
  EXPECT_EQ((*process)->Terminate(), 2) << "a usage error";
  const std::string log = testing::ReadFile(dir + "/service.log");
  EXPECT_TRUE(absl::StrContains(
      log, "config: --kafka-properties-file (SQMS_KAFKA_PROPERTIES_FILE): " + file +
               ": sasl.mechanizm: "))
      << log;
  EXPECT_FALSE(absl::StrContains(log, "hunter2")) << log;
}

}  // namespace
}  // namespace sqms::complaints::it
