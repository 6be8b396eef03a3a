#include "services/metrics/domain/kpi.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/event.h"

namespace sqms::metrics::domain {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Optional;
using ::testing::DoubleNear;

class Counters {
 public:
  Counters& Set(Counter c, int64_t v) {
    values_[static_cast<size_t>(c)] = v;
    return *this;
  }
  const CounterValues& values() const { return values_; }

 private:
  CounterValues values_{};
};

KpiValue Of(std::string_view name, const Counters& counters, const Bases& bases = {}) {
  const KpiDefinition* kpi = FindKpi(name);
  EXPECT_NE(kpi, nullptr) << name;
  return kpi == nullptr ? KpiValue{} : Compute(*kpi, counters.values(), bases);
}

Bases Schedule(int64_t seconds) {
  Bases b;
  b.scheduled_seconds = seconds;
  return b;
}
Bases Volume(int64_t volume) {
  Bases b;
  b.volume = volume;
  return b;
}

std::vector<std::string> Names() {
  std::vector<std::string> names;
  for (const KpiDefinition& kpi : KpiDefinitions()) names.emplace_back(kpi.name);
  return names;
}

TEST(KpiCatalogueTest, HasEveryKpiInTheDocumentedOrder) {
  EXPECT_THAT(Names(),
              ElementsAre("answer_rate", "satisfaction_rate", "one_time_answer_rate",
                          "system_reliability", "csat", "nps", "csi", "complaint_volume",
                          "complaint_rate", "handling_rate", "first_response_on_time",
                          "resolution_on_time", "mean_first_response_time",
                          "mean_resolution_time", "p90_first_response_time",
                          "p90_resolution_time", "reopen_rate", "first_contact_resolution",
                          "follow_up_coverage",
                          "follow_up_satisfaction", "duplicate_share", "sla_breaches",
                          "abandonment_rate", "average_speed_of_answer", "service_level",
                          "average_handle_time", "mtta", "mttr"));
}

TEST(KpiCatalogueTest, FindKpi) {
  ASSERT_NE(FindKpi("answer_rate"), nullptr);
  EXPECT_EQ(FindKpi("answer_rate")->title, "Call answer rate 接通率");
  EXPECT_EQ(FindKpi("no_such_kpi"), nullptr);
}

TEST(KpiCatalogueTest, EveryDefinitionIsComplete) {
  std::set<std::string_view> event_types;
  for (const EventBody& body :
       {EventBody(CallOffered{}), EventBody(CallAnswered{}), EventBody(CallAbandoned{}),
        EventBody(CallEnded{}), EventBody(ConsultationCreated{}),
        EventBody(ConsultationDispatched{}), EventBody(SurveyAnswered{}),
        EventBody(OutageEnded{}), EventBody(ComplaintSubmitted{}),
        EventBody(ComplaintFirstResponse{}), EventBody(ComplaintResolved{}),
        EventBody(ComplaintReplied{}), EventBody(ComplaintFollowedUp{}),
        EventBody(ComplaintReopened{}), EventBody(ComplaintSlaBreached{}),
        EventBody(IncidentAcknowledged{}), EventBody(IncidentResolved{}),
        EventBody(IncidentOutage{}), EventBody(ComplaintResolutionRevoked{}),
        EventBody(ComplaintHandled{})}) {
    event_types.insert(EventTypeName(body));
  }
  for (const KpiDefinition& kpi : KpiDefinitions()) {
    SCOPED_TRACE(kpi.name);
    EXPECT_FALSE(kpi.title.empty());
    EXPECT_FALSE(kpi.formula.empty());
    EXPECT_FALSE(kpi.sources.empty());
    for (std::string_view source : kpi.sources) EXPECT_TRUE(event_types.contains(source)) << source;
    const bool needs_denominator = kpi.form != Form::kCount && kpi.form != Form::kPerTenThousand &&
                                   kpi.form != Form::kScheduleShare && kpi.form != Form::kP90;
    EXPECT_EQ(kpi.denominator.has_value(), needs_denominator);
    // NPS's detractors, or what a count leaves out (linked duplicates).
    if (kpi.form == Form::kNps) {
      EXPECT_TRUE(kpi.numerator2.has_value());
    }
    if (kpi.numerator2.has_value()) {
      EXPECT_TRUE(kpi.form == Form::kNps || kpi.form == Form::kCount ||
                  kpi.form == Form::kPerTenThousand);
    }
  }
}

TEST(KpiCatalogueTest, UnitsAndDirections) {
  EXPECT_EQ(FindKpi("answer_rate")->unit, Unit::kPercent);
  EXPECT_EQ(FindKpi("nps")->unit, Unit::kScore);
  EXPECT_EQ(FindKpi("csi")->unit, Unit::kScore);
  EXPECT_EQ(FindKpi("complaint_volume")->unit, Unit::kCount);
  EXPECT_EQ(FindKpi("mean_resolution_time")->unit, Unit::kSeconds);
  EXPECT_EQ(FindKpi("average_handle_time")->unit, Unit::kSeconds);
  EXPECT_EQ(FindKpi("answer_rate")->direction, Direction::kHigherIsBetter);
  EXPECT_EQ(FindKpi("complaint_rate")->direction, Direction::kLowerIsBetter);
  EXPECT_EQ(FindKpi("reopen_rate")->direction, Direction::kLowerIsBetter);
  EXPECT_EQ(FindKpi("service_level")->direction, Direction::kHigherIsBetter);
}

// requirements §2: agent-answered calls / calls that requested an agent.
TEST(KpiComputeTest, AnswerRate) {
  const KpiValue v = Of("answer_rate", Counters()
                                           .Set(Counter::kCallsOffered, 400)
                                           .Set(Counter::kCallsAnswered, 362));
  EXPECT_THAT(v.value, Optional(DoubleNear(90.5, 1e-9)));
  EXPECT_EQ(v.numerator, 362);
  EXPECT_EQ(v.denominator, 400);
}

// While the window is open a call still queuing has no outcome: the answer
// and abandonment rates divide by answered + abandoned; nothing else
// changes.
TEST(KpiComputeTest, AnOpenWindowDividesTheCallRatesByTheCallsWithAnOutcome) {
  const CounterValues calls = Counters()
                                  .Set(Counter::kCallsOffered, 30)
                                  .Set(Counter::kCallsAnswered, 24)
                                  .Set(Counter::kCallsAbandoned, 1)
                                  .values();
  const KpiValue answer = Compute(*FindKpi("answer_rate"), calls, {}, Settlement::kOpen);
  EXPECT_THAT(answer.value, Optional(DoubleNear(96.0, 1e-9)));
  EXPECT_EQ(answer.denominator, 25);
  const KpiValue abandon = Compute(*FindKpi("abandonment_rate"), calls, {}, Settlement::kOpen);
  EXPECT_THAT(abandon.value, Optional(DoubleNear(4.0, 1e-9)));
  EXPECT_EQ(Compute(*FindKpi("answer_rate"), calls).denominator, 30) << "closed: offered";
  for (const KpiDefinition& kpi : KpiDefinitions()) {
    if (kpi.name == "answer_rate" || kpi.name == "abandonment_rate") continue;
    EXPECT_FALSE(OpenWindowOutcome(kpi).has_value()) << kpi.name;
  }
}

// 95598: (1 − "unsatisfied" / all ratings) × 100 %; 200 ratings with 6
// unsatisfied is 97 %.
TEST(KpiComputeTest, SatisfactionRateIs95598Definition) {
  const KpiValue v = Of("satisfaction_rate", Counters()
                                                 .Set(Counter::kRatings, 200)
                                                 .Set(Counter::kRatingsUnsatisfied, 6));
  EXPECT_THAT(v.value, Optional(DoubleNear(97.0, 1e-9)));
  EXPECT_EQ(v.numerator, 6);
  EXPECT_EQ(v.denominator, 200);
}

TEST(KpiComputeTest, OneTimeAnswerRate) {
  // 80 consultations, 12 went out as work orders: (1 − 12/80) × 100 = 85 %.
  const KpiValue v = Of("one_time_answer_rate", Counters()
                                                    .Set(Counter::kConsultations, 80)
                                                    .Set(Counter::kConsultationsDispatched, 12));
  EXPECT_THAT(v.value, Optional(DoubleNear(85.0, 1e-9)));
}

TEST(KpiComputeTest, SystemReliabilityIsOverTheScheduledTime) {
  // A 30-day month scheduled 24 h a day = 2,592,000 s; 2,592 s of outage:
  // (1 − 2592/2592000) × 100 = 99.9 %.
  Counters c;
  c.Set(Counter::kOutageSeconds, 2592);
  const KpiValue v = Of("system_reliability", c, Schedule(2'592'000));
  EXPECT_THAT(v.value, Optional(DoubleNear(99.9, 1e-9)));
  EXPECT_EQ(v.numerator, 2592);
  EXPECT_EQ(v.denominator, 2'592'000);
  // No outage at all is 100 %.
  EXPECT_THAT(Of("system_reliability", Counters(), Schedule(3600)).value,
              Optional(100.0));
}

TEST(KpiComputeTest, SystemReliabilityWithoutAScheduleHasNoValue) {
  Counters c;
  c.Set(Counter::kOutageSeconds, 60);
  const KpiValue v = Of("system_reliability", c);
  EXPECT_EQ(v.value, std::nullopt);
  EXPECT_EQ(v.denominator, 0);
  EXPECT_EQ(Of("system_reliability", c, Schedule(0)).value, std::nullopt);
}

TEST(KpiComputeTest, Csat) {
  // 50 responses, 41 scored 4 or 5: 82 %.
  const KpiValue v = Of("csat", Counters()
                                    .Set(Counter::kCsatResponses, 50)
                                    .Set(Counter::kCsatSatisfied, 41));
  EXPECT_THAT(v.value, Optional(DoubleNear(82.0, 1e-9)));
}

TEST(KpiComputeTest, NpsIsPromotersMinusDetractors) {
  // 200 responses: 90 promoters, 30 detractors: (90 − 30) / 200 × 100 = 30.
  const KpiValue v = Of("nps", Counters()
                                   .Set(Counter::kNpsResponses, 200)
                                   .Set(Counter::kNpsPromoters, 90)
                                   .Set(Counter::kNpsDetractors, 30));
  EXPECT_THAT(v.value, Optional(DoubleNear(30.0, 1e-9)));
  EXPECT_EQ(v.numerator, 60) << "net promoters: value = numerator / denominator × 100";
  EXPECT_EQ(v.numerator2, 30);
  EXPECT_EQ(v.denominator, 200);
  // More detractors than promoters goes negative.
  EXPECT_THAT(Of("nps", Counters()
                            .Set(Counter::kNpsResponses, 10)
                            .Set(Counter::kNpsDetractors, 10))
                  .value,
              Optional(DoubleNear(-100.0, 1e-9)));
}

// The CSI counters one survey adds under `policy`: {weighted score, weight}.
std::pair<int64_t, int64_t> CsiOf(const ContributionPolicy& policy,
                                  std::vector<std::pair<std::string, int>> scores) {
  SurveyAnswered survey;
  survey.csi = std::move(scores);
  const Event e{.id = "survey",
                .occurred_at = absl::UnixEpoch(),
                .dimensions = {},
                .drill = false,
                .body = survey};
  std::pair<int64_t, int64_t> out{0, 0};
  for (const Increment& inc : Contributions(e, policy)) {
    if (inc.counter == Counter::kCsiWeightedScore) out.first += inc.by;
    if (inc.counter == Counter::kCsiWeight) out.second += inc.by;
  }
  return out;
}

TEST(KpiComputeTest, CsiIsTheWeightedMeanOnAHundredScale) {
  // docs/kpis.md's example, through the contributions: weights speed 0.5,
  // attitude 0.3, accuracy 0.2; (4, 5, 3) → 0.5·4 + 0.3·5 + 0.2·3 = 4.1 and
  // (5, 5, 5) → 5.0. Σ w·score ×1000 = 4100 + 5000 = 9100; Σ w ×1000 = 2000.
  // 9100 / 2000 = 4.55 on 1..5, × 20 = 91.
  ContributionPolicy policy;
  policy.csi_weights = {{"speed", 0.5}, {"attitude", 0.3}, {"accuracy", 0.2}};
  const auto first = CsiOf(policy, {{"accuracy", 3}, {"attitude", 5}, {"speed", 4}});
  const auto second = CsiOf(policy, {{"accuracy", 5}, {"attitude", 5}, {"speed", 5}});
  EXPECT_EQ(first, (std::pair<int64_t, int64_t>{4100, 1000}));
  EXPECT_EQ(second, (std::pair<int64_t, int64_t>{5000, 1000}));
  const KpiValue v = Of("csi", Counters()
                                   .Set(Counter::kCsiWeightedScore, first.first + second.first)
                                   .Set(Counter::kCsiWeight, first.second + second.second));
  EXPECT_THAT(v.value, Optional(DoubleNear(91.0, 1e-9)));
  // Every score 1 is the bottom of the scale: 20, not 0.
  const auto lowest = CsiOf(policy, {{"accuracy", 1}, {"attitude", 1}, {"speed", 1}});
  EXPECT_THAT(Of("csi", Counters()
                            .Set(Counter::kCsiWeightedScore, lowest.first)
                            .Set(Counter::kCsiWeight, lowest.second))
                  .value,
              Optional(DoubleNear(20.0, 1e-9)));
}

TEST(KpiComputeTest, ComplaintVolumeAlwaysHasAValue) {
  const KpiValue none = Of("complaint_volume", Counters());
  EXPECT_THAT(none.value, Optional(0.0));
  EXPECT_EQ(none.denominator, 0);
  const KpiValue some = Of("complaint_volume", Counters().Set(Counter::kComplaints, 17));
  EXPECT_THAT(some.value, Optional(17.0));
  EXPECT_EQ(some.numerator, 17);
  EXPECT_EQ(some.denominator, 17);
}

TEST(KpiComputeTest, LinkedDuplicatesAreNotCountedTwiceInVolumeOrRate) {
  // 100 submissions, 10 of them linked to an earlier complaint: 90.
  Counters c;
  c.Set(Counter::kComplaints, 100).Set(Counter::kComplaintsDuplicate, 10);
  const KpiValue volume = Of("complaint_volume", c);
  EXPECT_THAT(volume.value, Optional(90.0));
  EXPECT_EQ(volume.numerator, 90);
  EXPECT_EQ(volume.numerator2, 10);
  EXPECT_THAT(Of("complaint_rate", c, Volume(1'000'000)).value, Optional(DoubleNear(0.9, 1e-9)));
  // The share of submissions that were duplicates still reads all of them.
  EXPECT_THAT(Of("duplicate_share", c).value, Optional(DoubleNear(10.0, 1e-9)));
}

TEST(KpiComputeTest, ComplaintRateIsPerTenThousandOfTheVolumeBase) {
  // 37 complaints over 185,000 passengers: 37 / 185000 × 10000 = 2.
  Counters c;
  c.Set(Counter::kComplaints, 37);
  const KpiValue v = Of("complaint_rate", c, Volume(185'000));
  EXPECT_THAT(v.value, Optional(DoubleNear(2.0, 1e-9)));
  EXPECT_EQ(v.denominator, 185'000);
  EXPECT_EQ(Of("complaint_rate", c).value, std::nullopt);
  EXPECT_EQ(Of("complaint_rate", c).denominator, 0);
}

TEST(KpiComputeTest, ComplaintHandling) {
  // 120 complaints; 96 first responses (90 on time, Σ 345,600 s), and 4
  // complaints overdue and still unanswered: 100 first-response deadlines
  // decided; 100 resolutions (85 on time, Σ 8,640,000 s), 96 of them first
  // ones (4 complaints were resolved again after a reopen), with 2 more
  // complaints past their resolution deadline: 102 resolution deadlines;
  // 4 reopens; 70 follow-ups (63 satisfied); 6 duplicates. The older
  // on-time counters (first_responses_on_time, resolutions_on_time) began
  // counting before the deadlines and are not what the rates read.
  const Counters c = Counters()
                         .Set(Counter::kComplaints, 120)
                         .Set(Counter::kFirstResolutions, 96)
                         .Set(Counter::kFirstResponses, 96)
                         .Set(Counter::kFirstResponsesOnTime, 9000)
                         .Set(Counter::kFirstResponseDeadlines, 100)
                         .Set(Counter::kFirstResponseDeadlinesMet, 90)
                         .Set(Counter::kResolutionDeadlines, 102)
                         .Set(Counter::kResolutionDeadlinesMet, 85)
                         .Set(Counter::kFirstResponseSeconds, 345'600)
                         .Set(Counter::kResolutions, 100)
                         .Set(Counter::kResolutionsOnTime, 8500)
                         .Set(Counter::kResolutionSeconds, 8'640'000)
                         .Set(Counter::kReopens, 4)
                         .Set(Counter::kFollowUps, 70)
                         .Set(Counter::kFollowUpsSatisfied, 63)
                         .Set(Counter::kComplaintsDuplicate, 6)
                         .Set(Counter::kSlaBreaches, 9);
  // On time over deadlines decided: the unanswered overdue ones are misses.
  EXPECT_THAT(Of("first_response_on_time", c).value, Optional(DoubleNear(90.0, 1e-9)));
  EXPECT_THAT(Of("resolution_on_time", c).value, Optional(DoubleNear(100.0 * 85 / 102, 1e-9)));
  EXPECT_THAT(Of("mean_first_response_time", c).value, Optional(DoubleNear(3600.0, 1e-9)));
  EXPECT_THAT(Of("mean_resolution_time", c).value, Optional(DoubleNear(86400.0, 1e-9)));
  EXPECT_THAT(Of("reopen_rate", c).value, Optional(DoubleNear(4.0, 1e-9)));
  EXPECT_THAT(Of("follow_up_coverage", c).value, Optional(DoubleNear(70.0, 1e-9)));
  EXPECT_THAT(Of("follow_up_satisfaction", c).value, Optional(DoubleNear(90.0, 1e-9)));
  EXPECT_THAT(Of("duplicate_share", c).value, Optional(DoubleNear(5.0, 1e-9)));
  EXPECT_THAT(Of("sla_breaches", c).value, Optional(9.0));
}

// The handling rate is a cohort: of the complaints received in the window,
// linked duplicates excluded, the share handled (first resolution) so far —
// both counted in the window of receipt, whatever the resolutions of older
// complaints in it (first_resolutions, complaints).
TEST(KpiComputeTest, HandlingRateIsTheShareOfTheWindowsOriginalComplaintsHandled) {
  // The day of the report: C1, C2 (a duplicate of C1), C3 and C4 received,
  // C1 and C3 resolved so far; and 3 older complaints resolved that day.
  const Counters day = Counters()
                           .Set(Counter::kComplaints, 4)
                           .Set(Counter::kComplaintsDuplicate, 1)
                           .Set(Counter::kComplaintsOriginal, 3)
                           .Set(Counter::kComplaintsHandled, 2)
                           .Set(Counter::kFirstResolutions, 5);
  const KpiValue v = Of("handling_rate", day);
  EXPECT_THAT(v.value, Optional(DoubleNear(100.0 * 2 / 3, 1e-9)));
  EXPECT_EQ(v.numerator, 2);
  EXPECT_EQ(v.denominator, 3);
  EXPECT_EQ(v.denominator, Of("complaint_volume", day).numerator) << "the same complaints";
  // Resolutions without complaints received in the window: no sample.
  EXPECT_EQ(Of("handling_rate", Counters().Set(Counter::kFirstResolutions, 3)).value,
            std::nullopt);
  EXPECT_THAT(FindKpi("handling_rate")->sources,
              ElementsAre("complaint_submitted", "complaint_handled"));
}

TEST(KpiComputeTest, CallCenterOperations) {
  // 400 offered, 362 answered (Σ wait 5,430 s; 331 within T), 38 abandoned
  // of which 8 shorter than S, so the service level's base is 362 + 30.
  // 350 calls ended with Σ 84,000 s of handling.
  const Counters c = Counters()
                         .Set(Counter::kCallsOffered, 400)
                         .Set(Counter::kCallsAnswered, 362)
                         .Set(Counter::kAnswerWaitSeconds, 5430)
                         .Set(Counter::kCallsAnsweredInTime, 331)
                         .Set(Counter::kCallsAbandoned, 38)
                         .Set(Counter::kCallsAbandonedShort, 8)
                         .Set(Counter::kServiceLevelCalls, 392)
                         .Set(Counter::kCallsEnded, 350)
                         .Set(Counter::kHandleSeconds, 84'000);
  EXPECT_THAT(Of("abandonment_rate", c).value, Optional(DoubleNear(9.5, 1e-9)));
  EXPECT_THAT(Of("average_speed_of_answer", c).value, Optional(DoubleNear(15.0, 1e-9)));
  EXPECT_THAT(Of("service_level", c).value, Optional(DoubleNear(100.0 * 331 / 392, 1e-9)));
  EXPECT_EQ(Of("service_level", c).denominator, 392);
  EXPECT_THAT(Of("average_handle_time", c).value, Optional(DoubleNear(240.0, 1e-9)));
}

TEST(KpiComputeTest, MttaAndMttrAreMeansOverIncidents) {
  const Counters c = Counters()
                              .Set(Counter::kIncidentsAcknowledged, 4)
                              .Set(Counter::kAcknowledgeSeconds, 1'200)
                              .Set(Counter::kIncidentsResolved, 3)
                              .Set(Counter::kRestoreSeconds, 5'400);
  EXPECT_THAT(Of("mtta", c).value, Optional(DoubleNear(300.0, 1e-9)));
  EXPECT_EQ(Of("mtta", c).denominator, 4);
  EXPECT_THAT(Of("mttr", c).value, Optional(DoubleNear(1'800.0, 1e-9)));
  EXPECT_EQ(FindKpi("mtta")->unit, Unit::kSeconds);
  EXPECT_EQ(FindKpi("mttr")->direction, Direction::kLowerIsBetter);
  // Incident downtime is system reliability's outage time.
  EXPECT_THAT(FindKpi("system_reliability")->sources, Contains("incident_outage"));
}

// Buckets (duration_buckets.h): 0 ≤5m, 1 ≤15m, 2 ≤30m, 3 ≤1h, 4 ≤2h, …,
// 13 ≤30d, 14 +inf.
Counters FirstResponseBuckets(std::initializer_list<std::pair<int, int64_t>> counts) {
  Counters c;
  for (const auto& [bucket, count] : counts) {
    c.Set(BucketCounter(Counter::kFirstResponseBucket0, bucket), count);
  }
  return c;
}

TEST(KpiComputeTest, P90IsInterpolatedInsideItsBucket) {
  // 2 within 5 min, 5 in (5, 15] min, 3 in (15, 30] min: n = 10, rank 9,
  // 7 below the third bucket → 900 + (1800 − 900) × (9 − 7) / 3 = 1500 s.
  const KpiValue v = Of("p90_first_response_time", FirstResponseBuckets({{0, 2}, {1, 5}, {2, 3}}));
  EXPECT_THAT(v.value, Optional(DoubleNear(1'500.0, 1e-9)));
  EXPECT_EQ(v.denominator, 10);
  EXPECT_EQ(v.numerator, 10);
  const KpiDefinition* kpi = FindKpi("p90_first_response_time");
  EXPECT_EQ(kpi->unit, Unit::kSeconds);
  EXPECT_EQ(kpi->direction, Direction::kLowerIsBetter);
  EXPECT_EQ(kpi->numerator, Counter::kFirstResponseBucket0);
  EXPECT_EQ(FindKpi("p90_resolution_time")->numerator, Counter::kResolutionBucket0);
}

TEST(KpiComputeTest, P90OfAllInOneBucketAndOfTheInfBucket) {
  // 4 resolutions in (1 h, 2 h]: rank 3.6 → 3600 + 3600 × 3.6 / 4 = 6840 s.
  Counters one;
  one.Set(BucketCounter(Counter::kResolutionBucket0, 4), 4);
  EXPECT_THAT(Of("p90_resolution_time", one).value, Optional(DoubleNear(6'840.0, 1e-9)));
  // 8 quick, 2 beyond 30 days: the p90 is in +inf, reported as its lower
  // bound (30 days).
  Counters slow;
  slow.Set(Counter::kResolutionBucket0, 8).Set(Counter::kResolutionBucketInf, 2);
  const KpiValue v = Of("p90_resolution_time", slow);
  EXPECT_THAT(v.value, Optional(DoubleNear(2'592'000.0, 1e-9)));
  EXPECT_EQ(v.numerator, 10);
  // No observation: no value, sample 0; the mean's counters do not matter.
  Counters none;
  none.Set(Counter::kResolutions, 5).Set(Counter::kResolutionSeconds, 500);
  EXPECT_EQ(Of("p90_resolution_time", none).value, std::nullopt);
  EXPECT_EQ(Of("p90_resolution_time", none).denominator, 0);
}

TEST(KpiComputeTest, FirstContactResolutionLosesTheRevokedOnes) {
  // 20 complaints resolved for the first time, 3 of them reopened later:
  // (1 − 3 / 20) × 100 = 85 %.
  const KpiValue v = Of("first_contact_resolution", Counters()
                                                        .Set(Counter::kFirstResolutions, 20)
                                                        .Set(Counter::kFirstResolutionsRevoked, 3)
                                                        .Set(Counter::kResolutions, 26));
  EXPECT_THAT(v.value, Optional(DoubleNear(85.0, 1e-9)));
  EXPECT_EQ(v.denominator, 20);
  EXPECT_EQ(v.numerator, 3);
  EXPECT_EQ(FindKpi("first_contact_resolution")->direction, Direction::kHigherIsBetter);
  EXPECT_THAT(FindKpi("first_contact_resolution")->sources,
              Contains("complaint_resolution_revoked"));
}

TEST(KpiComputeTest, NoSampleMeansNoValue) {
  for (const KpiDefinition& kpi : KpiDefinitions()) {
    if (kpi.form == Form::kCount) continue;
    const KpiValue v = Compute(kpi, CounterValues{});
    EXPECT_EQ(v.value, std::nullopt) << kpi.name;
    EXPECT_EQ(v.denominator, 0) << kpi.name;
  }
}

TEST(KpiComputeTest, RatiosAreNotClampedSoBadDataShows) {
  // More answered than offered (events lost or duplicated upstream).
  const KpiValue v = Of("answer_rate", Counters()
                                           .Set(Counter::kCallsOffered, 100)
                                           .Set(Counter::kCallsAnswered, 110));
  EXPECT_THAT(v.value, Optional(DoubleNear(110.0, 1e-9)));
  const KpiValue below = Of("satisfaction_rate", Counters()
                                                     .Set(Counter::kRatings, 10)
                                                     .Set(Counter::kRatingsUnsatisfied, 12));
  EXPECT_THAT(below.value, Optional(DoubleNear(-20.0, 1e-9)));
}

}  // namespace
}  // namespace sqms::metrics::domain
