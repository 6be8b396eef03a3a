// Trace context and logs (issue 7 §3): the caller's W3C traceparent reaches
// the event on Kafka (ce_traceparent) and the service's log; a call without
// a valid one gets a fresh trace; one "rpc" line per call, without personal
// data; failed authentications are security events, rate-limited.

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "sqms/runtime/rpc_call.h"
#include "sqms/runtime/trace_context.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

constexpr char kSubmitMethod[] = "/sqms.complaints.v1.ComplaintService/SubmitComplaint";

class TraceTest : public StackTest {
 protected:
  // Every JSON line the service wrote so far (all its starts).
  std::vector<nlohmann::json> LogLines() {
    std::vector<nlohmann::json> lines;
    for (const auto& entry : std::filesystem::directory_iterator(stack().dir())) {
      const std::string name = entry.path().filename().string();
      if (!absl::StartsWith(name, "service-") || !absl::EndsWith(name, ".log")) continue;
      for (absl::string_view line :
           absl::StrSplit(testing::ReadFile(entry.path().string()), '\n', absl::SkipEmpty())) {
        nlohmann::json parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        if (parsed.is_object()) lines.push_back(std::move(parsed));
      }
    }
    return lines;
  }
  std::string AllLogText() {
    std::string text;
    for (const auto& line : LogLines()) text += line.dump() + "\n";
    return text;
  }
  // The "rpc" lines of trace `trace_id`, once at least one was written.
  std::vector<nlohmann::json> RpcLines(const std::string& trace_id) {
    std::vector<nlohmann::json> found;
    testing::Await(
        [&] {
          found.clear();
          for (auto& line : LogLines()) {
            if (line.value("msg", "") == "rpc" && line.value("trace_id", "") == trace_id) {
              found.push_back(line);
            }
          }
          return !found.empty();
        },
        absl::Seconds(10));
    return found;
  }
  // The submitted event of complaint `id` on Kafka.
  runtime::ConsumedRecord SubmittedEvent(const std::string& id) {
    testing::TopicReader reader(stack().kafka().bootstrap(), kComplaintsTopic);
    auto records = reader.ReadUntil(
        [&](const auto& rs) {
          return CountType(Decode(rs, {id}), ev::COMPLAINT_EVENT_TYPE_SUBMITTED) > 0;
        },
        absl::Seconds(20));
    std::vector<ReadEvent> events = Decode(records, {id});
    EXPECT_FALSE(events.empty()) << "no event of " << id;
    return events.empty() ? runtime::ConsumedRecord{} : events.front().record;
  }
  v1::Complaint Submit(const std::string& traceparent, const std::string& tracestate,
                       const std::string& request_id, const v1::SubmitComplaintRequest& request) {
    auto ctx = Ctx(Role::kService);
    if (!traceparent.empty()) ctx->AddMetadata("traceparent", traceparent);
    if (!tracestate.empty()) ctx->AddMetadata("tracestate", tracestate);
    ctx->AddMetadata("x-request-id", request_id);
    v1::SubmitComplaintResponse response;
    grpc::Status status = stub().SubmitComplaint(ctx.get(), request, &response);
    EXPECT_TRUE(status.ok()) << StatusText(status);
    return response.complaint();
  }
  // The one rpc line of the submission (trace `trace_id`, `request_id`);
  // checks what it holds and that no line anywhere holds the phone.
  void ExpectOneRpcLine(const std::string& trace_id, const std::string& request_id,
                        const std::string& phone) {
    std::vector<nlohmann::json> lines = RpcLines(trace_id);
    ASSERT_EQ(lines.size(), 1u) << AllLogText();
    const nlohmann::json& line = lines.front();
    EXPECT_EQ(line.value("level", ""), "info");
    EXPECT_EQ(line.value("request_id", ""), request_id);
    EXPECT_EQ(line.value("method", ""), kSubmitMethod);
    EXPECT_EQ(line.value("code", ""), "OK");
    EXPECT_EQ(line.value("subject", ""), Subject(Role::kService));
    ASSERT_TRUE(line.contains("latency_ms") && line["latency_ms"].is_number()) << line.dump();
    EXPECT_GE(line["latency_ms"].get<double>(), 0.0);
    // Every line written for the request carries both ids.
    for (const auto& any : LogLines()) {
      if (any.value("request_id", "") == request_id) {
        EXPECT_EQ(any.value("trace_id", ""), trace_id) << any.dump();
      }
    }
    const std::string text = AllLogText();
    EXPECT_FALSE(absl::StrContains(text, phone)) << "phone number in the service log";
    EXPECT_FALSE(absl::StrContains(text, phone.substr(3))) << "phone digits in the service log";
  }
};

