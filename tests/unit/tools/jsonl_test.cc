#include "tools/sqmsctl/jsonl.h"

#include <gtest/gtest.h>

#include "sqms/events/v1/contact_event.pb.h"

namespace sqms::tools {
namespace {

using events::v1::ContactEvent;

TEST(JsonLinesTest, ParsesEachLineSkippingBlanksAndComments) {
  auto events = ParseJsonLines<ContactEvent>(
      "# calls\n"
      "{\"eventId\":\"e1\",\"contactId\":\"c1\",\"callOffered\":{\"queue\":\"12306\"}}\n"
      "\n"
      "{\"event_id\":\"e2\",\"contact_id\":\"c1\",\"callAnswered\":{\"waitSeconds\":\"12\"}}\n");
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].call_offered().queue(), "12306");
  EXPECT_EQ((*events)[1].call_answered().wait_seconds(), 12);
}

TEST(JsonLinesTest, NamesTheBadLine) {
  auto events = ParseJsonLines<ContactEvent>("{\"eventId\":\"e1\"}\n{\"nope\":1}\n");
  ASSERT_FALSE(events.ok());
  EXPECT_NE(std::string(events.status().message()).find("line 2"), std::string::npos);
}

}  // namespace
}  // namespace sqms::tools
