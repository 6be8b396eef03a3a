// adapters::KpiProcessor without Redis: records in, the checkpoint's state
// delta out, applied to an in-memory store, then the KPIs computed from it
// as a query would. Covers the first-contact revocation (a correction of a
// closed window), the p90's buckets, the cardinality fold and calls
// counted in the windows of their offer. (OnAssigned reads Redis, so these
// tests start from an empty partition state; the integration tests cover
// loading it.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "prometheus/registry.h"
#include "services/metrics/adapters/kpi_keys.h"
#include "sqms/runtime/checkpoint_store.h"
#include "services/metrics/adapters/kpi_processor.h"
#include "services/metrics/codec/event_codec.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/kpi.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "tests/support/metric_value.h"
#include "tests/unit/metrics/shanghai.h"

namespace sqms::metrics::adapters {
namespace {

namespace ev = ::sqms::events::v1;
using domain::Counter;
using domain::Dimension;
using domain::WindowSize;

constexpr char kTopic[] = "sqms.complaints.v1";
const absl::Time kDay = absl::FromUnixSeconds(1'790'208'000);  // a UTC midnight

// The window hashes as Redis would hold them after the checkpoints.
class Store {
 public:
  void Apply(const runtime::StateDelta& delta) {
    for (const runtime::RedisWrite& w : delta) {
      if (w.command == "HINCRBY") {  // field by [field by ...] (checkpoint_store.h)
        ASSERT_EQ(w.args.size() % 2, 0u);
        for (size_t i = 0; i + 1 < w.args.size(); i += 2) {
          int64_t by = 0;
          ASSERT_TRUE(absl::SimpleAtoi(w.args[i + 1], &by));
          int64_t now = 0;
          (void)absl::SimpleAtoi(hashes_[w.key][w.args[i]], &now);
          hashes_[w.key][w.args[i]] = std::to_string(now + by);
        }
      } else if (w.command == "HADDVECTOR") {  // field delta [field delta ...]
        ASSERT_EQ(w.args.size() % 2, 0u);
        for (size_t i = 0; i + 1 < w.args.size(); i += 2) {
          ASSERT_TRUE(runtime::AddVectorDelta(w.args[i + 1], vectors_[w.key][w.args[i]]).ok());
        }
      } else if (w.command == "HSET") {
        hashes_[w.key][w.args[0]] = w.args[1];
      }
    }
  }
  // A cell's slot (kpi_keys.h) in the window `key`.
  int64_t Slot(const std::string& key, Dimension d, const std::string& unit, int slot) const {
    return SlotValue(key, CellField(d, unit), slot);
  }
  int64_t SlotValue(const std::string& key, const std::string& cell, int slot) const {
    auto h = vectors_.find(key);
    if (h == vectors_.end()) return 0;
    auto f = h->second.find(cell);
    if (f == h->second.end() || static_cast<size_t>(slot) >= f->second.size()) return 0;
    return f->second[slot];
  }
  // "<dimension>|<unit>|<slot name>" → the cell's field and the slot.
  static std::optional<std::pair<std::string, int>> CellSlot(const std::string& field) {
    const size_t last = field.rfind('|');
    if (std::count(field.begin(), field.end(), '|') != 2) return std::nullopt;  // not a slot name
    for (size_t slot = 0; slot < kCellSlotCount; ++slot) {
      if (CellSlotName(slot) == std::string_view(field).substr(last + 1)) {
        return std::pair(field.substr(0, last), static_cast<int>(slot));
      }
    }
    ADD_FAILURE() << "no slot named by " << field;
    return std::nullopt;
  }
  int64_t Events(const std::string& key, Dimension d, const std::string& unit,
                 std::string_view event_type) const {
    for (size_t e = 0; e < domain::kEventTypeCount; ++e) {
      if (domain::EventTypeNameAt(e) == event_type) return Slot(key, d, unit, EventTypeSlot(e));
    }
    ADD_FAILURE() << "no event type " << event_type;
    return 0;
  }
  // A window-level field ("_late"), or a cell's slot by the name it had as
  // a field of its own: "<dimension>|<unit>|<counter or #event type>".
  int64_t Field(const std::string& key, const std::string& field) const {
    if (auto slot = CellSlot(field)) return SlotValue(key, slot->first, slot->second);
    auto h = hashes_.find(key);
    if (h == hashes_.end()) return 0;
    auto f = h->second.find(field);
    int64_t v = 0;
    return f != h->second.end() && absl::SimpleAtoi(f->second, &v) ? v : 0;
  }
  // Whether the field, or the cell a slot name belongs to, was written.
  bool Has(const std::string& key, const std::string& field) const {
    if (auto slot = CellSlot(field)) {
      auto h = vectors_.find(key);
      return h != vectors_.end() && h->second.contains(slot->first);
    }
    auto h = hashes_.find(key);
    return h != hashes_.end() && h->second.contains(field);
  }
  // The counters of the window of `size` (by default the day) at `at`.
  domain::CounterValues Counters(absl::Time at, Dimension d, const std::string& unit,
                                 WindowSize size = WindowSize::kDay) const {
    domain::CounterValues out{};
    const std::string key =
        WindowKey(domain::WindowOf(at, size, absl::UTCTimeZone()), false);
    for (int c = 0; c < domain::kCounterCount; ++c) {
      out[c] = Slot(key, d, unit, CounterSlot(static_cast<Counter>(c)));
    }
    return out;
  }
  static std::string DayKey(absl::Time at) {
    return WindowKey(domain::WindowOf(at, WindowSize::kDay, absl::UTCTimeZone()), false);
  }

 private:
  std::map<std::string, std::map<std::string, std::string>> hashes_;
  std::map<std::string, std::map<std::string, std::vector<int64_t>>> vectors_;
};

domain::KpiValue Kpi(const Store& store, std::string_view name, absl::Time day,
                     Dimension d = Dimension::kTotal, const std::string& unit = "all") {
  return domain::Compute(*domain::FindKpi(name), store.Counters(day, d, unit));
}

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  out->set_seconds(absl::ToUnixSeconds(t));
}

struct Change {
  std::string complaint = "c-1";
  ev::ComplaintEventType type = ev::COMPLAINT_EVENT_TYPE_RESOLVED;
  absl::Time at = {};
  absl::Time received = {};
  int reopen_count = 0;
  std::optional<absl::Time> resolved_at = std::nullopt;
  std::string station = "";
  std::string duplicate_of = "";
};

// Complaint `id` received (submitted) at `at`, a linked duplicate of
// `duplicate_of` unless that is empty.
Change Submitted(const std::string& id, absl::Time at, const std::string& duplicate_of = "") {
  Change c;
  c.complaint = id;
  c.type = ev::COMPLAINT_EVENT_TYPE_SUBMITTED;
  c.at = at;
  c.received = at;
  c.duplicate_of = duplicate_of;
  return c;
}

// The resolution at `at` of complaint `id` received at `received`, after
// `reopens` reopens.
Change Resolved(const std::string& id, absl::Time at, absl::Time received,
                const std::string& duplicate_of = "", int reopens = 0) {
  Change c;
  c.complaint = id;
  c.at = at;
  c.received = received;
  c.reopen_count = reopens;
  c.duplicate_of = duplicate_of;
  return c;
}

runtime::ConsumedRecord Record(const Change& change, int64_t offset) {
  ev::ComplaintEvent e;
  e.set_event_id(change.complaint + "-" + std::to_string(offset));
  e.set_type(change.type);
  SetTime(change.at, e.mutable_occurred_at());
  auto* c = e.mutable_complaint();
  c->set_id(change.complaint);
  c->set_department("ticketing-center");
  c->mutable_location()->set_station(change.station);
  SetTime(change.received, c->mutable_received_at());
  c->set_reopen_count(change.reopen_count);
  c->set_duplicate_of(change.duplicate_of);
  if (change.resolved_at) SetTime(*change.resolved_at, c->mutable_resolution()->mutable_resolved_at());
  runtime::ConsumedRecord r;
  r.topic = kTopic;
  r.partition = 0;
  r.offset = offset;
  r.key = change.complaint;
  r.value = e.SerializeAsString();
  return r;
}

class KpiProcessorTest : public ::testing::Test {
 protected:
  KpiProcessorTest() : redis_(Unreachable()) {}

