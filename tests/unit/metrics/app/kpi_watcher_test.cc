// The KPI watch's poller as a specification, on the fake clock: a stream's
// snapshot, then each change once; one read per distinct window however
// many streams; a window rolling over; a late event's correction; a failed
// read changes nothing; Remove is final; and the fan-out through the
// runtime's hub never waits for a slow stream.

#include "services/metrics/app/kpi_watcher.h"

#include <gtest/gtest.h>

#include "sqms/runtime/fan_out_hub.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/metrics/app/stub_kpi_reader.h"

namespace sqms::metrics::app {
namespace {

using domain::Counter;
using domain::Dimension;
using domain::WindowSize;

// The stub's figures, with revisions, reads counted, and a switch to fail.
class CountingReader final : public ports::KpiReader {
 public:
  absl::StatusOr<std::vector<ports::WindowAggregate>> Read(
      const std::vector<domain::Window>& windows, Dimension dimension, bool drill) override {
    ++reads;
    windows_read += static_cast<int>(windows.size());
    if (fail) return absl::UnavailableError("redis: connection refused");
    auto out = stub.Read(windows, dimension, drill);
    for (size_t i = 0; i < windows.size(); ++i) (*out)[i].revision = revisions[windows[i].start];
    return out;
  }
  testing::StubKpiReader stub;
  std::map<absl::Time, int64_t> revisions;
  int reads = 0, windows_read = 0;
  bool fail = false;
};

class KpiWatcherTest : public ::testing::Test {
 protected:
  KpiWatcherTest() : clock_(absl::FromUnixSeconds(1796191200)) {  // 2026-12-02 14:00 +08
    absl::LoadTimeZone("Asia/Shanghai", &config_.zone);
    config_.grace = absl::Minutes(5);
    queries_ = std::make_unique<KpiQueries>(reader_, clock_, config_);
    watcher_ = std::make_unique<KpiWatcher>(reader_, *queries_, clock_,
                                            [this](const KpiUpdate& u) { changes_.push_back(u); });
  }

  // A stream of answer_rate by day for `unit` of the departments.
  struct Stream {
    std::shared_ptr<WatchTarget> target;
    std::vector<KpiUpdate> snapshot;
    int snapshots = 0;
  };
  std::unique_ptr<Stream> Open(const std::string& unit, int previous = 0) {
    auto spec = CheckWatch({.kpis = {"answer_rate"}, .size = WindowSize::kDay,
                            .dimension = "department", .unit = unit,
                            .previous_windows = previous, .drill = false});
    auto stream = std::make_unique<Stream>();
    stream->target = std::make_shared<WatchTarget>(*spec);
    watcher_->Add(stream->target, [s = stream.get()](const std::vector<KpiUpdate>& snapshot) {
      s->snapshot = snapshot;
      ++s->snapshots;
    });
    return stream;
  }
  domain::Window Day(int days_back = 0) const {
    domain::Window w = domain::WindowOf(clock_.Now(), WindowSize::kDay, config_.zone);
    for (int i = 0; i < days_back; ++i) w = domain::PreviousWindow(w, config_.zone);
    return w;
  }
  // Calls with their outcomes: those not answered were abandoned.
  void Calls(const domain::Window& w, const std::string& unit, int64_t offered, int64_t answered) {
    reader_.stub.Set(w, unit, Counter::kCallsOffered, offered);
    reader_.stub.Set(w, unit, Counter::kCallsAnswered, answered);
    reader_.stub.Set(w, unit, Counter::kCallsAbandoned, offered - answered);
  }

