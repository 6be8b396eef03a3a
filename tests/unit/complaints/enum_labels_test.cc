#include "services/complaints/codec/enum_labels.h"

#include <gtest/gtest.h>

namespace sqms::complaints::codec {
namespace {

TEST(EnumLabelsTest, NamesComeFromTheProtoEnumsWithoutTheirPrefix) {
  EXPECT_EQ(Label(domain::Channel::kHotline), "hotline");
  EXPECT_EQ(Label(domain::Category::kServiceAttitude), "service_attitude");
  EXPECT_EQ(Label(domain::Category::kNetworkFault), "network_fault");
  EXPECT_EQ(Label(domain::Priority::kP1), "p1");
  EXPECT_EQ(Label(domain::SlaTarget::kFirstResponse), "first_response");
  EXPECT_EQ(Label(domain::EventType::kSlaBreached), "sla_breached");
}

TEST(EnumLabelsTest, EveryDomainValueHasAProtoName) {
  // The domain enums mirror the proto enums by value; a value the proto
  // lacks would show as "unknown" in metrics and event types.
  for (int i = 0; i <= domain::kChannelMax; ++i) {
    EXPECT_NE(Label(static_cast<domain::Channel>(i)), "unknown") << i;
  }
  for (int i = 0; i <= domain::kCategoryMax; ++i) {
    EXPECT_NE(Label(static_cast<domain::Category>(i)), "unknown") << i;
  }
  for (int i = 0; i <= domain::kPriorityMax; ++i) {
    EXPECT_NE(Label(static_cast<domain::Priority>(i)), "unknown") << i;
  }
  for (int i = 0; i <= static_cast<int>(domain::EventType::kDuplicateLinked); ++i) {
    EXPECT_NE(Label(static_cast<domain::EventType>(i)), "unknown") << i;
  }
}

TEST(EnumLabelsTest, OutOfRangeIsUnknown) {
  EXPECT_EQ(Label(static_cast<domain::Category>(99)), "unknown");
  EXPECT_EQ(Label(static_cast<domain::Channel>(-1)), "unknown");
}

}  // namespace
}  // namespace sqms::complaints::codec
