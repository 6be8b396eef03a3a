// The complaints service's start-up checks of what its files hold.

#include "services/complaints/config/service_config.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sqms::complaints::config {
namespace {

using ::testing::HasSubstr;

TEST(PiiKeyTest, AKeyOfOnlyWhitespaceIsRefusedNamingTheFlag) {
  for (std::string_view key : {"", "\n", " \t\r\n"}) {
    absl::Status s = ValidatePiiKey(key);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << "key of " << key.size() << " bytes";
    EXPECT_THAT(s.message(), HasSubstr("--pii-key-file (SQMS_PII_KEY_FILE)"));
  }
  EXPECT_THAT(ValidatePiiKey("\n").message(), HasSubstr("only whitespace"));
}

TEST(PiiKeyTest, AnyKeyWithContentIsAcceptedAsWritten) {
  EXPECT_TRUE(ValidatePiiKey("0123456789abcdef0123456789abcdef\n").ok());
  // Short keys start (with a warning): refusing them would force a key
  // change, and so a new hash for every complainant, on a running site.
  EXPECT_TRUE(ValidatePiiKey("short").ok());
}

}  // namespace
}  // namespace sqms::complaints::config