  static runtime::RedisOptions Unreachable() {
    runtime::RedisOptions o;
    o.port = 1;  // never connected: Process and TakeDelta do no I/O
    return o;
  }

  KpiProcessor& Processor(domain::CardinalityLimits limits = {},
                          domain::WindowDimensions kept = {},
                          absl::TimeZone zone = absl::UTCTimeZone(),
                          std::vector<domain::DayBand> bands = {}) {
    KpiProcessorOptions options;
    options.window_dimensions = kept;
    options.complaints_topic = kTopic;
    options.zone = zone;
    options.bands = std::move(bands);
    options.departments = {"ticketing-center"};
    options.cardinality = limits;
    options.metrics = &registry_;
    processor_ = std::make_unique<KpiProcessor>(redis_, std::move(options));
    return *processor_;
  }

  // The same records as one delta and one delta each, in `zone`, from `base`.
  void ExpectABatchAddsUpToItsRecordsOneByOne(const char* zone_name, absl::Time base);

  // Processes `changes` and writes them as one checkpoint.
  void Checkpoint(const std::vector<Change>& changes) {
    for (const Change& change : changes) {
      ASSERT_TRUE(processor_->Process(Record(change, offset_++), absl::NotFoundError("")).ok());
    }
    store_.Apply(processor_->TakeDelta());
    processor_->OnCheckpointWritten();
  }

