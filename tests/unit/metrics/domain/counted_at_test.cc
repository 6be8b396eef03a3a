// domain/counted_at.h: the time each kind of event counts at — a call's
// answer and abandonment at the call's offer, a complaint's reopen and
// follow-up at its resolution, a consultation's dispatch at its creation,
// everything else at its occurred_at — and the cells that puts it in.

#include "services/metrics/domain/counted_at.h"

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/window.h"
#include "tests/unit/metrics/shanghai.h"

namespace sqms::metrics::domain {
namespace {

using testing::Shanghai;
using testing::ShanghaiAt;

Event At(absl::Time at, EventBody body) {
  return Event{
      .id = "e-1", .occurred_at = at, .dimensions = {}, .drill = false, .body = std::move(body)};
}

// 2026-12-05 00:00:10 Shanghai: ten seconds into the day.
const absl::Time kAfterMidnight = ShanghaiAt(5, 0, 0, 10);

TEST(CountedAtTest, AnAnswerCountsAtTheCallsOffer) {
  EXPECT_EQ(CountedAt(At(kAfterMidnight, CallAnswered{.wait_seconds = 20})),
            ShanghaiAt(4, 23, 59, 50));
}

// Offered at 23:59:59.6, answered at 00:00:10.3 after a 10 s wait (whole
// seconds): by the wait it would count at 00:00:00.3, the next day; by the
// offer the gateway stamped, in the day of the offer.
TEST(CountedAtTest, AnOutcomeCountsAtTheOfferTheGatewayStamped) {
  const absl::Time offered = ShanghaiAt(4, 23, 59, 59) + absl::Milliseconds(600);
  const absl::Time answered = kAfterMidnight + absl::Milliseconds(300);
  EXPECT_EQ(CountedAt(At(answered, CallAnswered{.wait_seconds = 10, .offered_at = offered})),
            offered);
  EXPECT_EQ(CountedAt(At(answered, CallAbandoned{.wait_seconds = 10, .offered_at = offered})),
            offered);
  // An offer after the outcome is not plausible: by the wait.
  EXPECT_EQ(CountedAt(At(answered, CallAnswered{.wait_seconds = 10,
                                                .offered_at = answered + absl::Seconds(1)})),
            answered - absl::Seconds(10));
}

TEST(CountedAtTest, EachKindCountsAtItsOccurredAtButACallsAnswerOrAbandonmentAtItsOffer) {
  // A call's end included: handle time's sum and count both come from it.
  const absl::Time offered = kAfterMidnight - absl::Seconds(600);
  const std::vector<std::pair<EventBody, absl::Time>> cases = {
      {CallOffered{}, kAfterMidnight},
      {CallAnswered{.wait_seconds = 600}, offered},
      {CallAbandoned{.wait_seconds = 600}, offered},
      {CallEnded{.handle_seconds = 600}, kAfterMidnight},
      {ConsultationCreated{}, kAfterMidnight},
      {ConsultationDispatched{}, kAfterMidnight},
      {SurveyAnswered{}, kAfterMidnight},
      {OutageEnded{.platform = "call_platform", .outage_seconds = 600}, kAfterMidnight},
      {ComplaintSubmitted{}, kAfterMidnight},
      {ComplaintFirstResponse{.seconds = 600, .sla = SlaMet::kOnTime}, kAfterMidnight},
      {ComplaintResolved{}, kAfterMidnight},
      {ComplaintReplied{}, kAfterMidnight},
      {ComplaintFollowedUp{}, kAfterMidnight},
      {ComplaintReopened{}, kAfterMidnight},
      {ComplaintSlaBreached{}, kAfterMidnight},
      {IncidentAcknowledged{.seconds = 600}, kAfterMidnight},
      {IncidentResolved{.seconds = 600}, kAfterMidnight},
      {IncidentOutage{.platform = "call_platform", .outage_seconds = 600}, kAfterMidnight},
      {ComplaintResolutionRevoked{}, kAfterMidnight}};
  for (const auto& [body, expected] : cases) {
    EXPECT_EQ(CountedAt(At(kAfterMidnight, body)), expected) << EventTypeName(body);
  }
}

// Reopen rate and follow-up coverage divide by a window's resolutions: a
// reopen and a follow-up count at the resolution they follow.
TEST(CountedAtTest, AReopenOrFollowUpCountsAtItsResolution) {
  const absl::Time resolved = kAfterMidnight - absl::Hours(30);
  EXPECT_EQ(
      CountedAt(At(kAfterMidnight, ComplaintReopened{.reopen_count = 2, .resolved_at = resolved})),
      resolved);
  EXPECT_EQ(CountedAt(At(kAfterMidnight,
                         ComplaintFollowedUp{.satisfied = true, .resolved_at = resolved})),
            resolved);
  // Not known: none, after the event, or before the covered time.
  for (std::optional<absl::Time> unknown :
       {std::optional<absl::Time>(), std::optional(kAfterMidnight + absl::Seconds(1)),
        std::optional(kCoveredFrom - absl::Seconds(1))}) {
    EXPECT_EQ(
        CountedAt(At(kAfterMidnight, ComplaintReopened{.reopen_count = 1, .resolved_at = unknown})),
        kAfterMidnight);
    EXPECT_EQ(CountedAt(At(kAfterMidnight,
                           ComplaintFollowedUp{.satisfied = false, .resolved_at = unknown})),
              kAfterMidnight);
  }
}

// The one-time answer rate divides a window's dispatches by its
// consultations: a dispatch counts at its consultation's creation.
TEST(CountedAtTest, ADispatchCountsAtItsConsultationsCreation) {
  const absl::Time created = ShanghaiAt(4, 23, 50);
  EXPECT_EQ(CountedAt(At(kAfterMidnight, ConsultationDispatched{.created_at = created})), created);
  EXPECT_EQ(CountedAt(At(kAfterMidnight, ConsultationDispatched{.created_at = kAfterMidnight})),
            kAfterMidnight);
  // Not known: none (an older producer's event), after the dispatch, or
  // before the covered time — at the dispatch's own time.
  for (std::optional<absl::Time> unknown :
       {std::optional<absl::Time>(), std::optional(kAfterMidnight + absl::Seconds(1)),
        std::optional(kCoveredFrom - absl::Seconds(1))}) {
    EXPECT_EQ(CountedAt(At(kAfterMidnight, ConsultationDispatched{.created_at = unknown})),
              kAfterMidnight);
  }
}

TEST(CountedAtTest, OnlyAPositiveWaitCountsBack) {
  const absl::Time second_before = kAfterMidnight - absl::Seconds(1);
  EXPECT_EQ(CountedAt(At(kAfterMidnight, CallAnswered{.wait_seconds = 1})), second_before);
  EXPECT_EQ(CountedAt(At(kAfterMidnight, CallAbandoned{.wait_seconds = 1})), second_before);
  // Absent (the proto's 0) or negative: at the occurred_at.
  EXPECT_EQ(CountedAt(At(kAfterMidnight, CallAnswered{})), kAfterMidnight);
  EXPECT_EQ(CountedAt(At(kAfterMidnight, CallAbandoned{})), kAfterMidnight);
  EXPECT_EQ(CountedAt(At(kAfterMidnight, CallAnswered{.wait_seconds = -30})), kAfterMidnight);
  EXPECT_EQ(CountedAt(At(kAfterMidnight, CallAbandoned{.wait_seconds = -30})), kAfterMidnight);
}

TEST(CountedAtTest, AWaitReachingBeforeTheCoveredTimeCountsAtItsStart) {
  const int64_t huge = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(CountedAt(At(kAfterMidnight, CallAnswered{.wait_seconds = huge})), kCoveredFrom);
  EXPECT_EQ(CountedAt(At(kAfterMidnight, CallAbandoned{.wait_seconds = huge})), kCoveredFrom);
  // Never after the event itself, even when that is before the covered time.
  const absl::Time before = kCoveredFrom - absl::Hours(1);
  EXPECT_EQ(CountedAt(At(before, CallAnswered{.wait_seconds = huge})), before);
}

TEST(CountedAtTest, AnAnswerAfterMidnightIsFiledInTheDayAndBandOfTheOffer) {
  const std::vector<DayBand> bands = {{"evening", 18 * 60, 24 * 60}, {"night", 0, 6 * 60}};
  const WindowSize sizes[] = {WindowSize::kDay};
  const std::vector<Cell> cells =
      CellsOf(At(kAfterMidnight, CallAnswered{.wait_seconds = 20}), sizes, bands, Shanghai());
  ASSERT_FALSE(cells.empty());
  for (const Cell& cell : cells) {
    EXPECT_EQ(WindowLabel(cell.window, Shanghai()), "2026-12-04");
    if (cell.dimension == Dimension::kBand) {
      EXPECT_EQ(cell.value, "evening");
    }
  }
}

}  // namespace
}  // namespace sqms::metrics::domain
