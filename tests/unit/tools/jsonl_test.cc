#include "tools/sqmsctl/jsonl.h"

#include <gtest/gtest.h>

#include "sqms/complaints/v1/service.pb.h"
#include "sqms/events/v1/contact_event.pb.h"

namespace sqms::tools {
namespace {

using events::v1::ContactEvent;
namespace cv1 = ::sqms::complaints::v1;

TEST(JsonLinesTest, ParsesEachLineSkippingBlanksAndComments) {
  auto file = ParseJsonLines<ContactEvent>(
      "# calls\n"
      "{\"eventId\":\"e1\",\"contactId\":\"c1\",\"callOffered\":{\"queue\":\"12306\"}}\n"
      "\n"
      "{\"event_id\":\"e2\",\"contact_id\":\"c1\",\"callAnswered\":{\"waitSeconds\":\"12\"}}\n");
  ASSERT_TRUE(file.bad.empty()) << file.bad[0].message;
  ASSERT_EQ(file.messages.size(), 2u);
  EXPECT_EQ(file.messages[0].call_offered().queue(), "12306");
  EXPECT_EQ(file.messages[1].call_answered().wait_seconds(), 12);
  EXPECT_EQ(file.lines, (std::vector<int>{2, 4}));
}

// One bad line is reported with its number and field; the lines around it
// are still read (and sent by sqmsctl).
TEST(JsonLinesTest, ReportsEachBadLineAndKeepsTheRest) {
  auto file = ParseJsonLines<cv1::SubmitComplaintRequest>(
      "{\"title\":\"a\"}\n"
      "{\"nope\":1}\n"
      "{\"title\":\"b\",\"channel\":\"fax\"}\n"
      "not json\n"
      "{\"title\":\"c\"}\n");
  ASSERT_EQ(file.messages.size(), 2u);
  EXPECT_EQ(file.messages[1].title(), "c");
  EXPECT_EQ(file.lines, (std::vector<int>{1, 5}));
  ASSERT_EQ(file.bad.size(), 3u);
  EXPECT_EQ(file.bad[0].line, 2);
  EXPECT_NE(file.bad[0].message.find("nope"), std::string::npos) << file.bad[0].message;
  EXPECT_EQ(file.bad[1].line, 3);
  EXPECT_NE(file.bad[1].message.find("channel"), std::string::npos) << file.bad[1].message;
  EXPECT_NE(file.bad[1].message.find("hotline"), std::string::npos) << file.bad[1].message;
  EXPECT_EQ(file.bad[2].line, 4);
  EXPECT_EQ(FormatBadLine("x.jsonl", file.bad[2]), "x.jsonl:4: not a JSON object");
}

// The file takes enum names the way the flags do: short, any case, the
// proto name, aliases; in nested and repeated fields too.
TEST(JsonLinesTest, EnumsAreSpelledLikeTheFlags) {
  for (const char* channel : {"hotline", "HOTLINE", "CHANNEL_HOTLINE", "phone", "Hotline"}) {
    cv1::SubmitComplaintRequest request;
    ASSERT_TRUE(ParseJsonMessage(std::string("{\"channel\":\"") + channel + "\"}", request).ok())
        << channel;
    EXPECT_EQ(request.channel(), cv1::CHANNEL_HOTLINE) << channel;
  }
  cv1::ListComplaintsRequest list;
  absl::Status s = ParseJsonMessage(
      "{\"filter\":{\"priorities\":[\"p1\",\"P2\",\"PRIORITY_P3\"],\"statuses\":[\"in-progress\"]}}",
      list);
  ASSERT_TRUE(s.ok()) << s;
  ASSERT_EQ(list.filter().priorities_size(), 3);
  EXPECT_EQ(list.filter().priorities(0), cv1::PRIORITY_P1);
  EXPECT_EQ(list.filter().priorities(2), cv1::PRIORITY_P3);
  EXPECT_EQ(list.filter().statuses(0), cv1::STATUS_IN_PROGRESS);
  absl::Status bad = ParseJsonMessage("{\"filter\":{\"priorities\":[\"p9\"]}}", list);
  EXPECT_NE(std::string(bad.message()).find("filter.priorities"), std::string::npos) << bad;
}

}  // namespace
}  // namespace sqms::tools
