// W3C traceparent parsing (the spec's validity rules), generation and the
// thread's current context.
#include "sqms/runtime/trace_context.h"

#include <set>
#include <string>

#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

constexpr char kValid[] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

bool LowerHexOfSize(const std::string& s, size_t size) {
  return s.size() == size && s.find_first_not_of("0123456789abcdef") == std::string::npos &&
         s.find_first_not_of('0') != std::string::npos;
}

TEST(ParseTraceparentTest, ReadsTheSpecsExample) {
  auto context = ParseTraceparent(kValid);
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(context->span_id, "00f067aa0ba902b7");
  EXPECT_EQ(context->flags, "01");
  EXPECT_EQ(context->Traceparent(), kValid);
}

TEST(ParseTraceparentTest, RejectsWhatTheSpecCallsInvalid) {
  const std::string cases[] = {
      "",
      "00",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",     // short
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // v00 with extra
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",    // upper case
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",    // zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",    // zero span id
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version ff
      "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // version not hex
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",    // separator
      "00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01",    // misplaced dash
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0z",    // flags not hex
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",   // future version, no dash
  };
  for (const std::string& value : cases) {
    EXPECT_FALSE(ParseTraceparent(value).has_value()) << "accepted \"" << value << "\"";
  }
}

TEST(ParseTraceparentTest, AcceptsAFutureVersionWithMoreFields) {
  auto context =
      ParseTraceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-ever");
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  // We speak version 00 onwards.
  EXPECT_EQ(context->Traceparent(), kValid);
}

TEST(NewTraceContextTest, RandomValidIdsEveryTime) {
  std::set<std::string> trace_ids, span_ids;
  for (int i = 0; i < 100; ++i) {
    TraceContext context = NewTraceContext();
    EXPECT_TRUE(LowerHexOfSize(context.trace_id, 32)) << context.trace_id;
    EXPECT_TRUE(LowerHexOfSize(context.span_id, 16)) << context.span_id;
    EXPECT_EQ(context.flags, "00");
    auto reparsed = ParseTraceparent(context.Traceparent());
    ASSERT_TRUE(reparsed.has_value()) << context.Traceparent();
    EXPECT_EQ(*reparsed, context);
    trace_ids.insert(context.trace_id);
    span_ids.insert(context.span_id);
  }
  EXPECT_EQ(trace_ids.size(), 100u);
  EXPECT_EQ(span_ids.size(), 100u);
}

TEST(ChildSpanTest, KeepsTraceFlagsAndStateWithANewSpan) {
  TraceContext parent = *ParseTraceparent(kValid);
  parent.tracestate = "rojo=00f067aa0ba902b7";
  TraceContext child = ChildSpan(parent);
  EXPECT_EQ(child.trace_id, parent.trace_id);
  EXPECT_EQ(child.flags, "01");
  EXPECT_EQ(child.tracestate, parent.tracestate);
  EXPECT_NE(child.span_id, parent.span_id);
  EXPECT_TRUE(LowerHexOfSize(child.span_id, 16));
}

TEST(ScopedTraceContextTest, CurrentWhileInScopeAndRestoredAfter) {
  EXPECT_FALSE(CurrentTraceContext().valid());
  EXPECT_EQ(CurrentTraceContext().Traceparent(), "");
  const TraceContext outer = NewTraceContext(), inner = NewTraceContext();
  {
    ScopedTraceContext a(outer);
    EXPECT_EQ(CurrentTraceContext(), outer);
    {
      ScopedTraceContext b(inner);
      EXPECT_EQ(CurrentTraceContext(), inner);
    }
    EXPECT_EQ(CurrentTraceContext(), outer);
  }
  EXPECT_FALSE(CurrentTraceContext().valid());
}

}  // namespace
}  // namespace sqms::runtime