  runtime::RedisClient redis_;
  prometheus::Registry registry_;
  std::unique_ptr<KpiProcessor> processor_;
  Store store_;
  int64_t offset_ = 0;
};

// Every write of a delta, summed per key and field (HINCRBY), or the last
// value (HSET, EXPIREAT).
std::map<std::pair<std::string, std::string>, int64_t> Totals(
    const std::vector<runtime::StateDelta>& deltas) {
  std::map<std::pair<std::string, std::string>, int64_t> out;
  for (const runtime::StateDelta& delta : deltas) {
    for (const runtime::RedisWrite& w : delta) {
      if (w.command == "HINCRBY") {
        for (size_t i = 0; i + 1 < w.args.size(); i += 2) {
          int64_t by = 0;
          EXPECT_TRUE(absl::SimpleAtoi(w.args[i + 1], &by)) << w.args[i + 1];
          out[{w.key, w.args[i]}] += by;
        }
      } else if (w.command == "HADDVECTOR") {  // per slot: "<cell>|<slot name>"
        for (size_t i = 0; i + 1 < w.args.size(); i += 2) {
          std::vector<int64_t> values;
          EXPECT_TRUE(runtime::AddVectorDelta(w.args[i + 1], values).ok());
          for (size_t slot = 0; slot < values.size(); ++slot) {
            if (values[slot] == 0) continue;
            out[{w.key, w.args[i] + "|" + std::string(CellSlotName(slot))}] += values[slot];
          }
        }
      } else if (w.command == "EXPIREAT") {
        int64_t at = 0;
        EXPECT_TRUE(absl::SimpleAtoi(w.args[0], &at));
        out[{w.key, "EXPIREAT"}] = at;
      } else if (w.command == "HSET") {
        int64_t v = 0;
        out[{w.key, w.args[0]}] = absl::SimpleAtoi(w.args[1], &v) ? v : -1;
      }
    }
  }
  return out;
}

// The roll-up sums a batch's grains through the window sizes (hours into
// days, days into weeks and months, months into quarters:
// cell_roll_up.h); one record per delta sums each grain on its own. Both
// must write the same: over two days from `base`, across a clock change in
// the zones that have one, with every size keeping every dimension, with
// minutes keeping only the shipped three, and with minutes keeping none of
// the complaints' dimensions.
void KpiProcessorTest::ExpectABatchAddsUpToItsRecordsOneByOne(const char* zone_name,
                                                              absl::Time base) {
  SCOPED_TRACE(zone_name);
  absl::TimeZone zone;
  ASSERT_TRUE(absl::LoadTimeZone(zone_name, &zone));
  const ev::ComplaintEventType types[] = {
      ev::COMPLAINT_EVENT_TYPE_SUBMITTED, ev::COMPLAINT_EVENT_TYPE_RESOLVED,
      ev::COMPLAINT_EVENT_TYPE_REPLIED,   ev::COMPLAINT_EVENT_TYPE_CLOSED,
      ev::COMPLAINT_EVENT_TYPE_REOPENED,  ev::COMPLAINT_EVENT_TYPE_SLA_BREACHED};
  const char* stations[] = {"北京南站", "上海虹桥站", "", "雄安站"};
  std::vector<Change> changes;
  for (int i = 0; i < 600; ++i) {
    Change c;
    c.complaint = "c-" + std::to_string(i % 37);
    c.type = types[i % 6];
    // Mostly forward over two days, every 50th two days back (late).
    c.at = i % 50 == 49 ? base - absl::Hours(48) + absl::Seconds(i) : base + absl::Seconds(i * 293);
    c.received = c.at - absl::Hours(i % 5);
    c.reopen_count = c.type == ev::COMPLAINT_EVENT_TYPE_REOPENED ? 1 : 0;
    if (c.type == ev::COMPLAINT_EVENT_TYPE_REOPENED) c.resolved_at = c.at - absl::Hours(30);
    c.station = stations[i % 4];
    changes.push_back(c);
  }
  domain::WindowDimensions shipped;
  const Dimension minute_keeps[] = {Dimension::kTotal, Dimension::kDepartment, Dimension::kChannel};
  shipped.KeepOnly(WindowSize::kMinute, minute_keeps);
  // Minutes keep a dimension complaints never have: no minute cell at all,
  // yet each minute window touched still gets its expiry.
  domain::WindowDimensions plan_only;
  const Dimension plan[] = {Dimension::kPlan};
  plan_only.KeepOnly(WindowSize::kMinute, plan);
  // Bands by local time, so a clock change moves events between them.
  const std::vector<domain::DayBand> bands = {{"night", 22 * 60, 6 * 60}, {"day", 6 * 60, 22 * 60}};
  for (const domain::WindowDimensions& kept : {domain::WindowDimensions(), shipped, plan_only}) {
    KpiProcessor& batched = Processor({}, kept, zone, bands);
    std::vector<runtime::StateDelta> one;
    for (size_t i = 0; i < changes.size(); ++i) {
      ASSERT_TRUE(batched.Process(Record(changes[i], static_cast<int64_t>(i)),
                                  absl::NotFoundError("")).ok());
    }
    one.push_back(batched.TakeDelta());

    KpiProcessorOptions options;
    options.complaints_topic = kTopic;
    options.zone = zone;
    options.window_dimensions = kept;
    options.bands = bands;
    KpiProcessor alone(redis_, std::move(options));
    std::vector<runtime::StateDelta> each;
    for (size_t i = 0; i < changes.size(); ++i) {
      ASSERT_TRUE(alone.Process(Record(changes[i], static_cast<int64_t>(i)),
                                absl::NotFoundError("")).ok());
      each.push_back(alone.TakeDelta());
    }
    auto batched_totals = Totals(one);
    auto each_totals = Totals(each);
    // A window's revision counts checkpoints that corrected it: not additive.
    std::erase_if(batched_totals, [](const auto& e) { return e.first.second == kRevisionField; });
    std::erase_if(each_totals, [](const auto& e) { return e.first.second == kRevisionField; });
    EXPECT_GT(batched_totals.size(), 1000u);
    const std::string late_day =
        WindowKey(domain::WindowOf(base - absl::Hours(48), WindowSize::kDay, zone), false);
    EXPECT_GT(batched_totals.count({late_day, std::string(kLateField)}), 0u);
    EXPECT_EQ(batched_totals, each_totals);

    // And each cell holds the events domain::CellsOf files in it — its
    // window found directly by WindowOf, not through the smaller sizes —
    // and each window an event falls in expires.
    std::map<std::pair<std::string, std::string>, int64_t> expected, written;
    for (size_t i = 0; i < changes.size(); ++i) {
      auto events = codec::DecodeComplaintEvent(Record(changes[i], static_cast<int64_t>(i)).value);
      ASSERT_TRUE(events.ok()) << events.status();
      for (const domain::Event& e : *events) {
        for (const domain::Cell& cell :
             domain::CellsOf(e, domain::AllWindowSizes(), bands, zone)) {
          const std::string key = WindowKey(cell.window, false);
          EXPECT_EQ(batched_totals.count({key, "EXPIREAT"}), 1u) << key;
          if (!kept.Keeps(cell.window.size, cell.dimension)) continue;
          expected[{key, CellField(cell.dimension, cell.value)}] += 1;
        }
      }
    }
    for (const auto& [key_field, value] : batched_totals) {
      const size_t event_type = key_field.second.rfind("|#");  // "<cell>|#<event type>"
      if (event_type == std::string::npos) continue;
      written[{key_field.first, key_field.second.substr(0, event_type)}] += value;
    }
    EXPECT_EQ(written, expected);
  }
}

TEST_F(KpiProcessorTest, ADeltaOfManyRecordsAddsUpToTheirDeltasOneByOne) {
  ExpectABatchAddsUpToItsRecordsOneByOne("UTC", kDay);
  // Back an hour on 2026-10-25 at 01:00 UTC.
  ExpectABatchAddsUpToItsRecordsOneByOne("Europe/Berlin", absl::FromUnixSeconds(1'792'800'000));
  // Back half an hour on 2026-04-04 at 15:00 UTC.
  ExpectABatchAddsUpToItsRecordsOneByOne("Australia/Lord_Howe",
                                         absl::FromUnixSeconds(1'775'217'600));
  // Back from midnight to 23:00 on 2026-04-05 at 03:00 UTC.
  ExpectABatchAddsUpToItsRecordsOneByOne("America/Santiago",
                                         absl::FromUnixSeconds(1'775'260'800));
}

TEST_F(KpiProcessorTest, AReopenTwoDaysLaterRevokesTheFirstContactResolutionOfItsWindow) {
  Processor();
  const absl::Time resolved = kDay + absl::Hours(10);   // window W
  const absl::Time reopened = kDay + absl::Hours(57);   // W + 2, 09:00
  Checkpoint({{.complaint = "c-1", .at = resolved, .received = kDay + absl::Hours(8)},
              {.complaint = "c-2", .at = resolved + absl::Hours(1), .received = kDay}});
  EXPECT_THAT(Kpi(store_, "first_contact_resolution", kDay).value, ::testing::Optional(100.0));
  EXPECT_EQ(store_.Field(Store::DayKey(kDay), std::string(kRevisionField)), 0);

  Checkpoint({{.complaint = "c-1", .type = ev::COMPLAINT_EVENT_TYPE_REOPENED, .at = reopened,
               .received = kDay + absl::Hours(8), .reopen_count = 1, .resolved_at = resolved}});
  const domain::KpiValue w = Kpi(store_, "first_contact_resolution", kDay);
  EXPECT_THAT(w.value, ::testing::Optional(50.0)) << "1 of its 2 first resolutions revoked";
  EXPECT_EQ(w.denominator, 2);
  EXPECT_EQ(store_.Field(Store::DayKey(kDay), std::string(kRevisionField)), 1)
      << "a correction of a closed window raises its revision like a late event";
  EXPECT_EQ(store_.Events(Store::DayKey(kDay), Dimension::kDepartment, "ticketing-center",
                          "complaint_resolution_revoked"),
            1);
  EXPECT_EQ(store_.Field(Store::DayKey(kDay), std::string(kLateField)), 2)
      << "the revocation and the reopen itself, both dated at the resolution";
  // The reopen counts in the reopen rate of its resolution's day too (the
  // rate's cohort, docs/kpis.md), and nothing where it happened.
  const domain::KpiValue rate = Kpi(store_, "reopen_rate", kDay);
  EXPECT_EQ(rate.numerator, 1);
  EXPECT_EQ(rate.denominator, 2);
  EXPECT_EQ(Kpi(store_, "reopen_rate", reopened).numerator, 0);
  EXPECT_EQ(store_.Counters(reopened, Dimension::kTotal, "all")[static_cast<int>(
                Counter::kFirstResolutionsRevoked)],
            0);
  EXPECT_FALSE(store_.Has(Store::DayKey(reopened), std::string(kRevisionField)));
}

// Reopen rate and follow-up coverage divide by a window's resolutions, and
// count their numerators there: two complaints resolved on one day and
// reopened two days later (one by its unsatisfied follow-up), when a third
// is resolved, read 2 of 2 on the first day and 0 of 1 on the later one —
// not 200 % there, as they did when a reopen counted on its own day.
TEST_F(KpiProcessorTest, ReopenRateAndFollowUpCoverageCountTheResolutionsOfTheirWindow) {
  Processor();
  const absl::Time resolved = kDay + absl::Hours(10);
  const absl::Time later = kDay + absl::Hours(57);
  Checkpoint({Resolved("c-1", resolved, kDay), Resolved("c-2", resolved, kDay)});
  Change reopen1{.complaint = "c-1",
                 .type = ev::COMPLAINT_EVENT_TYPE_REOPENED,
                 .at = later,
                 .received = kDay,
                 .reopen_count = 1,
                 .resolved_at = resolved};
  Change reopen2 = reopen1;
  reopen2.complaint = "c-2";
  // c-2's follow-up found the customer unsatisfied, which reopened it.
  Change follow_up{.complaint = "c-2",
                   .type = ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP,
                   .at = later,
                   .received = kDay,
                   .resolved_at = resolved};
  Checkpoint({reopen1, reopen2, follow_up, Resolved("c-3", later, later - absl::Hours(2))});

  const domain::KpiValue first_day = Kpi(store_, "reopen_rate", kDay);
  EXPECT_EQ(first_day.numerator, 2);
  EXPECT_EQ(first_day.denominator, 2);
  EXPECT_THAT(first_day.value, ::testing::Optional(100.0));
  const domain::KpiValue later_day = Kpi(store_, "reopen_rate", later);
  EXPECT_EQ(later_day.numerator, 0);
  EXPECT_EQ(later_day.denominator, 1);
  EXPECT_THAT(later_day.value, ::testing::Optional(0.0));

  EXPECT_THAT(Kpi(store_, "follow_up_coverage", kDay).value, ::testing::Optional(50.0));
  EXPECT_THAT(Kpi(store_, "follow_up_coverage", later).value, ::testing::Optional(0.0));
}

// Without a resolution time no later than itself, a follow-up or reopen
// is in no known cohort and counts where it happened, as before.
TEST_F(KpiProcessorTest, AFollowUpWithoutAKnownResolutionCountsOnItsOwnDay) {
  Processor();
  const absl::Time at = kDay + absl::Hours(57);
  Checkpoint({{.complaint = "c-5",
               .type = ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP,
               .at = at,
               .received = kDay,
               .resolved_at = std::nullopt},
              {.complaint = "c-6",
               .type = ev::COMPLAINT_EVENT_TYPE_FOLLOWED_UP,
               .at = at,
               .received = kDay,
               .resolved_at = at + absl::Hours(1)}});
  EXPECT_EQ(Kpi(store_, "follow_up_coverage", at).numerator, 2);
  EXPECT_EQ(Kpi(store_, "follow_up_coverage", kDay).numerator, 0);
}

TEST_F(KpiProcessorTest, AReopenOfAComplaintNeverResolvedInAKnownWindowCountsNothing) {
  Processor();
  const absl::Time reopened = kDay + absl::Hours(57);
  Checkpoint({{.complaint = "c-9", .type = ev::COMPLAINT_EVENT_TYPE_REOPENED, .at = reopened,
               .received = kDay, .reopen_count = 1, .resolved_at = std::nullopt},
              // A second reopen: its resolution was not a first one.
              {.complaint = "c-8", .type = ev::COMPLAINT_EVENT_TYPE_REOPENED, .at = reopened,
               .received = kDay, .reopen_count = 2, .resolved_at = kDay + absl::Hours(10)}});
  // Each still counts as a reopen: c-9 where it happened (no resolution
  // time), c-8 in its resolution's day.
  EXPECT_EQ(Kpi(store_, "reopen_rate", reopened).numerator, 1);
  EXPECT_EQ(Kpi(store_, "reopen_rate", kDay).numerator, 1);
  for (absl::Time day : {kDay, reopened}) {
    EXPECT_EQ(store_.Counters(day, Dimension::kTotal, "all")[static_cast<int>(
                  Counter::kFirstResolutionsRevoked)],
              0);
  }
  EXPECT_EQ(Kpi(store_, "first_contact_resolution", kDay).value, std::nullopt);
}

// The handling rate is a cohort (kpi.cc): a minute's figure is the share of
// the complaints received in it that have been handled so far, however
// many older complaints are resolved in it.
TEST_F(KpiProcessorTest, AMinutesHandlingRateReadsTheComplaintsReceivedInIt) {
  Processor();
  const absl::Time m = kDay + absl::Hours(9);  // minute M, 09:00
  const absl::Time m1 = m + absl::Minutes(1);  // minute M + 1
  Checkpoint({Submitted("a", m), Submitted("b", m + absl::Seconds(10)),
              Submitted("c", m + absl::Seconds(20)), Submitted("d", m1),
              Resolved("a", m1 + absl::Seconds(5), m), Resolved("b", m1 + absl::Seconds(6), m),
              Resolved("c", m1 + absl::Seconds(7), m)});
  auto rate = [&](absl::Time at) {
    return domain::Compute(*domain::FindKpi("handling_rate"),
                           store_.Counters(at, Dimension::kTotal, "all", WindowSize::kMinute));
  };
  // M + 1 has 1 new complaint and 3 resolutions of M's: it reads its own
  // cohort (0 of 1 handled), never 300 %.
  const domain::KpiValue later = rate(m1);
  EXPECT_THAT(later.value, ::testing::Optional(0.0));
  EXPECT_EQ(later.numerator, 0);
  EXPECT_EQ(later.denominator, 1);
  // M's three complaints, resolved in M + 1, count handled in M.
  const domain::KpiValue first = rate(m);
  EXPECT_THAT(first.value, ::testing::Optional(100.0));
  EXPECT_EQ(first.numerator, 3);
  EXPECT_EQ(first.denominator, 3);
  EXPECT_EQ(store_.Field(WindowKey(domain::WindowOf(m, WindowSize::kMinute, absl::UTCTimeZone()),
                                   false),
                         "total|all|#complaint_handled"),
            3);
}

// Linked duplicates are not counted twice (requirements §1): neither among
// the complaints received nor among those handled — the report's day, C2 a
// duplicate of C1, read 2 / 4 where complaint_volume read 3.
TEST_F(KpiProcessorTest, LinkedDuplicatesAreLeftOutOfTheHandlingRate) {
  Processor();
  const absl::Time day = kDay + absl::Hours(8);
  Checkpoint({Submitted("C1", day), Submitted("C2", day + absl::Minutes(5), "C1"),
              Submitted("C3", day + absl::Minutes(10)), Submitted("C4", day + absl::Minutes(15)),
              Resolved("C1", day + absl::Hours(2), day),
              Resolved("C3", day + absl::Hours(3), day + absl::Minutes(10))});
  domain::KpiValue v = Kpi(store_, "handling_rate", kDay);
  EXPECT_THAT(v.value, ::testing::Optional(::testing::DoubleNear(100.0 * 2 / 3, 1e-9)));
  EXPECT_EQ(v.denominator, Kpi(store_, "complaint_volume", kDay).numerator);
  // The duplicate's resolution changes nothing.
  Checkpoint({Resolved("C2", day + absl::Hours(4), day + absl::Minutes(5), "C1")});
  v = Kpi(store_, "handling_rate", kDay);
  EXPECT_EQ(v.numerator, 2);
  EXPECT_EQ(v.denominator, 3);
  // Nor does a re-resolution after a reopen: C1 is handled once.
  Checkpoint({Resolved("C1", day + absl::Hours(5), day, "", 1)});
  EXPECT_EQ(Kpi(store_, "handling_rate", kDay).numerator, 2);
}

// Complaints received late in a day and resolved days later count in the
// day they were received, as a correction of that closed window; the day of
// the resolution is not inflated.
TEST_F(KpiProcessorTest, ALaterResolutionCorrectsTheClosedWindowOfTheReceipt) {
  Processor();
  const absl::Time received = kDay + absl::Hours(23);
  const absl::Time resolved = kDay + absl::Hours(50);  // two days later
  Checkpoint({Submitted("late-1", received), Submitted("late-2", received + absl::Minutes(1)),
              Submitted("next-1", resolved - absl::Hours(1))});
  EXPECT_THAT(Kpi(store_, "handling_rate", kDay).value, ::testing::Optional(0.0));
  EXPECT_EQ(store_.Field(Store::DayKey(kDay), std::string(kRevisionField)), 0);

  Checkpoint({Resolved("late-1", resolved, received)});
  const domain::KpiValue day = Kpi(store_, "handling_rate", kDay);
  EXPECT_THAT(day.value, ::testing::Optional(50.0));
  EXPECT_EQ(store_.Field(Store::DayKey(kDay), std::string(kRevisionField)), 1)
      << "a correction of a closed window raises its revision like a late event";
  EXPECT_EQ(store_.Field(Store::DayKey(kDay), std::string(kLateField)), 1);
  const domain::KpiValue later = Kpi(store_, "handling_rate", resolved);
  EXPECT_THAT(later.value, ::testing::Optional(0.0)) << "its own complaint is not handled";
  EXPECT_EQ(later.denominator, 1);
}

TEST_F(KpiProcessorTest, ResolutionSecondsFillTheBucketsThatP90Reads) {
  Processor();
  // Resolved 10 min, 20 min, 20 min and 3 h after receipt.
  std::vector<Change> changes;
  int i = 0;
  for (absl::Duration took : {absl::Minutes(10), absl::Minutes(20), absl::Minutes(20),
                              absl::Hours(3)}) {
    const absl::Time at = kDay + absl::Hours(12);
    changes.push_back({.complaint = "p-" + std::to_string(i++), .at = at, .received = at - took});
  }
  Checkpoint(changes);
  const std::string key = Store::DayKey(kDay);
  EXPECT_EQ(store_.Field(key, "total|all|resolution_bucket_900"), 1);
  EXPECT_EQ(store_.Field(key, "total|all|resolution_bucket_1800"), 2);
  EXPECT_EQ(store_.Field(key, "total|all|resolution_bucket_14400"), 1);
  // n = 4, rank 3.6: 3 in the first two buckets → (2 h, 4 h]:
  // 7200 + 7200 × 0.6 = 11520 s.
  const domain::KpiValue p90 = Kpi(store_, "p90_resolution_time", kDay);
  EXPECT_THAT(p90.value, ::testing::Optional(::testing::DoubleNear(11'520.0, 1e-6)));
  EXPECT_EQ(p90.denominator, 4);
  // The buckets are not exported per department to Prometheus.
  EXPECT_EQ(sqms::testing::MetricValue(registry_, "sqms_kpi_counter_total",
                                       {{"counter", "resolution_bucket_900"}}),
            0);
  EXPECT_EQ(sqms::testing::MetricValue(registry_, "sqms_kpi_counter_total",
                                       {{"counter", "first_resolutions"}}),
            4);
}

TEST_F(KpiProcessorTest, AWindowSizeIsWrittenOnlyByTheDimensionsItKeeps) {
  domain::WindowDimensions kept;
  kept.KeepOnly(WindowSize::kMinute, std::vector{Dimension::kTotal, Dimension::kDepartment});
  Processor({}, kept);
  const absl::Time at = kDay + absl::Hours(12);
  Checkpoint({{.complaint = "k-1", .at = at, .received = at - absl::Minutes(5),
               .station = "beijing-south"}});
  auto key = [&](WindowSize size) {
    return WindowKey(domain::WindowOf(at, size, absl::UTCTimeZone()), false);
  };
  const std::string resolutions(domain::CounterName(Counter::kResolutions));
  EXPECT_EQ(store_.Field(key(WindowSize::kMinute), "total|all|" + resolutions), 1);
  EXPECT_EQ(store_.Field(key(WindowSize::kMinute), "department|ticketing-center|" + resolutions),
            1);
  EXPECT_FALSE(store_.Has(key(WindowSize::kMinute), "station|beijing-south|" + resolutions))
      << "minute windows do not keep stations";
  EXPECT_FALSE(store_.Has(key(WindowSize::kMinute), "station|beijing-south|#complaint_resolved"));
  EXPECT_EQ(store_.Field(key(WindowSize::kHour), "station|beijing-south|#complaint_resolved"), 1)
      << "an event type is counted by its name";
  for (WindowSize size : {WindowSize::kHour, WindowSize::kDay, WindowSize::kQuarter}) {
    EXPECT_EQ(store_.Field(key(size), "station|beijing-south|" + resolutions), 1)
        << domain::WindowSizeName(size) << " keeps every dimension";
  }
}

TEST_F(KpiProcessorTest, ValuesBeyondTheLimitFoldIntoOtherAndAreCounted) {
  domain::CardinalityLimits limits;
  limits[Dimension::kStation] = 2;
  Processor(limits);
  for (Dimension d : domain::FoldableDimensions()) {
    EXPECT_EQ(sqms::testing::MetricValue(registry_, "sqms_metrics_dimension_values_folded_total",
                                         {{"dimension", std::string(domain::DimensionName(d))}}),
              0)
        << "present at 0 from start-up: " << domain::DimensionName(d);
  }
  std::vector<Change> changes;
  for (const char* station : {"a", "b", "c", "a", "d", ""}) {
    changes.push_back({.complaint = std::string("s-") + station,
                       .type = ev::COMPLAINT_EVENT_TYPE_SUBMITTED,
                       .at = kDay + absl::Hours(9),
                       .received = kDay + absl::Hours(9),
                       .station = station});
  }
  Checkpoint(changes);
  auto volume = [&](const std::string& unit) {
    return Kpi(store_, "complaint_volume", kDay, Dimension::kStation, unit).numerator;
  };
  EXPECT_EQ(volume("a"), 2);
  EXPECT_EQ(volume("b"), 1);
  EXPECT_EQ(volume("other"), 2) << "c and d";
  EXPECT_EQ(volume("unknown"), 1) << "not given: never folded";
  EXPECT_EQ(volume("c"), 0);
  EXPECT_EQ(Kpi(store_, "complaint_volume", kDay).numerator, 6) << "the total is unchanged";
  EXPECT_EQ(sqms::testing::MetricValue(registry_, "sqms_metrics_dimension_values_folded_total",
                                       {{"dimension", "station"}}),
            2);
  // The admitted set is written with the counts it decided.
  const std::string units = AdmittedUnitsKey(kTopic, 0);
  EXPECT_TRUE(store_.Has(units, "station|a"));
  EXPECT_TRUE(store_.Has(units, "station|b"));
  EXPECT_FALSE(store_.Has(units, "station|c"));
  EXPECT_TRUE(store_.Has(units, "department|ticketing-center"));
}

// A drill's made-up agents must not use up the official limit: the real
// agent after them keeps a unit of its own. The drill's fold against sets
// of their own (bounded like the official ones), not counted as folds.
TEST_F(KpiProcessorTest, DrillValuesFoldApartAndNeverUseUpTheOfficialLimit) {
  domain::CardinalityLimits limits;
  limits[Dimension::kAgent] = 2;
  Processor(limits);
  auto offered = [&](const std::string& agent, bool drill) {
    ev::ContactEvent e;
    e.set_event_id("call-" + agent);
    e.set_contact_id("call-" + agent);
    SetTime(kDay + absl::Hours(9), e.mutable_occurred_at());
    e.set_department("ticketing-center");
    e.set_agent(agent);
    e.set_drill(drill);
    e.mutable_call_offered();
    runtime::ConsumedRecord r;
    r.topic = "sqms.contact.v1";
    r.offset = offset_++;
    r.key = e.contact_id();
    r.value = e.SerializeAsString();
    ASSERT_TRUE(processor_->Process(r, absl::NotFoundError("")).ok());
  };
  for (const char* agent : {"drill-1", "drill-2", "drill-3"}) offered(agent, true);
  offered("real", false);
  store_.Apply(processor_->TakeDelta());
  processor_->OnCheckpointWritten();
  const int offers = CounterSlot(Counter::kCallsOffered);
  EXPECT_EQ(store_.Slot(Store::DayKey(kDay), Dimension::kAgent, "real", offers), 1);
  EXPECT_EQ(store_.Slot(Store::DayKey(kDay), Dimension::kAgent, "other", offers), 0);
  const std::string drill_day =
      WindowKey(domain::WindowOf(kDay, WindowSize::kDay, absl::UTCTimeZone()), true);
  EXPECT_EQ(store_.Slot(drill_day, Dimension::kAgent, "drill-1", offers), 1);
  EXPECT_EQ(store_.Slot(drill_day, Dimension::kAgent, "other", offers), 1) << "drill-3";
  EXPECT_EQ(store_.Slot(drill_day, Dimension::kAgent, "drill-3", offers), 0);
  EXPECT_EQ(sqms::testing::MetricValue(registry_, "sqms_metrics_dimension_values_folded_total",
                                       {{"dimension", "agent"}}),
            0);
  EXPECT_FALSE(store_.Has(AdmittedUnitsKey("sqms.contact.v1", 0), "agent|drill-1"));
  EXPECT_TRUE(store_.Has(AdmittedUnitsKey("sqms.contact.v1#drill", 0), "agent|drill-1"));
}

TEST_F(KpiProcessorTest, FoldsOfADeltaNeverWrittenAreNotExported) {
  domain::CardinalityLimits limits;
  limits[Dimension::kStation] = 1;
  Processor(limits);
  for (const char* station : {"a", "b"}) {
    ASSERT_TRUE(processor_
                    ->Process(Record({.type = ev::COMPLAINT_EVENT_TYPE_SUBMITTED,
                                      .at = kDay, .received = kDay, .station = station},
                                     offset_++),
                              absl::NotFoundError(""))
                    .ok());
  }
  (void)processor_->TakeDelta();
  processor_->OnFenced(absl::AbortedError("fenced"));
  EXPECT_EQ(sqms::testing::MetricValue(registry_, "sqms_metrics_dimension_values_folded_total",
                                       {{"dimension", "station"}}),
            0);
}

TEST_F(KpiProcessorTest, AContactOutageCountsInEveryDayItSpanned) {
  // Ended at 01:00 UTC after two hours: an hour in each day, each hour's
  // seconds in its hour window.
  Processor();
  ev::ContactEvent e;
  e.set_event_id("outage-1");
  const absl::Time end = kDay + absl::Hours(25);
  SetTime(end, e.mutable_occurred_at());
  e.set_department("network-operations");
  e.mutable_outage_ended()->set_platform(ev::PLATFORM_CALL_PLATFORM);
  e.mutable_outage_ended()->set_outage_seconds(7200);
  runtime::ConsumedRecord r;
  r.topic = "sqms.contact.v1";
  r.value = e.SerializeAsString();
  ASSERT_TRUE(processor_->Process(r, absl::NotFoundError("")).ok());
  store_.Apply(processor_->TakeDelta());
  const int outage = CounterSlot(Counter::kOutageSeconds);
  EXPECT_EQ(store_.Slot(Store::DayKey(kDay), Dimension::kTotal, "all", outage), 3600);
  EXPECT_EQ(store_.Slot(Store::DayKey(end), Dimension::kTotal, "all", outage), 3600);
  const auto hour_key = [](absl::Time at) {
    return WindowKey(domain::WindowOf(at, WindowSize::kHour, absl::UTCTimeZone()), false);
  };
  EXPECT_EQ(store_.Slot(hour_key(end - absl::Hours(2)), Dimension::kTotal, "all", outage), 3600);
  EXPECT_EQ(store_.Slot(hour_key(end - absl::Hours(1)), Dimension::kTotal, "all", outage), 3600);
}

// Calls: a call's answer and abandonment count in the windows of the
// call's offer (domain/counted_at.h), in Asia/Shanghai as shipped.
class KpiProcessorCallTest : public KpiProcessorTest {
 protected:
  KpiProcessorCallTest() { Processor({}, {}, testing::Shanghai()); }

  static ev::ContactEvent Call(const std::string& id, absl::Time at) {
    ev::ContactEvent e;
    e.set_event_id(absl::StrCat(id, "@", absl::ToUnixSeconds(at)));
    e.set_contact_id(id);
    e.set_department("luggage-services");
    e.set_channel("hotline");
    SetTime(at, e.mutable_occurred_at());
    return e;
  }
  static ev::ContactEvent Offered(const std::string& id, absl::Time at) {
    ev::ContactEvent e = Call(id, at);
    e.mutable_call_offered();
    return e;
  }
  static ev::ContactEvent Answered(const std::string& id, absl::Time at, int64_t wait) {
    ev::ContactEvent e = Call(id, at);
    e.mutable_call_answered()->set_wait_seconds(wait);
    return e;
  }
  static ev::ContactEvent Abandoned(const std::string& id, absl::Time at, int64_t wait) {
    ev::ContactEvent e = Call(id, at);
    e.mutable_call_abandoned()->set_wait_seconds(wait);
    return e;
  }

  // Processes `events` (one partition, in this order) as one checkpoint;
  // their records produced at `produced` (unset: records without a
  // timestamp).
  void CheckpointCalls(const std::vector<ev::ContactEvent>& events,
                       std::optional<absl::Time> produced = std::nullopt) {
    for (const ev::ContactEvent& e : events) {
      runtime::ConsumedRecord r;
      r.topic = "sqms.contact.v1";
      r.partition = 0;
      r.offset = offset_++;
      r.key = e.contact_id();
      r.value = e.SerializeAsString();
      if (produced) r.timestamp = absl::ToChronoTime(*produced);
      ASSERT_TRUE(processor_->Process(r, absl::NotFoundError("")).ok());
    }
    store_.Apply(processor_->TakeDelta());
    processor_->OnCheckpointWritten();
  }

  // The key of the window of `size` containing `at`, in Shanghai.
  static std::string Key(absl::Time at, WindowSize size = WindowSize::kDay) {
    return WindowKey(domain::WindowOf(at, size, testing::Shanghai()), false);
  }
  int64_t Count(absl::Time at, Counter counter, WindowSize size = WindowSize::kDay,
                Dimension d = Dimension::kTotal, const std::string& unit = "all") const {
    return store_.Slot(Key(at, size), d, unit, CounterSlot(counter));
  }
  domain::KpiValue CallKpi(std::string_view name, absl::Time at, WindowSize size = WindowSize::kDay,
                           Dimension d = Dimension::kTotal, const std::string& unit = "all") const {
    domain::CounterValues counters{};
    for (int c = 0; c < domain::kCounterCount; ++c) {
      counters[c] = Count(at, static_cast<Counter>(c), size, d, unit);
    }
    return domain::Compute(*domain::FindKpi(name), counters);
  }
};

TEST_F(KpiProcessorCallTest, ACallAnsweredAfterMidnightCountsInTheDayItWasOffered) {
  // The reviewer's case: luggage-services, 2 calls offered on 2026-12-04,
  // both answered, one 10 s after midnight.
  const absl::Time day1 = testing::ShanghaiAt(4, 12, 0);
  const absl::Time day2 = testing::ShanghaiAt(5, 12, 0);
  CheckpointCalls({Offered("a", testing::ShanghaiAt(4, 10, 0)),
                   Answered("a", testing::ShanghaiAt(4, 10, 0, 4), 4),
                   Offered("b", testing::ShanghaiAt(4, 23, 59, 50)),
                   Answered("b", testing::ShanghaiAt(5, 0, 0, 10), 20)});
  for (const auto& [d, unit] :
       {std::pair(Dimension::kTotal, std::string("all")),
        std::pair(Dimension::kDepartment, std::string("luggage-services"))}) {
    SCOPED_TRACE(unit);
    const domain::KpiValue answer = CallKpi("answer_rate", day1, WindowSize::kDay, d, unit);
    EXPECT_THAT(answer.value, ::testing::Optional(100.0));
    EXPECT_EQ(answer.numerator, 2);
    EXPECT_EQ(answer.denominator, 2);
    EXPECT_THAT(CallKpi("average_speed_of_answer", day1, WindowSize::kDay, d, unit).value,
                ::testing::Optional(12.0));
    EXPECT_THAT(CallKpi("service_level", day1, WindowSize::kDay, d, unit).value,
                ::testing::Optional(100.0));
    // Day 2 has no calls: no "answered 1 / offered 0".
    EXPECT_EQ(CallKpi("answer_rate", day2, WindowSize::kDay, d, unit).value, std::nullopt);
    EXPECT_EQ(Count(day2, Counter::kCallsAnswered, WindowSize::kDay, d, unit), 0);
    EXPECT_EQ(Count(day2, Counter::kServiceLevelCalls, WindowSize::kDay, d, unit), 0);
    EXPECT_EQ(Count(day2, Counter::kAnswerWaitSeconds, WindowSize::kDay, d, unit), 0);
  }
  // Its lineage and its minute and hour are the offer's too.
  EXPECT_EQ(store_.Events(Key(day1), Dimension::kTotal, "all", "call_answered"), 2);
  EXPECT_EQ(Count(testing::ShanghaiAt(4, 23, 59), Counter::kCallsAnswered, WindowSize::kMinute), 1);
  EXPECT_EQ(Count(testing::ShanghaiAt(4, 23, 0), Counter::kCallsAnswered, WindowSize::kHour), 1);
  EXPECT_EQ(Count(testing::ShanghaiAt(5, 0, 0), Counter::kCallsAnswered, WindowSize::kHour), 0);
}

TEST_F(KpiProcessorCallTest, ACallAbandonedAfterMidnightCountsInTheDayItWasOffered) {
  const absl::Time day1 = testing::ShanghaiAt(4, 12, 0);
  const absl::Time day2 = testing::ShanghaiAt(5, 12, 0);
  CheckpointCalls({Offered("a", testing::ShanghaiAt(4, 23, 59, 50)),
                   Abandoned("a", testing::ShanghaiAt(5, 0, 0, 10), 20)});
  const domain::KpiValue abandoned = CallKpi("abandonment_rate", day1);
  EXPECT_THAT(abandoned.value, ::testing::Optional(100.0));
  EXPECT_EQ(abandoned.numerator, 1);
  EXPECT_EQ(abandoned.denominator, 1);
  EXPECT_THAT(CallKpi("answer_rate", day1).value, ::testing::Optional(0.0));
  // Abandoned after S (5 s): in the service level's base, not in time.
  EXPECT_THAT(CallKpi("service_level", day1).value, ::testing::Optional(0.0));
  EXPECT_EQ(CallKpi("abandonment_rate", day2).value, std::nullopt);
  EXPECT_EQ(Count(day2, Counter::kCallsAbandoned), 0);
  EXPECT_EQ(Count(day2, Counter::kServiceLevelCalls), 0);
}

TEST_F(KpiProcessorCallTest, ACallAcrossTheMonthsEndCountsInTheMonthItWasOffered) {
  const absl::Time november =
      absl::FromCivil(absl::CivilSecond(2026, 11, 30, 23, 59, 50), testing::Shanghai());
  const absl::Time december = testing::ShanghaiAt(1, 0, 0, 10);
  CheckpointCalls({Offered("a", november), Answered("a", december, 20), Offered("b", november),
                   Abandoned("b", december + absl::Seconds(5), 25)});
  const domain::KpiValue answer = CallKpi("answer_rate", november, WindowSize::kMonth);
  EXPECT_THAT(answer.value, ::testing::Optional(50.0));
  EXPECT_EQ(answer.denominator, 2);
  EXPECT_THAT(CallKpi("abandonment_rate", november, WindowSize::kMonth).value,
              ::testing::Optional(50.0));
  for (WindowSize size : {WindowSize::kDay, WindowSize::kMonth}) {
    EXPECT_EQ(Count(december, Counter::kCallsAnswered, size), 0);
    EXPECT_EQ(Count(december, Counter::kCallsAbandoned, size), 0);
    EXPECT_EQ(CallKpi("answer_rate", december, size).value, std::nullopt);
  }
}

TEST_F(KpiProcessorCallTest, AnAbandonmentOfACallOfAClosedDayCorrectsThatDay) {
  // Offered 23:50; a call at 00:20 closes the day (end + 5 min grace);
  // the first caller hangs up at 00:21 after 31 minutes.
  const absl::Time day1 = testing::ShanghaiAt(4, 12, 0);
  CheckpointCalls(
      {Offered("a", testing::ShanghaiAt(4, 23, 50)), Offered("b", testing::ShanghaiAt(5, 0, 20))});
  ASSERT_EQ(store_.Field(Key(day1), std::string(kRevisionField)), 0);
  CheckpointCalls({Abandoned("a", testing::ShanghaiAt(5, 0, 21), 31 * 60)});
  EXPECT_THAT(CallKpi("abandonment_rate", day1).value, ::testing::Optional(100.0));
  EXPECT_EQ(store_.Field(Key(day1), std::string(kLateField)), 1);
  EXPECT_EQ(store_.Field(Key(day1), std::string(kRevisionField)), 1)
      << "a correction of a closed window raises its revision like a late event";
  EXPECT_EQ(Count(testing::ShanghaiAt(5, 12, 0), Counter::kCallsAbandoned), 0);
}

// The record's own time closes windows before its events are judged: an
// answer at 00:21 after a 31-minute wait is the first the partition hears
// of the new day, and it still corrects the day its call was offered in
// (end + 5 min grace passed by 00:21), as a late event does.
TEST_F(KpiProcessorCallTest, AnAnswerThatIsTheFirstNewsOfTheNextDayCorrectsTheClosedDay) {
  const absl::Time day1 = testing::ShanghaiAt(4, 12, 0);
  CheckpointCalls({Offered("a", testing::ShanghaiAt(4, 23, 50))});
  CheckpointCalls({Answered("a", testing::ShanghaiAt(5, 0, 21), 31 * 60)});
  EXPECT_THAT(CallKpi("answer_rate", day1).value, ::testing::Optional(100.0));
  EXPECT_EQ(store_.Field(Key(day1), std::string(kLateField)), 1);
  EXPECT_EQ(store_.Field(Key(day1), std::string(kRevisionField)), 1);
}

// Watermarks and produce times (kpi_processor.h): one CTI with its clock a
// year ahead must not make every later event of its partition late.
TEST_F(KpiProcessorCallTest, AnEventDatedInTheFutureDoesNotMakeTheEventsAfterItLate) {
  const absl::Time noon = testing::ShanghaiAt(4, 12, 0);
  CheckpointCalls({Offered("a", noon)}, noon);
  CheckpointCalls({Offered("wrong-clock", noon + absl::Hours(24 * 400))}, noon + absl::Seconds(1));
  CheckpointCalls({Offered("b", noon + absl::Minutes(1))}, noon + absl::Minutes(1));
  EXPECT_EQ(Count(noon, Counter::kCallsOffered), 2);
  for (WindowSize size : {WindowSize::kMinute, WindowSize::kHour, WindowSize::kDay}) {
    SCOPED_TRACE(static_cast<int>(size));
    EXPECT_EQ(store_.Field(Key(noon + absl::Minutes(1), size), std::string(kLateField)), 0);
    EXPECT_EQ(store_.Field(Key(noon + absl::Minutes(1), size), std::string(kRevisionField)), 0);
  }
  // The future event itself is counted, where it says it happened.
  EXPECT_EQ(Count(noon + absl::Hours(24 * 400), Counter::kCallsOffered), 1);
}

// A complaint held in the outbox while Kafka was down, produced at 00:20:
// queries have called its day closed since 00:05 (end + 5 min grace), so
// its arrival is a correction, though it is the partition's latest event.
TEST_F(KpiProcessorCallTest, ARecordProducedAfterItsDayClosedCorrectsTheDay) {
  const absl::Time day1 = testing::ShanghaiAt(4, 12, 0);
  CheckpointCalls({Offered("a", testing::ShanghaiAt(4, 23, 50))}, testing::ShanghaiAt(4, 23, 50));
  ASSERT_EQ(store_.Field(Key(day1), std::string(kRevisionField)), 0);
  CheckpointCalls({Offered("b", testing::ShanghaiAt(4, 23, 58))}, testing::ShanghaiAt(5, 0, 20));
  EXPECT_EQ(Count(day1, Counter::kCallsOffered), 2);
  EXPECT_EQ(store_.Field(Key(day1), std::string(kLateField)), 1);
  EXPECT_EQ(store_.Field(Key(day1), std::string(kRevisionField)), 1)
      << "the closed day changed: its revision says so";
}

// A producer's clock a little ahead of the relay's (within grace) moves the
// watermark as far as its events say.
TEST_F(KpiProcessorCallTest, AnEventAheadOfItsProduceTimeByLessThanGraceMovesTheWatermark) {
  const absl::Time day1 = testing::ShanghaiAt(4, 12, 0);
  CheckpointCalls({Offered("a", testing::ShanghaiAt(4, 23, 50))}, testing::ShanghaiAt(4, 23, 50));
  // Dated 00:06, produced 00:03: the day (end + 5 min) closed by 00:06.
  CheckpointCalls({Offered("b", testing::ShanghaiAt(5, 0, 6))}, testing::ShanghaiAt(5, 0, 3));
  CheckpointCalls({Abandoned("a", testing::ShanghaiAt(5, 0, 3), 13 * 60)},
                  testing::ShanghaiAt(5, 0, 3));
  EXPECT_EQ(store_.Field(Key(day1), std::string(kLateField)), 1);
}

// Consultations: a dispatch counts in the windows of its consultation's
// creation (consultation_created_at, set by the contact gateway).
class KpiProcessorConsultationTest : public KpiProcessorCallTest {
 protected:
  static absl::Time On(int month, int day, int hour, int minute) {
    return absl::FromCivil(absl::CivilSecond(2026, month, day, hour, minute, 0),
                           testing::Shanghai());
  }
  static ev::ContactEvent Created(const std::string& id, absl::Time at) {
    ev::ContactEvent e = Call(id, at);
    e.set_agent("agent-a");
    e.set_category("ticketing");
    e.mutable_consultation_created()->set_topic("refund rules");
    return e;
  }
  // Dispatched at `at`; `created` unset: an older producer's event.
  static ev::ContactEvent Dispatched(const std::string& id, absl::Time at,
                                     std::optional<absl::Time> created) {
    ev::ContactEvent e = Call(id, at);
    e.set_agent("agent-a");
    e.set_category("ticketing");
    ev::ConsultationDispatched* d = e.mutable_consultation_dispatched();
    d->set_work_order_id(id + "-wo");
    if (created) SetTime(*created, d->mutable_consultation_created_at());
    return e;
  }
};

// The reviewer's case: 10 consultations created 2026-03-31 23:00–23:45, 2
// dispatched at 23:55 and 4 at 00:30 on 04-01, 4 more consultations on
// 04-01 not dispatched. Dated at the dispatch, 03-31 read 80 % and 04-01
// 0 % (4 dispatched of 4 created); each day's own consultations give 40 %
// and 100 %. The 00:30 dispatches come after 03-31 closed (end + 5 min
// grace): they correct it, as any late event does.
TEST_F(KpiProcessorConsultationTest, ADispatchCountsInThePeriodOfItsConsultation) {
  const absl::Time march31 = On(3, 31, 12, 0);
  const absl::Time april1 = On(4, 1, 12, 0);
  std::vector<ev::ContactEvent> first;
  for (int i = 0; i < 10; ++i) {
    first.push_back(Created(absl::StrCat("c", i), On(3, 31, 23, 5 * i)));
  }
  for (int i = 0; i < 2; ++i) {
    first.push_back(Dispatched(absl::StrCat("c", i), On(3, 31, 23, 55), On(3, 31, 23, 5 * i)));
  }
  CheckpointCalls(first);
  ASSERT_EQ(store_.Field(Key(march31), std::string(kRevisionField)), 0);

  std::vector<ev::ContactEvent> second;
  for (int i = 2; i < 6; ++i) {
    second.push_back(Dispatched(absl::StrCat("c", i), On(4, 1, 0, 30), On(3, 31, 23, 5 * i)));
  }
  for (int i = 0; i < 4; ++i) {
    second.push_back(Created(absl::StrCat("d", i), On(4, 1, 9, 10 * i)));
  }
  CheckpointCalls(second);

  for (const auto& [d, unit] : {std::pair(Dimension::kTotal, std::string("all")),
                                std::pair(Dimension::kAgent, std::string("agent-a")),
                                std::pair(Dimension::kCategory, std::string("ticketing"))}) {
    SCOPED_TRACE(unit);
    const domain::KpiValue day1 =
        CallKpi("one_time_answer_rate", march31, WindowSize::kDay, d, unit);
    EXPECT_THAT(day1.value, ::testing::Optional(::testing::DoubleNear(40.0, 1e-9)));
    EXPECT_EQ(day1.numerator, 6);
    EXPECT_EQ(day1.denominator, 10);
    const domain::KpiValue day2 =
        CallKpi("one_time_answer_rate", april1, WindowSize::kDay, d, unit);
    EXPECT_THAT(day2.value, ::testing::Optional(100.0));
    EXPECT_EQ(day2.numerator, 0);
    EXPECT_EQ(day2.denominator, 4);
  }
  // A month's end too: March has all 10 and their 6 dispatches.
  EXPECT_THAT(CallKpi("one_time_answer_rate", march31, WindowSize::kMonth).value,
              ::testing::Optional(::testing::DoubleNear(40.0, 1e-9)));
  EXPECT_EQ(Count(april1, Counter::kConsultationsDispatched, WindowSize::kMonth), 0);
  // The hour of the creation, and the lineage.
  EXPECT_EQ(Count(On(3, 31, 23, 0), Counter::kConsultationsDispatched, WindowSize::kHour), 6);
  EXPECT_EQ(store_.Events(Key(march31), Dimension::kTotal, "all", "consultation_dispatched"), 6);
  EXPECT_EQ(store_.Field(Key(march31), std::string(kLateField)), 4);
  EXPECT_EQ(store_.Field(Key(march31), std::string(kRevisionField)), 1)
      << "a correction of a closed window raises its revision like a late event";
}

// A dispatch from a producer older than consultation_created_at counts at
// its own time, as before.
TEST_F(KpiProcessorConsultationTest, ADispatchWithoutItsCreationCountsAtItsOwnTime) {
  CheckpointCalls(
      {Created("c", On(3, 31, 23, 50)), Dispatched("c", On(4, 1, 0, 30), std::nullopt)});
  EXPECT_EQ(Count(On(3, 31, 12, 0), Counter::kConsultationsDispatched), 0);
  EXPECT_EQ(Count(On(4, 1, 12, 0), Counter::kConsultationsDispatched), 1);
}

}  // namespace
}  // namespace sqms::metrics::adapters