  QueryConfig config_;
  sqms::testing::FakeClock clock_;
  CountingReader reader_;
  std::unique_ptr<KpiQueries> queries_;
  std::unique_ptr<KpiWatcher> watcher_;
  std::vector<KpiUpdate> changes_;
};

TEST_F(KpiWatcherTest, ASnapshotFirstThenEachChangeOnceToTheStreamsThatWantIt) {
  Calls(Day(), "ticketing-center", 10, 9);
  auto ticketing = Open("ticketing-center");
  auto every_unit = Open("");
  ASSERT_TRUE(watcher_->PollOnce().ok());
  ASSERT_EQ(ticketing->snapshots, 1);
  ASSERT_EQ(ticketing->snapshot.size(), 1u);
  EXPECT_TRUE(ticketing->snapshot[0].snapshot);
  EXPECT_EQ(ticketing->snapshot[0].result.value.denominator, 10);
  EXPECT_EQ(ticketing->snapshot[0].result.value.value, 90.0);
  EXPECT_EQ(every_unit->snapshot.size(), 1u);
  EXPECT_TRUE(changes_.empty()) << "new figures nobody had yet go out as snapshots";

  ASSERT_TRUE(watcher_->PollOnce().ok());
  EXPECT_TRUE(changes_.empty()) << "nothing changed";
  EXPECT_EQ(ticketing->snapshots, 1) << "a snapshot once";

  Calls(Day(), "ticketing-center", 11, 10);
  Calls(Day(), "customer-service", 1, 1);
  ASSERT_TRUE(watcher_->PollOnce().ok());
  ASSERT_EQ(changes_.size(), 2u);  // key order: customer-service, ticketing-center
  EXPECT_EQ(changes_[1].result.value.denominator, 11);
  EXPECT_FALSE(changes_[1].snapshot);
  EXPECT_FALSE(changes_[1].correction);
  EXPECT_FALSE(ticketing->target->Wants(changes_[0].key)) << "another unit";
  EXPECT_TRUE(ticketing->target->Wants(changes_[1].key));
  EXPECT_TRUE(every_unit->target->Wants(changes_[0].key));
  EXPECT_TRUE(every_unit->target->Wants(changes_[1].key));
}

TEST_F(KpiWatcherTest, OneReadPerDistinctWindowHoweverManyStreams) {
  std::vector<std::unique_ptr<Stream>> streams;
  for (int i = 0; i < 5; ++i) streams.push_back(Open("ticketing-center", 2));
  ASSERT_TRUE(watcher_->PollOnce().ok());
  EXPECT_EQ(reader_.reads, 1);
  EXPECT_EQ(reader_.windows_read, 3);
  for (auto& s : streams) EXPECT_EQ(s->snapshot.size(), 3u);
}

TEST_F(KpiWatcherTest, AStreamOpenedLaterGetsTheCurrentFiguresNotTheChangeTwice) {
  auto first = Open("ticketing-center");
  ASSERT_TRUE(watcher_->PollOnce().ok());
  Calls(Day(), "ticketing-center", 1, 1);
  auto second = Open("ticketing-center");
  ASSERT_TRUE(watcher_->PollOnce().ok());
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_TRUE(first->target->Wants(changes_[0].key));
  EXPECT_EQ(second->snapshots, 1);
  EXPECT_EQ(second->snapshot[0].result.value.denominator, 1);
  // The change was published before the second stream went live.
  EXPECT_TRUE(second->target->Wants(changes_[0].key)) << "live from now on";
}

TEST_F(KpiWatcherTest, AStreamNotYetSnapshottedWantsNothing) {
  auto stream = Open("ticketing-center");
  const FigureKey key{.kpi = domain::FindKpi("answer_rate"), .size = WindowSize::kDay,
                      .start = Day().start, .dimension = Dimension::kDepartment,
                      .unit = "ticketing-center", .drill = false};
  EXPECT_FALSE(stream->target->Wants(key));
  ASSERT_TRUE(watcher_->PollOnce().ok());
  EXPECT_TRUE(stream->target->Wants(key));
}

TEST_F(KpiWatcherTest, TheWatchMovesOnWithTheClock) {
  auto stream = Open("ticketing-center");
  ASSERT_TRUE(watcher_->PollOnce().ok());
  const domain::Window today = Day();
  clock_.Advance(absl::Hours(10));  // 2026-12-03 00:00 +08
  ASSERT_TRUE(watcher_->PollOnce().ok());
  ASSERT_EQ(changes_.size(), 1u) << "the new day's figure";
  EXPECT_EQ(changes_[0].key.start, today.end);
  EXPECT_TRUE(stream->target->Wants(changes_[0].key));
  EXPECT_FALSE(stream->target->Wants({.kpi = changes_[0].key.kpi, .size = WindowSize::kDay,
                                      .start = today.start, .dimension = Dimension::kDepartment,
                                      .unit = "ticketing-center", .drill = false}))
      << "yesterday is no longer watched";
}

TEST_F(KpiWatcherTest, ALateEventInAClosedWindowIsACorrectionWithItsRevision) {
  Calls(Day(1), "ticketing-center", 4, 3);
  auto stream = Open("ticketing-center", 1);
  ASSERT_TRUE(watcher_->PollOnce().ok());
  ASSERT_EQ(stream->snapshot.size(), 2u);
  EXPECT_TRUE(stream->snapshot[0].result.closed);
  EXPECT_FALSE(stream->snapshot[0].correction);

  Calls(Day(1), "ticketing-center", 4, 4);
  reader_.revisions[Day(1).start] = 1;
  ASSERT_TRUE(watcher_->PollOnce().ok());
  ASSERT_EQ(changes_.size(), 1u);
  EXPECT_TRUE(changes_[0].correction);
  EXPECT_EQ(changes_[0].result.revision, 1);
  EXPECT_EQ(changes_[0].result.value.numerator, 4);
}

// A call still queuing when the day closes: the answer rate's denominator
// becomes every call offered at the close — a change, not a correction.
TEST_F(KpiWatcherTest, TheCloseOfAWindowIsNoCorrectionThoughItsCallRateChanges) {
  const domain::Window today = Day();
  reader_.stub.Set(today, "ticketing-center", Counter::kCallsOffered, 10);
  reader_.stub.Set(today, "ticketing-center", Counter::kCallsAnswered, 9);  // one queuing
  auto stream = Open("ticketing-center", 1);
  ASSERT_TRUE(watcher_->PollOnce().ok());
  ASSERT_FALSE(stream->snapshot.empty());
  EXPECT_EQ(stream->snapshot.back().result.value.denominator, 9);

  clock_.Set(today.end + config_.grace);
  ASSERT_TRUE(watcher_->PollOnce().ok());
  bool closed_seen = false;
  for (const KpiUpdate& u : changes_) {
    if (u.key.start != today.start) continue;
    closed_seen = true;
    EXPECT_TRUE(u.result.closed);
    EXPECT_EQ(u.result.value.denominator, 10);
    EXPECT_FALSE(u.correction);
  }
  EXPECT_TRUE(closed_seen);
}

TEST_F(KpiWatcherTest, AFailedReadChangesAndDeliversNothing) {
  auto stream = Open("ticketing-center");
  reader_.fail = true;
  EXPECT_EQ(watcher_->PollOnce().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(stream->snapshots, 0);
  reader_.fail = false;
  ASSERT_TRUE(watcher_->PollOnce().ok());
  EXPECT_EQ(stream->snapshots, 1);
  Calls(Day(), "ticketing-center", 2, 1);
  reader_.fail = true;
  ASSERT_FALSE(watcher_->PollOnce().ok());
  EXPECT_TRUE(changes_.empty());
  reader_.fail = false;
  ASSERT_TRUE(watcher_->PollOnce().ok());
  EXPECT_EQ(changes_.size(), 1u) << "the change is seen once the store answers";
}

TEST_F(KpiWatcherTest, RemovedStreamsAreNeverCalledAndNothingIsReadWithoutStreams) {
  auto stream = Open("ticketing-center");
  watcher_->Remove(*stream->target);
  EXPECT_EQ(watcher_->streams(), 0);
  ASSERT_TRUE(watcher_->PollOnce().ok());
  EXPECT_EQ(stream->snapshots, 0);
  EXPECT_EQ(reader_.reads, 0);
}

// The fan-out as the server wires it: changes published to the runtime's
// hub, each stream's filter its WatchTarget; a stream whose client does not
// read drops its oldest and holds up no one.
TEST_F(KpiWatcherTest, ChangesFanOutThroughTheHubAndASlowStreamOnlyLosesItsOldest) {
  using Hub = runtime::FanOutHub<KpiUpdate>;
  struct Queue : Hub::Sink {
    explicit Queue(size_t capacity) : queue(capacity) {}
    int Push(const Hub::EventPtr& e) override { return queue.Push(e); }
    runtime::DropOldestQueue<Hub::EventPtr> queue;
  };
  Hub hub;
  watcher_ = std::make_unique<KpiWatcher>(
      reader_, *queries_, clock_,
      [&hub](const KpiUpdate& u) { hub.Publish(std::make_shared<const KpiUpdate>(u)); });
  auto fast = Open("ticketing-center"), slow = Open("ticketing-center");
  Queue fast_queue(100), slow_queue(1);
  hub.Subscribe([t = fast->target](const KpiUpdate& u) { return t->Wants(u.key); }, fast_queue);
  const uint64_t slow_id =
      hub.Subscribe([t = slow->target](const KpiUpdate& u) { return t->Wants(u.key); }, slow_queue);
  ASSERT_TRUE(watcher_->PollOnce().ok());
  for (int i = 1; i <= 3; ++i) {
    Calls(Day(), "ticketing-center", i, i);
    ASSERT_TRUE(watcher_->PollOnce().ok());
  }
  EXPECT_EQ(fast_queue.queue.size(), 3u);
  ASSERT_EQ(slow_queue.queue.size(), 1u);
  EXPECT_EQ((*slow_queue.queue.Pop())->result.value.denominator, 3) << "the newest kept";
  EXPECT_EQ(hub.dropped(slow_id), 2u);
}

}  // namespace
}  // namespace sqms::metrics::app
