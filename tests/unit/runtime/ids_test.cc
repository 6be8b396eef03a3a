// Event ids: random ones (version 4) and ones derived from a digest
// (version 8), both UUID-shaped with the RFC 4122 variant.

#include "sqms/runtime/ids.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace sqms::runtime {
namespace {

using ::testing::MatchesRegex;

constexpr char kDigest[] = "0123456789abcdeffedcba9876543210ffffffffffffffffffffffffffffffff";

TEST(EventIdTest, ARandomIdIsAVersion4Uuid) {
  const std::string id = NewEventId();
  EXPECT_THAT(id,
              MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
  EXPECT_NE(NewEventId(), id);
}

TEST(EventIdTest, AnIdFromADigestIsTheSameForTheSameDigestAndAVersion8Uuid) {
  // The digest's first 32 digits, the version nibble set to 8 and the
  // variant's top bits to 10.
  EXPECT_EQ(EventIdFromDigest(kDigest), "01234567-89ab-8def-bedc-ba9876543210");
  EXPECT_EQ(EventIdFromDigest(kDigest), EventIdFromDigest(kDigest));
  std::string other = kDigest;
  other[31] = '1';
  EXPECT_NE(EventIdFromDigest(other), EventIdFromDigest(kDigest));
}

}  // namespace
}  // namespace sqms::runtime
