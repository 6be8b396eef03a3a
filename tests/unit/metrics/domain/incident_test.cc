#include "services/metrics/domain/incident.h"

#include <map>
#include <numeric>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/civil_time.h"
#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/window.h"
#include "tests/unit/metrics/shanghai.h"

namespace sqms::metrics::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

using testing::Shanghai;
using testing::ShanghaiAt;

// Plays the alerts service: an incident whose changes are published with
// its state after each change, on a clock the test moves.
class IncidentFeed {
 public:
  explicit IncidentFeed(absl::Time now, bool outage = false, bool drill = false) : now_(now) {
    change_.incident_id = "inc-1";
    change_.outage = outage;
    change_.drill = drill;
    change_.dimensions.plan = "platform-outage";
    change_.dimensions.level = "I";
    change_.dimensions.station = "beijing-south";
    change_.platform = "call_platform";
    change_.opened_at = now;
  }
  void Advance(absl::Duration d) { now_ += d; }
  IncidentChange Opened() { return Next(); }
  IncidentChange Acknowledged() {
    change_.acknowledged_at = now_;
    return Next();
  }
  // An ack expiry returns the incident to triggered; acknowledged_at keeps
  // the old acknowledgement until the next one overwrites it.
  IncidentChange AckExpired() { return Next(); }
  IncidentChange Resolved() {
    change_.resolved_at = now_;
    return Next();
  }
  IncidentChange Closed() { return Next(); }

 private:
  IncidentChange Next() {
    change_.event_id = "ev-" + std::to_string(++seq_);
    change_.occurred_at = now_;
    return change_;
  }
  absl::Time now_;
  int seq_ = 0;
  IncidentChange change_;
};

// Counts changes the way the consumer does: marks carried from one change
// to the next (and persisted in between).
class Counting {
 public:
  std::vector<Event> Apply(const IncidentChange& change) {
    CountedChange out = CountIncidentChange(change, marks_, Shanghai());
    marks_ = out.marks;
    // The incidents' platform takes its outage time from incidents.
    ContributionPolicy policy;
    policy.reliability_platforms = {{.id = "call_platform",
                                     .outages_from = OutageSource::kIncidents}};
    for (const Event& e : out.events) {
      for (const Increment& inc : Contributions(e, policy)) {
        totals_[inc.counter] += inc.by;
      }
    }
    return out.events;
  }
  int64_t Total(Counter c) const {
    auto it = totals_.find(c);
    return it == totals_.end() ? 0 : it->second;
  }
  const IncidentMarks& marks() const { return marks_; }

 private:
  IncidentMarks marks_;
  std::map<Counter, int64_t> totals_;
};

TEST(CountIncidentChangeTest, AcknowledgementAndResolutionCountOnceAtTheirOwnTimes) {
  IncidentFeed feed(ShanghaiAt(2, 10, 0));
  Counting counting;
  EXPECT_THAT(counting.Apply(feed.Opened()), IsEmpty()) << "opening is no milestone";
  feed.Advance(absl::Minutes(4));
  const std::vector<Event> acked = counting.Apply(feed.Acknowledged());
  ASSERT_EQ(acked.size(), 1u);
  EXPECT_EQ(std::get<IncidentAcknowledged>(acked[0].body).seconds, 240);
  EXPECT_EQ(acked[0].occurred_at, ShanghaiAt(2, 10, 4));
  EXPECT_EQ(acked[0].dimensions.plan, "platform-outage");
  EXPECT_EQ(acked[0].dimensions.level, "I");
  EXPECT_FALSE(acked[0].drill);
  feed.Advance(absl::Minutes(56));
  const std::vector<Event> resolved = counting.Apply(feed.Resolved());
  ASSERT_EQ(resolved.size(), 1u) << "not an outage: no downtime";
  EXPECT_EQ(std::get<IncidentResolved>(resolved[0].body).seconds, 3600);
  EXPECT_EQ(resolved[0].occurred_at, ShanghaiAt(2, 11, 0));
  EXPECT_THAT(counting.Apply(feed.Closed()), IsEmpty());
  EXPECT_EQ(counting.Total(Counter::kIncidentsAcknowledged), 1);
  EXPECT_EQ(counting.Total(Counter::kAcknowledgeSeconds), 240);
  EXPECT_EQ(counting.Total(Counter::kIncidentsResolved), 1);
  EXPECT_EQ(counting.Total(Counter::kRestoreSeconds), 3600);
  EXPECT_EQ(counting.marks(), (IncidentMarks{.acknowledged = true, .resolved = true}));
}

