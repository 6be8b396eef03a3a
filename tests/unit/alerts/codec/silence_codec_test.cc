#include "services/alerts/codec/silence_codec.h"

#include <cstdint>

#include "gtest/gtest.h"
#include "services/alerts/codec/timestamp_codec.h"
#include "tests/unit/alerts/codec/field_paths.h"

namespace sqms::alerts::codec {
namespace {

namespace pb = ::sqms::alerts::v1;
using testing::BadRequestFields;
using testing::Fields;

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);
const absl::TimeZone kUtc = absl::UTCTimeZone();

pb::Matcher* AddMatcher(pb::Silence& s, std::string label, std::string op, std::string value) {
  pb::Matcher* m = s.add_matchers();
  m->set_label(std::move(label));
  m->set_op(std::move(op));
  m->set_value(std::move(value));
  return m;
}

pb::Silence Window() {
  pb::Silence s;
  AddMatcher(s, "service", "=", "billing");
  AddMatcher(s, "instance", "=~", "db-[0-9]+");
  ToTimestamp(kStart, s.mutable_starts_at());
  s.set_comment("weekly maintenance");
  pb::Recurrence* r = s.mutable_recurrence();
  r->add_weekdays("sun");
  r->add_weekdays("Wed");
  r->set_start("01:30");
  r->set_duration_minutes(120);
  return s;
}

TEST(SilenceCodecTest, RecurringWindowRoundTrips) {
  absl::StatusOr<domain::Silence> silence = SilenceFromProto(Window());
  ASSERT_TRUE(silence.ok()) << silence.status();
  ASSERT_EQ(silence->matchers.size(), 2u);
  EXPECT_EQ(silence->matchers[1].op(), domain::MatchOp::kRegex);
  EXPECT_EQ(silence->starts_at, kStart);
  EXPECT_EQ(silence->ends_at, absl::InfiniteFuture());  // unset with a recurrence: for ever
  ASSERT_TRUE(silence->recurrence.has_value());
  EXPECT_EQ(silence->recurrence->weekdays,
            (std::vector<absl::Weekday>{absl::Weekday::sunday, absl::Weekday::wednesday}));
  EXPECT_EQ(silence->recurrence->start_minute, 90);
  EXPECT_EQ(silence->recurrence->duration, absl::Hours(2));

  silence->id = "sil-1";
  silence->created_by = "li";
  const pb::Silence out = SilenceToProto(*silence, kStart + absl::Hours(1), kUtc);
  EXPECT_EQ(out.id(), "sil-1");
  EXPECT_EQ(out.created_by(), "li");
  EXPECT_EQ(out.starts_at().seconds(), 1'700'000'000);
  EXPECT_FALSE(out.has_ends_at());
  EXPECT_EQ(out.recurrence().start(), "01:30");
  ASSERT_EQ(out.recurrence().weekdays_size(), 2);
  EXPECT_EQ(out.recurrence().weekdays(1), "wed");
  EXPECT_EQ(out.recurrence().duration_minutes(), 120);
  EXPECT_EQ(out.matchers(1).value(), "db-[0-9]+");
  EXPECT_EQ(out.state(), "active");
}

TEST(SilenceCodecTest, StateFollowsTheClock) {
  domain::Silence silence = *SilenceFromProto(Window());
  silence.recurrence.reset();
  silence.ends_at = kStart + absl::Hours(2);
  EXPECT_EQ(SilenceToProto(silence, kStart - absl::Seconds(1), kUtc).state(), "pending");
  EXPECT_EQ(SilenceToProto(silence, kStart, kUtc).state(), "active");
  EXPECT_EQ(SilenceToProto(silence, kStart + absl::Hours(2), kUtc).state(), "expired");
  EXPECT_EQ(SilenceToProto(silence, kStart, kUtc).ends_at().seconds(), 1'700'000'000 + 7200);
}

// kStart is a Tuesday, 22:13:20 UTC; the window is Sundays and Wednesdays
// 01:30-03:30. Between windows a recurring silence is live ("active") but
// mutes nothing; a one-off silence mutes whenever it is active.
TEST(SilenceCodecTest, MutingSaysWhetherAWindowIsOpenNow) {
  const domain::Silence recurring = *SilenceFromProto(Window());
  const pb::Silence between = SilenceToProto(recurring, kStart + absl::Hours(1), kUtc);
  EXPECT_EQ(between.state(), "active");
  EXPECT_FALSE(between.muting());
  const pb::Silence inside =
      SilenceToProto(recurring, kStart + absl::Minutes(210), kUtc);  // Wed 01:43
  EXPECT_EQ(inside.state(), "active");
  EXPECT_TRUE(inside.muting());
  // The same moment is 09:43 in Shanghai: outside the window there.
  EXPECT_FALSE(SilenceToProto(recurring, kStart + absl::Minutes(210),
                              absl::FixedTimeZone(8 * 3600))
                   .muting());

  domain::Silence one_off = recurring;
  one_off.recurrence.reset();
  one_off.ends_at = kStart + absl::Hours(2);
  EXPECT_FALSE(SilenceToProto(one_off, kStart - absl::Seconds(1), kUtc).muting());
  EXPECT_TRUE(SilenceToProto(one_off, kStart + absl::Hours(1), kUtc).muting());
  EXPECT_FALSE(SilenceToProto(one_off, kStart + absl::Hours(2), kUtc).muting());
}

TEST(SilenceCodecTest, UnsetStartMeansFromNow) {
  pb::Silence proto = Window();
  proto.clear_starts_at();
  absl::StatusOr<domain::Silence> silence = SilenceFromProto(proto);
  ASSERT_TRUE(silence.ok()) << silence.status();
  EXPECT_EQ(silence->starts_at, absl::InfinitePast());
  EXPECT_FALSE(SilenceToProto(*silence, kStart, kUtc).has_starts_at());
}

TEST(SilenceCodecTest, ReportsEveryProblemWithItsPath) {
  pb::Silence proto = Window();
  proto.mutable_matchers(1)->set_value("db-(");
  proto.mutable_recurrence()->set_weekdays(1, "funday");
  proto.mutable_recurrence()->set_start("25:00");
  absl::StatusOr<domain::Silence> silence = SilenceFromProto(proto);
  ASSERT_EQ(silence.status().code(), absl::StatusCode::kInvalidArgument);
  const std::set<std::string> expected{"silence.matchers[1].value",
                                       "silence.recurrence.weekdays[1]",
                                       "silence.recurrence.start"};
  EXPECT_EQ(Fields(silence.status()), expected) << silence.status();
  EXPECT_EQ(BadRequestFields(silence.status()), expected);
}

TEST(SilenceCodecTest, OneOffSilenceNeedsAnEnd) {
  pb::Silence proto = Window();
  proto.clear_recurrence();
  EXPECT_EQ(Fields(SilenceFromProto(proto).status()), std::set<std::string>{"silence.ends_at"});
  ToTimestamp(kStart - absl::Minutes(1), proto.mutable_ends_at());
  EXPECT_EQ(Fields(SilenceFromProto(proto).status()), std::set<std::string>{"silence.ends_at"});
  ToTimestamp(kStart + absl::Minutes(1), proto.mutable_ends_at());
  EXPECT_TRUE(SilenceFromProto(proto).ok());
}

// A time past what a timestamp may name is refused naming its field, not
// kept cut short (the store holds Unix milliseconds; the wire
// google.protobuf.Timestamp ends with 9999).
TEST(SilenceCodecTest, TimesBeyondTheTimestampRangeAreRefused) {
  pb::Silence proto = Window();
  proto.clear_recurrence();
  proto.mutable_ends_at()->set_seconds(253402300799);  // 9999-12-31T23:59:59Z: the last one
  absl::StatusOr<domain::Silence> last = SilenceFromProto(proto);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(SilenceToProto(*last, kStart, kUtc).ends_at().seconds(), 253402300799);

  proto.mutable_ends_at()->set_seconds(253402300800);  // 10000-01-01
  EXPECT_EQ(BadRequestFields(SilenceFromProto(proto).status()),
            std::set<std::string>{"silence.ends_at"});
  proto.mutable_ends_at()->set_seconds(INT64_MAX / 1000);  // past the store's milliseconds
  EXPECT_EQ(Fields(SilenceFromProto(proto).status()), std::set<std::string>{"silence.ends_at"});
  proto.mutable_ends_at()->set_seconds(253402300799);
  proto.mutable_ends_at()->set_nanos(-1);
  EXPECT_EQ(Fields(SilenceFromProto(proto).status()), std::set<std::string>{"silence.ends_at"});

  pb::Silence early = Window();
  early.mutable_starts_at()->set_seconds(-62135596801);  // before 0001-01-01
  EXPECT_EQ(Fields(SilenceFromProto(early).status()), std::set<std::string>{"silence.starts_at"});
}

TEST(SilenceCodecTest, DomainRulesAreFieldViolationsToo) {
  pb::Silence mutes_everything;
  AddMatcher(mutes_everything, "service", "=", "");
  ToTimestamp(kStart, mutes_everything.mutable_ends_at());
  EXPECT_EQ(Fields(SilenceFromProto(mutes_everything).status()),
            std::set<std::string>{"silence.matchers"});

  pb::Silence no_matchers;
  ToTimestamp(kStart, no_matchers.mutable_ends_at());
  EXPECT_EQ(BadRequestFields(SilenceFromProto(no_matchers).status()),
            std::set<std::string>{"silence.matchers"});

  pb::Silence long_window = Window();
  long_window.mutable_recurrence()->set_duration_minutes(0);
  EXPECT_EQ(Fields(SilenceFromProto(long_window).status()),
            std::set<std::string>{"silence.recurrence.duration_minutes"});
}

}  // namespace
}  // namespace sqms::alerts::codec
