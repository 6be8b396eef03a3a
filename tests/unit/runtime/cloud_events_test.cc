#include <chrono>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sqms/runtime/kafka_producer.h"

namespace sqms::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

CloudEvent Event() {
  CloudEvent event;
  event.id = "evt-1";
  event.source = "//sqms/complaints";
  event.type = "sqms.complaints.v1.submitted";
  // 2026-11-21T10:00:00.123Z
  event.time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1795255200123));
  return event;
}

TEST(CloudEventHeadersTest, BinaryModeHeadersInOrder) {
  EXPECT_THAT(CloudEventHeaders(Event()),
              ElementsAre(Pair("ce_specversion", "1.0"), Pair("ce_id", "evt-1"),
                          Pair("ce_source", "//sqms/complaints"),
                          Pair("ce_type", "sqms.complaints.v1.submitted"),
                          Pair("ce_time", "2026-11-21T10:00:00.123Z"),
                          Pair("content-type", "application/protobuf")));
}

TEST(CloudEventHeadersTest, TraceparentOnlyWhenGiven) {
  CloudEvent event = Event();
  event.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  KafkaHeaders headers = CloudEventHeaders(event);
  ASSERT_EQ(headers.size(), 7u);
  EXPECT_THAT(headers.back(), Pair("traceparent", event.traceparent));
}

TEST(CloudEventHeadersTest, TimeIsUtcWithMillisecondsEvenWhenWhole) {
  CloudEvent event = Event();
  event.time = std::chrono::system_clock::time_point(std::chrono::seconds(0));
  EXPECT_THAT(CloudEventHeaders(event)[4], Pair("ce_time", "1970-01-01T00:00:00.000Z"));
}

TEST(CloudEventHeadersTest, ContentTypeOverridable) {
  CloudEvent event = Event();
  event.content_type = "application/json";
  EXPECT_THAT(CloudEventHeaders(event)[5], Pair("content-type", "application/json"));
}

}  // namespace
}  // namespace sqms::runtime