TEST_F(TraceTest, CallersTraceparentReachesTheEventAndTheLog) {
  const runtime::TraceContext caller = runtime::NewTraceContext();
  const std::string request_id = Unique("trace-req");
  v1::SubmitComplaintRequest request = ValidSubmission("trace");
  v1::Complaint c = Submit(caller.Traceparent(), "sqms=t1,other=x", request_id, request);
  ASSERT_FALSE(c.id().empty());

  runtime::ConsumedRecord record = SubmittedEvent(c.id());
  const std::string header = record.Header("ce_traceparent").value_or("");
  std::optional<runtime::TraceContext> event_trace = runtime::ParseTraceparent(header);
  ASSERT_TRUE(event_trace.has_value()) << "ce_traceparent \"" << header << "\"";
  EXPECT_EQ(event_trace->trace_id, caller.trace_id);
  EXPECT_NE(event_trace->span_id, caller.span_id) << "the service's own span is the parent";
  EXPECT_EQ(event_trace->flags, caller.flags);
  EXPECT_EQ(record.Header("ce_tracestate").value_or("<none>"), "sqms=t1,other=x");

  ExpectOneRpcLine(caller.trace_id, request_id, request.complainant().phone());
}

TEST_F(TraceTest, WithoutAValidTraceparentAFreshTraceIsStarted) {
  for (const std::string& sent :
       {std::string(), std::string("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        std::string("garbage")}) {
    SCOPED_TRACE("traceparent \"" + sent + "\"");
    const std::string request_id = Unique("fresh-req");
    v1::SubmitComplaintRequest request = ValidSubmission("fresh");
    // A tracestate without a valid traceparent is dropped, as the spec says.
    v1::Complaint c = Submit(sent, "sqms=dropped", request_id, request);
    ASSERT_FALSE(c.id().empty());

    runtime::ConsumedRecord record = SubmittedEvent(c.id());
    const std::string header = record.Header("ce_traceparent").value_or("");
    std::optional<runtime::TraceContext> fresh = runtime::ParseTraceparent(header);
    ASSERT_TRUE(fresh.has_value()) << "ce_traceparent \"" << header << "\"";
    EXPECT_FALSE(record.Header("ce_tracestate").has_value());
    ExpectOneRpcLine(fresh->trace_id, request_id, request.complainant().phone());
  }
}

TEST_F(TraceTest, BadTokenFloodWritesRateLimitedSecurityEvents) {
  const std::string bad_token = "tok-" + Unique("wrong");
  auto security = [&](std::string_view msg) {
    std::vector<nlohmann::json> out;
    for (auto& line : LogLines()) {
      if (line.value("event", "") == "security" && line.value("msg", "") == msg) {
        out.push_back(line);
      }
    }
    return out;
  };
  const absl::Time start = absl::Now();
  int calls = 0;
  auto bad_call = [&] {
    auto ctx = CtxWithToken(bad_token);
    v1::GetComplaintRequest get;
    get.set_id("c-any");
    v1::Complaint out;
    grpc::Status status = stub().GetComplaint(ctx.get(), get, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << StatusText(status);
    ++calls;
  };
  for (int i = 0; i < 100; ++i) bad_call();
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  const auto limit = static_cast<size_t>(runtime::kSecurityLogBurst +
                                         runtime::kSecurityLogPerSecond * (elapsed + 1));
  ASSERT_LT(limit, 100u) << "the flood took too long to test the limit";
  const size_t after_flood = security("authentication failed").size();
  EXPECT_GE(after_flood, static_cast<size_t>(runtime::kSecurityLogBurst));
  EXPECT_LE(after_flood, limit);

  // Once tokens refill, the next event written reports what was dropped.
  ASSERT_TRUE(testing::Await(
      [&] {
        bad_call();
        return !security("suppressed security events").empty();
      },
      absl::Seconds(10), absl::Milliseconds(100)));
  int64_t suppressed = 0;
  for (const auto& line : security("suppressed security events")) {
    suppressed += line.value("suppressed", int64_t{0});
  }
  const std::vector<nlohmann::json> written = security("authentication failed");
  EXPECT_EQ(static_cast<int64_t>(written.size()) + suppressed, calls) << AllLogText();

  const nlohmann::json& first = written.front();
  EXPECT_EQ(first.value("level", ""), "warn");
  EXPECT_EQ(first.value("method", ""), "/sqms.complaints.v1.ComplaintService/GetComplaint");
  EXPECT_EQ(first.value("reason", ""), "unknown bearer token");
  EXPECT_TRUE(absl::StrContains(first.value("peer", ""), "127.0.0.1")) << first.dump();
  const std::string text = AllLogText();
  EXPECT_FALSE(absl::StrContains(text, bad_token)) << "the token itself was logged";
  // A refused authentication is a security event, not also an rpc line.
  for (const auto& line : LogLines()) {
    if (line.value("msg", "") == "rpc") {
      EXPECT_NE(line.value("code", ""), "UNAUTHENTICATED");
    }
  }
}

}  // namespace
}  // namespace sqms::complaints::it
