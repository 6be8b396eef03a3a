#include "tools/sqmsctl/enum_names.h"

#include <gtest/gtest.h>

namespace sqms::tools {
namespace {

namespace cv1 = ::sqms::complaints::v1;

TEST(EnumNamesTest, ShortNamesAreCaseInsensitive) {
  EXPECT_EQ(*ParseEnum<cv1::Channel>("hotline"), cv1::CHANNEL_HOTLINE);
  EXPECT_EQ(*ParseEnum<cv1::Channel>("HotLine"), cv1::CHANNEL_HOTLINE);
  EXPECT_EQ(*ParseEnum<cv1::Category>("safety"), cv1::CATEGORY_SAFETY);
  EXPECT_EQ(*ParseEnum<cv1::Priority>("P1"), cv1::PRIORITY_P1);
  EXPECT_EQ(*ParseEnum<cv1::Level>("high"), cv1::LEVEL_HIGH);
  EXPECT_EQ(*ParseEnum<cv1::Status>("in-progress"), cv1::STATUS_IN_PROGRESS);
}

TEST(EnumNamesTest, FullNamesAndAliases) {
  EXPECT_EQ(*ParseEnum<cv1::Channel>("CHANNEL_COUNTER"), cv1::CHANNEL_COUNTER);
  EXPECT_EQ(*ParseEnum<cv1::Category>("delay"), cv1::CATEGORY_TIMELINESS);
  EXPECT_EQ(*ParseEnum<cv1::Category>("network"), cv1::CATEGORY_NETWORK_FAULT);
  EXPECT_EQ(*ParseEnum<cv1::Category>("attitude"), cv1::CATEGORY_SERVICE_ATTITUDE);
  EXPECT_EQ(*ParseEnum<cv1::Status>("waiting"), cv1::STATUS_WAITING_CUSTOMER);
}

TEST(EnumNamesTest, RejectsUnknownAndUnspecifiedListingChoices) {
  auto bad = ParseEnum<cv1::Channel>("fax");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(bad.status().message()).find("hotline"), std::string::npos);
  EXPECT_FALSE(ParseEnum<cv1::Channel>("unspecified").ok());
  EXPECT_FALSE(ParseEnum<cv1::Priority>("").ok());
}

TEST(EnumNamesTest, ShortNameRoundTrips) {
  for (const std::string& name : EnumShortNames<cv1::Category>()) {
    auto parsed = ParseEnum<cv1::Category>(name);
    ASSERT_TRUE(parsed.ok()) << name;
    EXPECT_EQ(EnumShortName(*parsed), name);
  }
  EXPECT_EQ(EnumShortName(cv1::PRIORITY_P2), "p2");
  EXPECT_EQ(EnumShortName(cv1::CHANNEL_UNSPECIFIED), "-");
  EXPECT_EQ(EnumShortName(static_cast<cv1::Channel>(99)), "99");
  EXPECT_EQ(EnumShortName(events::v1::COMPLAINT_EVENT_TYPE_SLA_BREACHED), "sla_breached");
}

}  // namespace
}  // namespace sqms::tools
