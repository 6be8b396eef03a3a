#include <chrono>
#include <string>

#include "absl/time/time.h"
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

TEST(CloudEventHeadersTest, TraceparentOnlyWhenGivenAsTheDistributedTracingExtension) {
  CloudEvent event = Event();
  event.tracestate = "vendor=1";  // not without a traceparent
  EXPECT_EQ(CloudEventHeaders(event).size(), 6u);
  event.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  KafkaHeaders headers = CloudEventHeaders(event);
  ASSERT_EQ(headers.size(), 8u);
  EXPECT_THAT(headers[6], Pair("ce_traceparent", event.traceparent));
  EXPECT_THAT(headers[7], Pair("ce_tracestate", "vendor=1"));
  event.tracestate = "";
  EXPECT_THAT(CloudEventHeaders(event).back(), Pair("ce_traceparent", event.traceparent));
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

TEST(ParseCloudEventHeadersTest, RoundTripsWhatTheProducerWrites) {
  CloudEvent event = Event();
  auto parsed = ParseCloudEventHeaders(CloudEventHeaders(event));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, event);
  event.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  event.tracestate = "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE";
  event.content_type = "application/json";
  parsed = ParseCloudEventHeaders(CloudEventHeaders(event));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, event);
}

TEST(ParseCloudEventHeadersTest, IgnoresOtherHeadersAndTakesTheFirstOfARepeatedOne) {
  KafkaHeaders headers = CloudEventHeaders(Event());
  headers.insert(headers.begin(), {"x-other", "1"});
  headers.emplace_back("ce_id", "evt-2");
  auto parsed = ParseCloudEventHeaders(headers);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->id, "evt-1");
}

TEST(ParseCloudEventHeadersTest, OptionalHeadersMayBeAbsent) {
  KafkaHeaders headers = {{"ce_specversion", "1.0"}, {"ce_id", "a"}, {"ce_source", "s"},
                          {"ce_type", "t"}};
  auto parsed = ParseCloudEventHeaders(headers);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->time, std::chrono::system_clock::time_point());
  EXPECT_EQ(parsed->content_type, "");
  EXPECT_EQ(parsed->traceparent, "");
  EXPECT_EQ(parsed->tracestate, "");
}

TEST(ParseCloudEventHeadersTest, IntoAnObjectThatHeldAnotherRecordLeavesNothingOfIt) {
  // A consumer parses record after record into one CloudEvent: what the
  // second record leaves out must not keep the first one's value.
  CloudEvent first = Event();
  first.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  first.tracestate = "vendor=1";
  CloudEvent into;
  ASSERT_TRUE(ParseCloudEventHeaders(CloudEventHeaders(first), &into).ok());
  EXPECT_EQ(into, first);
  KafkaHeaders bare = {{"ce_specversion", "1.0"}, {"ce_id", "b"}, {"ce_source", "s"},
                       {"ce_type", "t"}};
  ASSERT_TRUE(ParseCloudEventHeaders(bare, &into).ok());
  EXPECT_EQ(into, *ParseCloudEventHeaders(bare));
  EXPECT_EQ(into.time, std::chrono::system_clock::time_point());
  EXPECT_EQ(into.traceparent, "");
  EXPECT_EQ(into.content_type, "");
}

TEST(ParseCloudEventHeadersTest, AcceptsAnyRfc3339Time) {
  KafkaHeaders headers = CloudEventHeaders(Event());
  headers[4].second = "2026-11-21T18:00:00.123+08:00";
  auto parsed = ParseCloudEventHeaders(headers);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->time, Event().time);
}

// The producer's own form is parsed by hand, everything else by
// absl::ParseTime: both must read every string as absl::ParseTime alone
// does, or refuse it as it does.
TEST(ParseCloudEventHeadersTest, ReadsEveryTimeAsAbslParseTimeDoes) {
  for (const char* time :
       {"2026-11-21T10:00:00.123Z", "2026-11-21T10:00:00Z", "1970-01-01T00:00:00.000Z",
        "2026-11-21T10:00:00.1Z", "2026-11-21T10:00:00.123456789Z", "2026-11-21T10:00:00.0000000001Z",
        "2026-11-21T10:00:00.Z", "2026-11-21t10:00:00.123z", "2026-11-21T18:00:00.123+08:00",
        "2024-02-29T23:59:59.999Z", "2026-02-29T10:00:00Z", "2026-13-01T10:00:00Z",
        "2026-11-31T10:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T10:60:00Z",
        "2016-12-31T23:59:60Z", "2026-11-21T10:00:00.12aZ", "2026-11-21T10:00:00+00:00",
        "2026-11-21 10:00:00Z", "02026-11-21T10:00:00Z", "2026-1-21T10:00:00Z", "Z", ""}) {
    SCOPED_TRACE(time);
    KafkaHeaders headers = CloudEventHeaders(Event());
    headers[4].second = time;
    auto parsed = ParseCloudEventHeaders(headers);
    absl::Time expected;
    std::string error;
    if (absl::ParseTime(absl::RFC3339_full, time, &expected, &error)) {
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      EXPECT_EQ(parsed->time, absl::ToChronoTime(expected));
    } else {
      EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(ParseCloudEventHeadersTest, NamesTheHeaderThatIsMissingOrWrong) {
  auto without = [](const std::string& name) {
    KafkaHeaders headers;
    for (const auto& h : CloudEventHeaders(Event())) {
      if (h.first != name) headers.push_back(h);
    }
    return ParseCloudEventHeaders(headers).status();
  };
  for (const char* name : {"ce_id", "ce_source", "ce_type", "ce_specversion"}) {
    absl::Status status = without(name);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << name;
    EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr(name));
  }
  KafkaHeaders headers = CloudEventHeaders(Event());
  headers[0].second = "0.3";
  EXPECT_THAT(std::string(ParseCloudEventHeaders(headers).status().message()),
              ::testing::HasSubstr("ce_specversion"));
  headers = CloudEventHeaders(Event());
  headers[4].second = "yesterday";
  EXPECT_THAT(std::string(ParseCloudEventHeaders(headers).status().message()),
              ::testing::HasSubstr("ce_time"));
  headers = CloudEventHeaders(Event());
  headers[1].second = "";
  EXPECT_EQ(ParseCloudEventHeaders(headers).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sqms::runtime
