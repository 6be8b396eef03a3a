// sqmsctl's default --request-id: a fresh version-4 UUID per invocation.
#include <regex>
#include <set>

#include "gtest/gtest.h"
#include "tools/sqmsctl/flags.h"

namespace sqms::tools {
namespace {

TEST(RequestIdTest, IsAVersionFourUuidAndFresh) {
  const std::regex uuid4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    EXPECT_TRUE(std::regex_match(id, uuid4)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace sqms::tools
