// The --kafka-properties-file format: key=value lines, comments and blank
// lines skipped, whitespace trimmed; errors name the file and line and the
// key, never a value; keys the services set themselves are refused.
#include "sqms/runtime/kafka_properties.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(KafkaPropertiesTest, ParsesKeyValueLinesSkippingCommentsAndBlanks) {
  auto parsed = ParseKafkaProperties(
      "# TLS\n! also a comment\n\n  security.protocol = ssl \r\nssl.ca.location=/etc/ca.pem\n"
      "sasl.jaas.config=a=b\n",
      "k.properties");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, (KafkaProperties{{"sasl.jaas.config", "a=b"},
                                      {"security.protocol", "ssl"},
                                      {"ssl.ca.location", "/etc/ca.pem"}}));
  EXPECT_TRUE(ParseKafkaProperties("", "k.properties")->empty());
}

TEST(KafkaPropertiesTest, ErrorsNameFileLineAndKeyButNoValue) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"a=1\nno-equals-sign-s3cret\n", "k.properties:2: is not key=value"},
           Case{" = s3cret\n", "k.properties:1: has no key before '='"},
           Case{"sasl.password=s3cret\nsasl.password=s3cret2\n",
                "k.properties:2: sasl.password: given twice"},
           Case{"group.id=s3cret\n",
                "k.properties:1: group.id: is set by the service (its delivery guarantees rest "
                "on it)"},
           Case{"enable.auto.commit=true\n", "k.properties:1: enable.auto.commit: is set by"},
           Case{"acks=1\n", "k.properties:1: acks: is set by the service"},
           Case{"metadata.broker.list=x:1\n", "(use --kafka-brokers)"},
       }) {
    auto parsed = ParseKafkaProperties(c.text, "k.properties");
    ASSERT_FALSE(parsed.ok()) << c.text;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(c.message));
    EXPECT_THAT(std::string(parsed.status().message()), Not(HasSubstr("s3cret")));
  }
}

}  // namespace
}  // namespace sqms::runtime