TEST(CountIncidentChangeTest, ARedeliveredChangeCountsNothing) {
  IncidentFeed feed(ShanghaiAt(2, 10, 0));
  Counting counting;
  const IncidentChange ack = (feed.Advance(absl::Minutes(2)), feed.Acknowledged());
  feed.Advance(absl::Minutes(8));
  const IncidentChange resolved = feed.Resolved();
  for (int delivery = 0; delivery < 3; ++delivery) {
    counting.Apply(ack);
    counting.Apply(resolved);
  }
  EXPECT_EQ(counting.Total(Counter::kIncidentsAcknowledged), 1);
  EXPECT_EQ(counting.Total(Counter::kAcknowledgeSeconds), 120);
  EXPECT_EQ(counting.Total(Counter::kIncidentsResolved), 1);
  EXPECT_EQ(counting.Total(Counter::kRestoreSeconds), 600);
}

TEST(CountIncidentChangeTest, AckThenAckExpiryThenAckCountsTheFirstAcknowledgement) {
  IncidentFeed feed(ShanghaiAt(2, 10, 0));
  Counting counting;
  feed.Advance(absl::Minutes(3));
  counting.Apply(feed.Acknowledged());
  feed.Advance(absl::Minutes(30));
  EXPECT_THAT(counting.Apply(feed.AckExpired()), IsEmpty());
  feed.Advance(absl::Minutes(7));
  EXPECT_THAT(counting.Apply(feed.Acknowledged()), IsEmpty()) << "the second ack is no new MTTA";
  EXPECT_EQ(counting.Total(Counter::kIncidentsAcknowledged), 1);
  EXPECT_EQ(counting.Total(Counter::kAcknowledgeSeconds), 180);
}

TEST(CountIncidentChangeTest, AFirstSeenResolutionCarryingTheAckCountsBoth) {
  // The consumer may see an incident first when it is resolved (its
  // earlier changes compacted away, or a replay from a later offset).
  IncidentFeed feed(ShanghaiAt(2, 10, 0));
  feed.Advance(absl::Minutes(1));
  feed.Acknowledged();
  feed.Advance(absl::Minutes(9));
  Counting counting;
  const std::vector<Event> events = counting.Apply(feed.Resolved());
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(std::holds_alternative<IncidentAcknowledged>(events[0].body));
  EXPECT_EQ(events[0].occurred_at, ShanghaiAt(2, 10, 1));
  EXPECT_TRUE(std::holds_alternative<IncidentResolved>(events[1].body));
}

TEST(CountIncidentChangeTest, DrillsAreMarkedAndAddNoDowntime) {
  IncidentFeed feed(ShanghaiAt(2, 10, 0), /*outage=*/true, /*drill=*/true);
  Counting counting;
  feed.Advance(absl::Minutes(5));
  const std::vector<Event> acked = counting.Apply(feed.Acknowledged());
  feed.Advance(absl::Minutes(25));
  const std::vector<Event> resolved = counting.Apply(feed.Resolved());
  ASSERT_EQ(acked.size(), 1u);
  ASSERT_EQ(resolved.size(), 1u) << "a rehearsal is no outage";
  EXPECT_TRUE(acked[0].drill);
  EXPECT_TRUE(resolved[0].drill);
  EXPECT_EQ(counting.Total(Counter::kOutageSeconds), 0);
  EXPECT_EQ(counting.Total(Counter::kRestoreSeconds), 1800);
}

