#include "services/metrics/domain/counters.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sqms::metrics::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

MATCHER_P2(Inc, counter, by, "") { return arg.counter == counter && arg.by == by; }

Event On(EventBody body, std::string channel = "hotline") {
  Event e;
  e.id = "e1";
  e.occurred_at = absl::FromUnixSeconds(1'790'000'000);
  e.dimensions.channel = std::move(channel);
  e.body = std::move(body);
  return e;
}

SurveyAnswered Rating(bool unsatisfied) {
  SurveyAnswered s;
  s.unsatisfied = unsatisfied;
  return s;
}
SurveyAnswered Csat(int score) {
  SurveyAnswered s;
  s.csat = score;
  return s;
}
SurveyAnswered Nps(int score) {
  SurveyAnswered s;
  s.nps = score;
  return s;
}
SurveyAnswered Csi(std::vector<std::pair<std::string, int>> scores) {
  SurveyAnswered s;
  s.csi = std::move(scores);
  return s;
}

// T = 20 s, S = 5 s by default; the web channel answers within 60 s.
ContributionPolicy Policy() {
  ContributionPolicy p;
  p.service_level_by_channel = {{"web", ServiceLevelPolicy{60, 10}}};
  p.csi_weights = {{"speed", 0.5}, {"attitude", 0.3}, {"accuracy", 0.2}};
  return p;
}

TEST(CounterNameTest, IsTheEnumInSnakeCaseWithoutTheK) {
  EXPECT_EQ(CounterName(Counter::kCallsOffered), "calls_offered");
  EXPECT_EQ(CounterName(Counter::kCsiWeightedScore), "csi_weighted_score");
  EXPECT_EQ(CounterName(Counter::kCallsAnsweredInTime), "calls_answered_in_time");
  EXPECT_EQ(CounterName(Counter::kServiceLevelCalls), "service_level_calls");
  EXPECT_EQ(CounterName(Counter::kNpsDetractors), "nps_detractors");
  EXPECT_EQ(CounterName(Counter::kSlaBreaches), "sla_breaches");
  EXPECT_EQ(CounterName(Counter::kFirstResolutionsRevoked), "first_resolutions_revoked");
  EXPECT_EQ(CounterName(Counter::kComplaintsOriginal), "complaints_original");
  EXPECT_EQ(CounterName(Counter::kComplaintsHandled), "complaints_handled");
  EXPECT_EQ(ParseCounter("complaints_handled"), Counter::kComplaintsHandled);
}

TEST(CounterNameTest, BucketsAreNamedByTheirUpperBound) {
  EXPECT_EQ(CounterName(Counter::kFirstResponseBucket0), "first_response_bucket_300");
  EXPECT_EQ(CounterName(BucketCounter(Counter::kFirstResponseBucket0, 7)),
            "first_response_bucket_86400");
  EXPECT_EQ(CounterName(Counter::kFirstResponseBucketInf), "first_response_bucket_inf");
  EXPECT_EQ(CounterName(Counter::kResolutionBucket0), "resolution_bucket_300");
  EXPECT_EQ(CounterName(BucketCounter(Counter::kResolutionBucket0, 13)),
            "resolution_bucket_2592000");
  EXPECT_EQ(CounterName(Counter::kResolutionBucketInf), "resolution_bucket_inf");
  for (int b = 0; b + 1 < kDurationBucketCount; ++b) {
    EXPECT_EQ(CounterName(BucketCounter(Counter::kResolutionBucket0, b)),
              "resolution_bucket_" + std::to_string(kDurationBucketBounds[b]));
  }
  EXPECT_TRUE(IsBucketCounter(Counter::kFirstResponseBucket0));
  EXPECT_TRUE(IsBucketCounter(Counter::kResolutionBucketInf));
  EXPECT_FALSE(IsBucketCounter(Counter::kFirstResolutionsRevoked));
  EXPECT_FALSE(IsBucketCounter(Counter::kResolutionSeconds));
}

TEST(CounterNameTest, EveryNameParsesBackAndIsUnique) {
  for (int i = 0; i < kCounterCount; ++i) {
    const auto counter = static_cast<Counter>(i);
    ASSERT_FALSE(CounterName(counter).empty()) << i;
    EXPECT_EQ(ParseCounter(CounterName(counter)), counter) << CounterName(counter);
  }
  EXPECT_EQ(ParseCounter("calls"), std::nullopt);
  EXPECT_EQ(ParseCounter("CallsOffered"), std::nullopt);
  EXPECT_EQ(ParseCounter(""), std::nullopt);
}

TEST(ContributionsTest, IncidentMilestonesCountOnceWithTheirSeconds) {
  EXPECT_THAT(Contributions(On(IncidentAcknowledged{.seconds = 300}), Policy()),
              ElementsAre(Inc(Counter::kIncidentsAcknowledged, 1),
                          Inc(Counter::kAcknowledgeSeconds, 300)));
  EXPECT_THAT(Contributions(On(IncidentResolved{.seconds = -5}), Policy()),
              ElementsAre(Inc(Counter::kIncidentsResolved, 1)));
}

TEST(ContributionsTest, AnOutageCountsOnAListedPlatformFromItsOneSourceOnly) {
  ContributionPolicy policy = Policy();
  policy.reliability_platforms = {{.id = "call_platform", .outages_from = OutageSource::kContact},
                                  {.id = "regional_system",
                                   .outages_from = OutageSource::kIncidents}};
  EXPECT_THAT(Contributions(On(OutageEnded{"call_platform", 900}), policy),
              ElementsAre(Inc(Counter::kOutageSeconds, 900)));
  EXPECT_THAT(Contributions(On(IncidentOutage{"regional_system", 42}), policy),
              ElementsAre(Inc(Counter::kOutageSeconds, 42)));
  // The same outage reported by the other source counts once, not twice.
  EXPECT_THAT(Contributions(On(IncidentOutage{"call_platform", 900}), policy), IsEmpty());
  EXPECT_THAT(Contributions(On(OutageEnded{"regional_system", 42}), policy), IsEmpty());
  // Not a reliability platform (e.g. an outage incident of one of our own
  // services): no downtime.
  EXPECT_THAT(Contributions(On(IncidentOutage{"sqms-alerts", 600}), policy), IsEmpty());
  EXPECT_THAT(Contributions(On(OutageEnded{"backbone_network", 600}), policy), IsEmpty());
}

TEST(ContributionsTest, CallOfferedCountsOffered) {
  EXPECT_THAT(Contributions(On(CallOffered{}), Policy()),
              ElementsAre(Inc(Counter::kCallsOffered, 1)));
}

TEST(ContributionsTest, CallAnsweredWithinTCountsInTime) {
  EXPECT_THAT(
      Contributions(On(CallAnswered{.wait_seconds = 20}), Policy()),
      ElementsAre(Inc(Counter::kCallsAnswered, 1), Inc(Counter::kAnswerWaitSeconds, 20),
                  Inc(Counter::kServiceLevelCalls, 1), Inc(Counter::kCallsAnsweredInTime, 1)));
}

TEST(ContributionsTest, CallAnsweredAfterTIsInTheBaseButNotInTime) {
  EXPECT_THAT(Contributions(On(CallAnswered{.wait_seconds = 21}), Policy()),
              ElementsAre(Inc(Counter::kCallsAnswered, 1), Inc(Counter::kAnswerWaitSeconds, 21),
                          Inc(Counter::kServiceLevelCalls, 1)));
}

TEST(ContributionsTest, TheChannelsOwnPolicyAppliesToItsCalls) {
  // 45 s is late on the hotline (T = 20) but in time on the web (T = 60).
  EXPECT_THAT(
      Contributions(On(CallAnswered{.wait_seconds = 45}, "web"), Policy()),
      ElementsAre(Inc(Counter::kCallsAnswered, 1), Inc(Counter::kAnswerWaitSeconds, 45),
                  Inc(Counter::kServiceLevelCalls, 1), Inc(Counter::kCallsAnsweredInTime, 1)));
  // An abandon after 7 s is short on the web (S = 10), not on the hotline.
  EXPECT_THAT(Contributions(On(CallAbandoned{.wait_seconds = 7}, "web"), Policy()),
              ElementsAre(Inc(Counter::kCallsAbandoned, 1), Inc(Counter::kCallsAbandonedShort, 1)));
  EXPECT_THAT(Contributions(On(CallAbandoned{.wait_seconds = 7}, "hotline"), Policy()),
              ElementsAre(Inc(Counter::kCallsAbandoned, 1), Inc(Counter::kServiceLevelCalls, 1)));
}

TEST(ContributionsTest, AnAbandonShorterThanSIsOutOfTheServiceLevel) {
  EXPECT_THAT(Contributions(On(CallAbandoned{.wait_seconds = 4}), Policy()),
              ElementsAre(Inc(Counter::kCallsAbandoned, 1), Inc(Counter::kCallsAbandonedShort, 1)));
  // Exactly S seconds is no longer short.
  EXPECT_THAT(Contributions(On(CallAbandoned{.wait_seconds = 5}), Policy()),
              ElementsAre(Inc(Counter::kCallsAbandoned, 1), Inc(Counter::kServiceLevelCalls, 1)));
}

TEST(ContributionsTest, CallEndedAddsHandleTime) {
  EXPECT_THAT(Contributions(On(CallEnded{.handle_seconds = 300}), Policy()),
              ElementsAre(Inc(Counter::kCallsEnded, 1), Inc(Counter::kHandleSeconds, 300)));
}

// A CTI reports an abandoned call's hang-up too (0 s handled): the gateway
// marks it, and it is no handled call — average handle time divides by
// answered calls. An end of a call whose outcome was not known counts.
TEST(ContributionsTest, AnAbandonedCallsEndAddsNoHandledCall) {
  EXPECT_THAT(Contributions(On(CallEnded{.handle_seconds = 0, .abandoned = true}), Policy()),
              IsEmpty());
  EXPECT_THAT(Contributions(On(CallEnded{.handle_seconds = 0, .abandoned = false}), Policy()),
              ElementsAre(Inc(Counter::kCallsEnded, 1)));
}

TEST(ContributionsTest, NegativeDurationsCountAsZero) {
  EXPECT_THAT(Contributions(On(CallAnswered{.wait_seconds = -3}), Policy()),
              ElementsAre(Inc(Counter::kCallsAnswered, 1), Inc(Counter::kServiceLevelCalls, 1),
                          Inc(Counter::kCallsAnsweredInTime, 1)));
  EXPECT_THAT(Contributions(On(CallAbandoned{.wait_seconds = -3}), Policy()),
              ElementsAre(Inc(Counter::kCallsAbandoned, 1), Inc(Counter::kCallsAbandonedShort, 1)));
  EXPECT_THAT(Contributions(On(CallEnded{.handle_seconds = -1}), Policy()),
              ElementsAre(Inc(Counter::kCallsEnded, 1)));
  EXPECT_THAT(Contributions(On(OutageEnded{"backbone_network", -60}), Policy()), IsEmpty());
  EXPECT_THAT(Contributions(On(ComplaintResolved{-5, SlaMet::kOnTime, 0}), Policy()),
              ElementsAre(Inc(Counter::kResolutions, 1), Inc(Counter::kResolutionsOnTime, 1),
                          Inc(Counter::kResolutionDeadlines, 1),
                          Inc(Counter::kResolutionDeadlinesMet, 1),
                          Inc(Counter::kResolutionBucket0, 1),
                          Inc(Counter::kFirstResolutions, 1)));
}

TEST(ContributionsTest, Consultations) {
  EXPECT_THAT(Contributions(On(ConsultationCreated{}), Policy()),
              ElementsAre(Inc(Counter::kConsultations, 1)));
  EXPECT_THAT(Contributions(On(ConsultationDispatched{}), Policy()),
              ElementsAre(Inc(Counter::kConsultationsDispatched, 1)));
}

TEST(ContributionsTest, SurveyCountsOnlyTheAnswersGiven) {
  EXPECT_THAT(Contributions(On(SurveyAnswered{}), Policy()), IsEmpty());
  EXPECT_THAT(Contributions(On(Rating(false)), Policy()),
              ElementsAre(Inc(Counter::kRatings, 1)));
  EXPECT_THAT(Contributions(On(Rating(true)), Policy()),
              ElementsAre(Inc(Counter::kRatings, 1), Inc(Counter::kRatingsUnsatisfied, 1)));
}

TEST(ContributionsTest, CsatCountsFourAndFiveAsSatisfied) {
  EXPECT_THAT(Contributions(On(Csat(3)), Policy()),
              ElementsAre(Inc(Counter::kCsatResponses, 1)));
  EXPECT_THAT(Contributions(On(Csat(4)), Policy()),
              ElementsAre(Inc(Counter::kCsatResponses, 1), Inc(Counter::kCsatSatisfied, 1)));
  EXPECT_THAT(Contributions(On(Csat(5)), Policy()),
              ElementsAre(Inc(Counter::kCsatResponses, 1), Inc(Counter::kCsatSatisfied, 1)));
}

TEST(ContributionsTest, NpsPromotersNineToTenDetractorsZeroToSix) {
  EXPECT_THAT(Contributions(On(Nps(9)), Policy()),
              ElementsAre(Inc(Counter::kNpsResponses, 1), Inc(Counter::kNpsPromoters, 1)));
  EXPECT_THAT(Contributions(On(Nps(8)), Policy()),
              ElementsAre(Inc(Counter::kNpsResponses, 1)));
  EXPECT_THAT(Contributions(On(Nps(7)), Policy()),
              ElementsAre(Inc(Counter::kNpsResponses, 1)));
  EXPECT_THAT(Contributions(On(Nps(6)), Policy()),
              ElementsAre(Inc(Counter::kNpsResponses, 1), Inc(Counter::kNpsDetractors, 1)));
  EXPECT_THAT(Contributions(On(Nps(0)), Policy()),
              ElementsAre(Inc(Counter::kNpsResponses, 1), Inc(Counter::kNpsDetractors, 1)));
}

TEST(ContributionsTest, CsiAddsWeightedScoresOfWeightedDimensionsTimesAThousand) {
  // speed 4 × 0.5 + accuracy 5 × 0.2 = 3.0 → 3000; weights 0.5 + 0.2 → 700.
  // "waiting_room" has no weight and is ignored.
  SurveyAnswered s = Csi({{"speed", 4}, {"accuracy", 5}, {"waiting_room", 1}});
  EXPECT_THAT(Contributions(On(s), Policy()),
              ElementsAre(Inc(Counter::kCsiWeightedScore, 3000), Inc(Counter::kCsiWeight, 700)));
}

TEST(ContributionsTest, CsiWithoutAWeightedDimensionAddsNothing) {
  SurveyAnswered s = Csi({{"waiting_room", 5}});
  EXPECT_THAT(Contributions(On(s), Policy()), IsEmpty());
}

TEST(ContributionsTest, AllSurveyAnswersTogether) {
  SurveyAnswered s = Csi({{"attitude", 3}});
  s.unsatisfied = false;
  s.csat = 5;
  s.nps = 10;
  EXPECT_THAT(Contributions(On(s), Policy()),
              ElementsAre(Inc(Counter::kRatings, 1), Inc(Counter::kCsatResponses, 1),
                          Inc(Counter::kCsatSatisfied, 1), Inc(Counter::kNpsResponses, 1),
                          Inc(Counter::kNpsPromoters, 1), Inc(Counter::kCsiWeightedScore, 900),
                          Inc(Counter::kCsiWeight, 300)));
}

TEST(ContributionsTest, OutageEndedAddsItsSeconds) {
  EXPECT_THAT(Contributions(On(OutageEnded{"call_platform", 900}), Policy()),
              ElementsAre(Inc(Counter::kOutageSeconds, 900)));
}

TEST(ContributionsTest, ComplaintSubmitted) {
  // An original complaint is also the handling rate's cohort; a linked
  // duplicate is not (it is not counted twice).
  EXPECT_THAT(Contributions(On(ComplaintSubmitted{}), Policy()),
              ElementsAre(Inc(Counter::kComplaints, 1), Inc(Counter::kComplaintsOriginal, 1)));
  EXPECT_THAT(Contributions(On(ComplaintSubmitted{true}), Policy()),
              ElementsAre(Inc(Counter::kComplaints, 1), Inc(Counter::kComplaintsDuplicate, 1)));
}

TEST(ContributionsTest, AHandledComplaintCountsInItsCohortOnly) {
  EXPECT_THAT(Contributions(On(ComplaintHandled{}), Policy()),
              ElementsAre(Inc(Counter::kComplaintsHandled, 1)));
}

TEST(ContributionsTest, ComplaintFirstResponse) {
  // 1 h is the upper bound of bucket 3 (30 min, 1 h]; 25 h is in (1 d, 2 d].
  EXPECT_THAT(Contributions(On(ComplaintFirstResponse{3600, SlaMet::kOnTime}), Policy()),
              ElementsAre(Inc(Counter::kFirstResponses, 1),
                          Inc(Counter::kFirstResponseSeconds, 3600),
                          Inc(Counter::kFirstResponsesOnTime, 1),
                          Inc(Counter::kFirstResponseDeadlines, 1),
                          Inc(Counter::kFirstResponseDeadlinesMet, 1),
                          Inc(BucketCounter(Counter::kFirstResponseBucket0, 3), 1)));
}

TEST(ContributionsTest, ALateFirstResponseIsAMissUnlessItsBreachCountedIt) {
  // No breach reported before (e.g. the deadline fell due while the clock
  // was held): the late response decides the deadline, missed.
  EXPECT_THAT(Contributions(On(ComplaintFirstResponse{90000, SlaMet::kLate}), Policy()),
              ElementsAre(Inc(Counter::kFirstResponses, 1),
                          Inc(Counter::kFirstResponseSeconds, 90000),
                          Inc(Counter::kFirstResponseDeadlines, 1),
                          Inc(BucketCounter(Counter::kFirstResponseBucket0, 8), 1)));
  // The breach decided it already: a second miss would count it twice.
  EXPECT_THAT(Contributions(On(ComplaintFirstResponse{90000, SlaMet::kLateAfterBreach}), Policy()),
              ElementsAre(Inc(Counter::kFirstResponses, 1),
                          Inc(Counter::kFirstResponseSeconds, 90000),
                          Inc(BucketCounter(Counter::kFirstResponseBucket0, 8), 1)));
}

TEST(ContributionsTest, ComplaintResolved) {
  // 2 h is the upper bound of bucket 4 (1 h, 2 h]; a first resolution
  // (no reopen before) counts for first-contact resolution, a later one not.
  EXPECT_THAT(Contributions(On(ComplaintResolved{7200, SlaMet::kOnTime, 0}), Policy()),
              ElementsAre(Inc(Counter::kResolutions, 1), Inc(Counter::kResolutionSeconds, 7200),
                          Inc(Counter::kResolutionsOnTime, 1),
                          Inc(Counter::kResolutionDeadlines, 1),
                          Inc(Counter::kResolutionDeadlinesMet, 1),
                          Inc(BucketCounter(Counter::kResolutionBucket0, 4), 1),
                          Inc(Counter::kFirstResolutions, 1)));
  EXPECT_THAT(Contributions(On(ComplaintResolved{7200, SlaMet::kLate, 0}), Policy()),
              ElementsAre(Inc(Counter::kResolutions, 1), Inc(Counter::kResolutionSeconds, 7200),
                          Inc(Counter::kResolutionDeadlines, 1),
                          Inc(BucketCounter(Counter::kResolutionBucket0, 4), 1),
                          Inc(Counter::kFirstResolutions, 1)));
  // Beyond 30 days: the +inf bucket.
  EXPECT_THAT(Contributions(On(ComplaintResolved{40 * 86400, SlaMet::kLateAfterBreach, 0}),
                            Policy()),
              ElementsAre(Inc(Counter::kResolutions, 1),
                          Inc(Counter::kResolutionSeconds, 40 * 86400),
                          Inc(Counter::kResolutionBucketInf, 1),
                          Inc(Counter::kFirstResolutions, 1)));
}

TEST(ContributionsTest, AResolutionOfAnAlreadyMetDeadlineDecidesNothing) {
  // The deadline was met before (a producer that keeps it over a reopen);
  // this one counts as a resolution only — neither on time nor missed a
  // second time.
  EXPECT_THAT(Contributions(On(ComplaintResolved{7200, std::nullopt, 1}), Policy()),
              ElementsAre(Inc(Counter::kResolutions, 1), Inc(Counter::kResolutionSeconds, 7200),
                          Inc(BucketCounter(Counter::kResolutionBucket0, 4), 1)));
}

TEST(ContributionsTest, ARevokedFirstResolutionCountsAsRevokedOnly) {
  EXPECT_THAT(Contributions(On(ComplaintResolutionRevoked{}), Policy()),
              ElementsAre(Inc(Counter::kFirstResolutionsRevoked, 1)));
}

TEST(ContributionsTest, ComplaintLifecycleCounters) {
  EXPECT_THAT(Contributions(On(ComplaintReplied{}), Policy()),
              ElementsAre(Inc(Counter::kReplies, 1)));
  EXPECT_THAT(Contributions(On(ComplaintFollowedUp{false}), Policy()),
              ElementsAre(Inc(Counter::kFollowUps, 1)));
  EXPECT_THAT(Contributions(On(ComplaintFollowedUp{true}), Policy()),
              ElementsAre(Inc(Counter::kFollowUps, 1), Inc(Counter::kFollowUpsSatisfied, 1)));
  EXPECT_THAT(Contributions(On(ComplaintReopened{}), Policy()),
              ElementsAre(Inc(Counter::kReopens, 1)));
  // The revocation is a separate event (reopen.h): the reopen itself counts
  // in its own window only.
  EXPECT_THAT(Contributions(On(ComplaintReopened{1, absl::FromUnixSeconds(1'789'000'000)}),
                            Policy()),
              ElementsAre(Inc(Counter::kReopens, 1)));
  EXPECT_THAT(Contributions(On(ComplaintSlaBreached{}), Policy()),
              ElementsAre(Inc(Counter::kSlaBreaches, 1)));
}

TEST(ContributionsTest, ABreachDecidesItsDeadlineAsMissed) {
  // An overdue complaint counts against its on-time rate from the breach
  // on, answered or not.
  EXPECT_THAT(Contributions(On(ComplaintSlaBreached{SlaTargetKind::kFirstResponse}), Policy()),
              ElementsAre(Inc(Counter::kSlaBreaches, 1),
                          Inc(Counter::kFirstResponseDeadlines, 1)));
  EXPECT_THAT(Contributions(On(ComplaintSlaBreached{SlaTargetKind::kResolution}), Policy()),
              ElementsAre(Inc(Counter::kSlaBreaches, 1), Inc(Counter::kResolutionDeadlines, 1)));
  EXPECT_THAT(Contributions(On(ComplaintSlaBreached{SlaTargetKind::kOther}), Policy()),
              ElementsAre(Inc(Counter::kSlaBreaches, 1)));
}

}  // namespace
}  // namespace sqms::metrics::domain
