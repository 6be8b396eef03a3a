// sqmsctl's default --request-id: a fresh version-4 UUID per invocation.
// (gmock's MatchesRegex, not std::regex: GCC 12 warns inside <regex> under
// ASan, -Werror=maybe-uninitialized, a false positive.)
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sqms/runtime/ids.h"

namespace sqms::tools {
namespace {

TEST(RequestIdTest, IsAVersionFourUuidAndFresh) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = runtime::NewEventId();  // what sqmsctl sends by default
    EXPECT_THAT(id, ::testing::MatchesRegex(
                        "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

}  // namespace
}  // namespace sqms::tools