TEST(CountIncidentChangeTest, AnOutageIsCountedAtResolutionClippedToEachPeriod) {
  // 23:50:30 to 00:20:10 the next day: 9 min 30 s on Dec 2, 20 min 10 s on Dec 3.
  IncidentFeed feed(ShanghaiAt(2, 23, 50, 30), /*outage=*/true);
  Counting counting;
  counting.Apply(feed.Opened());
  feed.Advance(absl::Minutes(5));
  counting.Apply(feed.Acknowledged());
  EXPECT_EQ(counting.Total(Counter::kOutageSeconds), 0) << "counted at resolution only";
  feed.Advance(absl::Minutes(24) + absl::Seconds(40));
  const std::vector<Event> events = counting.Apply(feed.Resolved());
  const int64_t downtime = 29 * 60 + 40;
  EXPECT_EQ(counting.Total(Counter::kOutageSeconds), downtime);
  EXPECT_EQ(counting.Total(Counter::kRestoreSeconds), downtime);

  const absl::TimeZone zone = Shanghai();
  std::map<std::string, int64_t> by_day, by_minute;
  for (const Event& e : events) {
    const auto* piece = std::get_if<IncidentOutage>(&e.body);
    if (piece == nullptr) continue;
    EXPECT_EQ(piece->platform, "call_platform");
    EXPECT_EQ(e.dimensions.station, "beijing-south");
    by_day[WindowLabel(WindowOf(e.occurred_at, WindowSize::kDay, zone), zone)] +=
        piece->outage_seconds;
    by_minute[WindowLabel(WindowOf(e.occurred_at, WindowSize::kMinute, zone), zone)] +=
        piece->outage_seconds;
  }
  EXPECT_THAT(by_day, ElementsAre(Pair("2026-12-02", 9 * 60 + 30), Pair("2026-12-03", 20 * 60 + 10)));
  EXPECT_EQ(by_minute.size(), 31u);  // 23:50 … 23:59 and 00:00 … 00:20
  EXPECT_EQ(by_minute["2026-12-02T23:50"], 30);
  EXPECT_EQ(by_minute["2026-12-02T23:59"], 60);
  EXPECT_EQ(by_minute["2026-12-03T00:20"], 10);
  // Redelivered, or closed later: no second downtime.
  EXPECT_THAT(counting.Apply(feed.Closed()), IsEmpty());
  EXPECT_EQ(counting.Total(Counter::kOutageSeconds), downtime);
}

TEST(CountIncidentChangeTest, AnUnresolvedOutageCountsNothingYet) {
  IncidentFeed feed(ShanghaiAt(2, 10, 0), /*outage=*/true);
  Counting counting;
  counting.Apply(feed.Opened());
  feed.Advance(absl::Hours(30));
  counting.Apply(feed.Acknowledged());
  EXPECT_EQ(counting.Total(Counter::kOutageSeconds), 0);
  EXPECT_EQ(counting.marks(), (IncidentMarks{.acknowledged = true, .resolved = false}));
}

TEST(CountIncidentChangeTest, WithoutOpenedAtNothingCountsAndNothingIsMarked) {
  IncidentFeed feed(ShanghaiAt(2, 10, 0));
  IncidentChange change = (feed.Advance(absl::Minutes(1)), feed.Acknowledged());
  change.opened_at.reset();
  const CountedChange out = CountIncidentChange(change, IncidentMarks{}, Shanghai());
  EXPECT_THAT(out.events, IsEmpty());
  EXPECT_EQ(out.marks, IncidentMarks{});
}

TEST(SplitByMinuteTest, PiecesTileTheIntervalAtMinuteWindows) {
  const absl::Time from = ShanghaiAt(2, 10, 0, 15);
  const absl::Time to = ShanghaiAt(2, 10, 3, 5);
  const auto pieces = SplitByMinute(from, to, Shanghai());
  EXPECT_THAT(pieces, ElementsAre(Pair(from, 45), Pair(ShanghaiAt(2, 10, 1), 60),
                                  Pair(ShanghaiAt(2, 10, 2), 60), Pair(ShanghaiAt(2, 10, 3), 5)));
  EXPECT_THAT(SplitByMinute(to, from, Shanghai()), IsEmpty());
  EXPECT_THAT(SplitByMinute(from, from, Shanghai()), IsEmpty());
}

}  // namespace
}  // namespace sqms::metrics::domain
