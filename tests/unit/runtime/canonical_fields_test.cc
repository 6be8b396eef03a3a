#include "sqms/runtime/canonical_fields.h"

#include <gtest/gtest.h>

#include "absl/time/civil_time.h"

namespace sqms::runtime {
namespace {

std::string Encoded(std::optional<absl::Time> t) {
  CanonicalFields c;
  c.AddTime("t", t);
  return c.Take();
}

absl::Time Utc(int year) {
  return absl::FromCivil(absl::CivilSecond(year, 1, 1, 0, 0, 0), absl::UTCTimeZone());
}

TEST(CanonicalFieldsTest, FieldsAreLengthPrefixed) {
  CanonicalFields a, b;
  a.Add("x", "ab").Add("y", "c");
  b.Add("x", "a").Add("y", "bc");
  EXPECT_EQ(a.Take(), "x=2:ab;y=1:c;");
  EXPECT_EQ(b.Take(), "x=1:a;y=2:bc;");
  CanonicalFields n;
  n.Add("n", int64_t{-42});
  EXPECT_EQ(n.Take(), "n=3:-42;");
}

TEST(CanonicalFieldsTest, AbsentAndTheEpochDiffer) {
  EXPECT_EQ(Encoded(std::nullopt), "t=0:;");
  EXPECT_EQ(Encoded(absl::UnixEpoch()), "t=1:0;");
}

// Stored fingerprints hold Unix nanoseconds: times an int64 of nanoseconds
// holds keep that form.
TEST(CanonicalFieldsTest, TimesInTheNanosecondRangeAreUnixNanoseconds) {
  const absl::Time t = Utc(2026) + absl::Nanoseconds(5);
  EXPECT_EQ(Encoded(t), absl::StrCat("t=19:", absl::ToUnixNanos(t), ";"));
}

// absl::ToUnixNanos saturates after 2262: 2300 and 9999 once encoded alike.
TEST(CanonicalFieldsTest, TimesBeyondTheNanosecondRangeStayDistinct) {
  EXPECT_NE(Encoded(Utc(2300)), Encoded(Utc(9999)));
  EXPECT_NE(Encoded(Utc(1)), Encoded(Utc(1600)));
  EXPECT_NE(Encoded(Utc(2300)), Encoded(Utc(2300) + absl::Nanoseconds(1)));
  EXPECT_EQ(Encoded(Utc(2300)), Encoded(Utc(2300)));
}

}  // namespace
}  // namespace sqms::runtime
