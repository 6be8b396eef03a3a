#include "services/metrics/domain/kpi.h"

#include <array>

#include "services/metrics/domain/duration_buckets.h"

namespace sqms::metrics::domain {
namespace {

using C = Counter;
using D = Direction;
using F = Form;
using U = Unit;

// The event types each KPI reads (EventTypeName), for lineage.
// The answer and abandonment rates read both outcomes: while a window is
// open they divide by the calls with one (Settlement).
constexpr std::string_view kAnswerSources[] = {"call_offered", "call_answered", "call_abandoned"};
constexpr std::string_view kAbandonSources[] = {"call_offered", "call_abandoned", "call_answered"};
constexpr std::string_view kAnsweredSources[] = {"call_answered"};
constexpr std::string_view kServiceLevelSources[] = {"call_answered", "call_abandoned"};
constexpr std::string_view kEndedSources[] = {"call_ended"};
constexpr std::string_view kConsultationSources[] = {"consultation_created",
                                                     "consultation_dispatched"};
constexpr std::string_view kSurveySources[] = {"survey_answered"};
constexpr std::string_view kOutageSources[] = {"outage_ended", "incident_outage"};
constexpr std::string_view kSubmittedSources[] = {"complaint_submitted"};
constexpr std::string_view kHandlingSources[] = {"complaint_submitted", "complaint_handled"};
constexpr std::string_view kFirstResponseSources[] = {"complaint_first_response"};
constexpr std::string_view kResolvedSources[] = {"complaint_resolved"};
constexpr std::string_view kFirstResponseSlaSources[] = {"complaint_first_response",
                                                         "complaint_sla_breached"};
constexpr std::string_view kResolutionSlaSources[] = {"complaint_resolved",
                                                      "complaint_sla_breached"};
constexpr std::string_view kReopenSources[] = {"complaint_reopened", "complaint_resolved"};
constexpr std::string_view kFirstContactSources[] = {"complaint_resolved",
                                                     "complaint_resolution_revoked"};
constexpr std::string_view kFollowUpSources[] = {"complaint_followed_up", "complaint_resolved"};
constexpr std::string_view kFollowUpOnlySources[] = {"complaint_followed_up"};
constexpr std::string_view kBreachSources[] = {"complaint_sla_breached"};
constexpr std::string_view kIncidentAckSources[] = {"incident_acknowledged"};
constexpr std::string_view kIncidentResolvedSources[] = {"incident_resolved"};

// The catalogue, in the order of docs/kpis.md and the API. One row per KPI.
constexpr KpiDefinition kKpis[] = {
    {"answer_rate", "Call answer rate 接通率", "calls answered / calls offered × 100 %",
     F::kRatio, C::kCallsAnswered, C::kCallsOffered, std::nullopt, kAnswerSources, U::kPercent,
     D::kHigherIsBetter},
    {"satisfaction_rate", "Phone service satisfaction rate 服务满意率",
     "(1 − unsatisfied ratings / ratings) × 100 %", F::kOneMinusRatio, C::kRatingsUnsatisfied,
     C::kRatings, std::nullopt, kSurveySources, U::kPercent, D::kHigherIsBetter},
    {"one_time_answer_rate", "One-time answer rate 咨询一次答复率",
     "(1 − consultations dispatched as work orders / consultations) × 100 %",
     F::kOneMinusRatio, C::kConsultationsDispatched, C::kConsultations, std::nullopt,
     kConsultationSources, U::kPercent, D::kHigherIsBetter},
    {"system_reliability", "System reliability 系统可靠率",
     "(1 − outage seconds / scheduled seconds) × 100 %", F::kScheduleShare, C::kOutageSeconds,
     std::nullopt, std::nullopt, kOutageSources, U::kPercent, D::kHigherIsBetter},
    {"csat", "Customer satisfaction CSAT 顾客满意度", "responses scoring 4–5 / responses × 100 %",
     F::kRatio, C::kCsatSatisfied, C::kCsatResponses, std::nullopt, kSurveySources, U::kPercent,
     D::kHigherIsBetter},
    {"nps", "Net promoter score NPS 净推荐值",
     "(promoters 9–10 − detractors 0–6) / responses × 100", F::kNps, C::kNpsPromoters,
     C::kNpsResponses, C::kNpsDetractors, kSurveySources, U::kScore, D::kHigherIsBetter},
    {"csi", "Customer satisfaction index CSI 顾客满意度指数",
     "Σ weight × score / Σ weight × 20 (scores 1–5)", F::kIndex, C::kCsiWeightedScore,
     C::kCsiWeight, std::nullopt, kSurveySources, U::kScore, D::kHigherIsBetter},
    // Duplicates are linked, not counted twice (requirements.md §1).
    {"complaint_volume", "Complaint volume 投诉量", "complaints − linked duplicates", F::kCount,
     C::kComplaints, std::nullopt, C::kComplaintsDuplicate, kSubmittedSources, U::kCount,
     D::kLowerIsBetter},
    {"complaint_rate", "Complaint rate 投诉率",
     "(complaints − linked duplicates) / volume base × 10,000", F::kPerTenThousand,
     C::kComplaints, std::nullopt, C::kComplaintsDuplicate, kSubmittedSources,
     U::kPerTenThousand, D::kLowerIsBetter},
    // A cohort: of the complaints received in the window (linked
    // duplicates excluded, as in complaint_volume), the share handled so far
    // — each once, at its first resolution, counted in the window of its
    // receipt (event.h ComplaintHandled). So numerator and denominator are
    // the same complaints: at most 100 %, and rising as they are resolved.
    {"handling_rate", "Complaint handling rate 处理率",
     "complaints received and handled (first resolution) so far / complaints received "
     "(linked duplicates excluded) × 100 %",
     F::kRatio, C::kComplaintsHandled, C::kComplaintsOriginal, std::nullopt, kHandlingSources,
     U::kPercent, D::kHigherIsBetter},
    // SLA compliance over deadlines decided, so a complaint overdue and
    // still unanswered counts as missed from its breach, not only once (or
    // if ever) answered; each deadline once (a reopen's new handling cycle
    // has a resolution deadline of its own).
    {"first_response_on_time", "On-time first response rate 按时响应率",
     "first-response deadlines met on time / decided (met, or breached) × 100 %", F::kRatio,
     C::kFirstResponseDeadlinesMet, C::kFirstResponseDeadlines, std::nullopt,
     kFirstResponseSlaSources, U::kPercent, D::kHigherIsBetter},
    {"resolution_on_time", "On-time resolution rate 按时办结率",
     "resolution deadlines met on time / decided (met, or breached) × 100 %", F::kRatio,
     C::kResolutionDeadlinesMet, C::kResolutionDeadlines, std::nullopt, kResolutionSlaSources,
     U::kPercent, D::kHigherIsBetter},
    {"mean_first_response_time", "Average response time 平均响应时长",
     "Σ first-response seconds / first responses", F::kMean, C::kFirstResponseSeconds,
     C::kFirstResponses, std::nullopt, kFirstResponseSources, U::kSeconds, D::kLowerIsBetter},
    {"mean_resolution_time", "Average resolution time 平均办结时长",
     "Σ resolution seconds / resolutions", F::kMean, C::kResolutionSeconds, C::kResolutions,
     std::nullopt, kResolvedSources, U::kSeconds, D::kLowerIsBetter},
    {"p90_first_response_time", "90th percentile response time 响应时长P90",
     "90th percentile of first-response seconds, interpolated in its bucket", F::kP90,
     C::kFirstResponseBucket0, std::nullopt, std::nullopt, kFirstResponseSources, U::kSeconds,
     D::kLowerIsBetter},
    {"p90_resolution_time", "90th percentile resolution time 办结时长P90",
     "90th percentile of resolution seconds, interpolated in its bucket", F::kP90,
     C::kResolutionBucket0, std::nullopt, std::nullopt, kResolvedSources, U::kSeconds,
     D::kLowerIsBetter},
    {"reopen_rate", "Reopen rate 重开率",
     "resolutions reopened so far / resolutions × 100 % (a reopen counts in its "
     "resolution's window)",
     F::kRatio, C::kReopens, C::kResolutions, std::nullopt, kReopenSources, U::kPercent,
     D::kLowerIsBetter},
    {"first_contact_resolution", "First-contact resolution rate 投诉一次解决率",
     "(1 − first resolutions reopened / first resolutions) × 100 %", F::kOneMinusRatio,
     C::kFirstResolutionsRevoked, C::kFirstResolutions, std::nullopt, kFirstContactSources,
     U::kPercent, D::kHigherIsBetter},
    {"follow_up_coverage", "Follow-up coverage 回访率",
     "resolutions followed up so far / resolutions × 100 % (a follow-up counts in its "
     "resolution's window)",
     F::kRatio, C::kFollowUps, C::kResolutions, std::nullopt, kFollowUpSources, U::kPercent,
     D::kHigherIsBetter},
    {"follow_up_satisfaction", "Follow-up satisfaction 回访满意率",
     "satisfied follow-ups / follow-ups × 100 %", F::kRatio, C::kFollowUpsSatisfied,
     C::kFollowUps, std::nullopt, kFollowUpOnlySources, U::kPercent, D::kHigherIsBetter},
    {"duplicate_share", "Duplicate complaint share 重复投诉占比",
     "duplicate complaints / complaints × 100 %", F::kRatio, C::kComplaintsDuplicate,
     C::kComplaints, std::nullopt, kSubmittedSources, U::kPercent, D::kLowerIsBetter},
    {"sla_breaches", "SLA breaches 超时件数", "SLA breaches", F::kCount, C::kSlaBreaches,
     std::nullopt, std::nullopt, kBreachSources, U::kCount, D::kLowerIsBetter},
    {"abandonment_rate", "Call abandonment rate 呼损率", "calls abandoned / calls offered × 100 %",
     F::kRatio, C::kCallsAbandoned, C::kCallsOffered, std::nullopt, kAbandonSources,
     U::kPercent, D::kLowerIsBetter},
    {"average_speed_of_answer", "Average speed of answer 平均应答时长",
     "Σ answer wait seconds / calls answered", F::kMean, C::kAnswerWaitSeconds,
     C::kCallsAnswered, std::nullopt, kAnsweredSources, U::kSeconds, D::kLowerIsBetter},
    {"service_level", "Service level 服务水平",
     "answered within T s / (answered + abandoned after S s) × 100 %", F::kRatio,
     C::kCallsAnsweredInTime, C::kServiceLevelCalls, std::nullopt, kServiceLevelSources,
     U::kPercent, D::kHigherIsBetter},
    {"average_handle_time", "Average handle time 平均处理时长", "Σ handle seconds / calls ended",
     F::kMean, C::kHandleSeconds, C::kCallsEnded, std::nullopt, kEndedSources, U::kSeconds,
     D::kLowerIsBetter},
    // Incidents (sqms.incidents.v1); drills are the same KPIs queried with
    // the drill flag, never part of these.
    {"mtta", "Mean time to acknowledge MTTA 平均确认时长",
     "Σ (acknowledged_at − opened_at) / incidents acknowledged", F::kMean,
     C::kAcknowledgeSeconds, C::kIncidentsAcknowledged, std::nullopt, kIncidentAckSources,
     U::kSeconds, D::kLowerIsBetter},
    {"mttr", "Mean time to resolve MTTR 平均恢复时长",
     "Σ (resolved_at − opened_at) / incidents resolved", F::kMean, C::kRestoreSeconds,
     C::kIncidentsResolved, std::nullopt, kIncidentResolvedSources, U::kSeconds,
     D::kLowerIsBetter},
};

int64_t Read(const CounterValues& counters, Counter counter) {
  return counters[static_cast<size_t>(counter)];
}

// The value for n / d; d > 0. Each form is one division of exact
// integers (exact in doubles below 2^53), so the value is the double
// nearest the exact figure: 7 abandoned of 100 is 7, the threshold "7"
// itself, where n / d × 100 rounded twice and read 7.000000000000001 — a
// breach of "≤ 7 %" at the threshold (docs/kpis.md, "Targets").
double ValueOf(Form form, double n, double d, double n2) {
  switch (form) {
    case Form::kRatio:
      return n * 100.0 / d;
    case Form::kOneMinusRatio:
    case Form::kScheduleShare:
      return (d - n) * 100.0 / d;
    case Form::kMean:
      return n / d;
    case Form::kCount:
      return n;
    case Form::kNps:
      return (n - n2) * 100.0 / d;
    case Form::kIndex:
      return n * 20.0 / d;
    case Form::kPerTenThousand:
      return n * 10000.0 / d;
    case Form::kP90:
      break;  // not a ratio: Percentile
  }
  return 0;
}

// kP90: the histogram of kDurationBucketCount counters from kpi.numerator.
KpiValue Percentile(const KpiDefinition& kpi, const CounterValues& counters) {
  const auto first = static_cast<size_t>(kpi.numerator);
  const std::span<const int64_t> buckets(counters.data() + first, kDurationBucketCount);
  KpiValue out;
  for (int64_t in : buckets) out.denominator += in;
  if (auto p = PercentileOfBuckets(buckets, 90)) {
    out.value = p->value;
    out.numerator = p->through;
  }
  return out;
}

// What `kpi` divides by: a counter, a configured base, or (kCount) the count.
int64_t DenominatorOf(const KpiDefinition& kpi, const CounterValues& counters,
                      const Bases& bases, int64_t numerator) {
  switch (kpi.form) {
    case Form::kCount:
      return numerator;
    case Form::kPerTenThousand:
      return bases.volume.value_or(0);
    case Form::kScheduleShare:
      return bases.scheduled_seconds.value_or(0);
    default:
      return kpi.denominator.has_value() ? Read(counters, *kpi.denominator) : 0;
  }
}

}  // namespace

std::span<const KpiDefinition> KpiDefinitions() { return kKpis; }

const KpiDefinition* FindKpi(std::string_view name) {
  for (const KpiDefinition& kpi : kKpis) {
    if (kpi.name == name) return &kpi;
  }
  return nullptr;
}

std::optional<Counter> OpenWindowOutcome(const KpiDefinition& kpi) {
  if (kpi.denominator != Counter::kCallsOffered) return std::nullopt;
  if (kpi.numerator == Counter::kCallsAnswered) return Counter::kCallsAbandoned;
  if (kpi.numerator == Counter::kCallsAbandoned) return Counter::kCallsAnswered;
  return std::nullopt;
}

KpiValue Compute(const KpiDefinition& kpi, const CounterValues& counters, const Bases& bases,
                 Settlement settlement) {
  if (kpi.form == Form::kP90) return Percentile(kpi, counters);
  KpiValue out;
  out.numerator = Read(counters, kpi.numerator);
  if (kpi.numerator2.has_value()) out.numerator2 = Read(counters, *kpi.numerator2);
  if (kpi.numerator2.has_value() &&
      (kpi.form == Form::kCount || kpi.form == Form::kPerTenThousand)) {
    out.numerator -= out.numerator2;  // a net count
  }
  out.denominator = DenominatorOf(kpi, counters, bases, out.numerator);
  if (const std::optional<Counter> other = OpenWindowOutcome(kpi);
      other && settlement == Settlement::kOpen) {
    out.denominator = out.numerator + Read(counters, *other);
  }
  if (kpi.form == Form::kCount) {
    out.value = static_cast<double>(out.numerator);
  } else if (out.denominator > 0) {
    // Not clamped: a ratio above 100 % means inconsistent input, which
    // must stay visible rather than be hidden.
    out.value = ValueOf(kpi.form, static_cast<double>(out.numerator),
                        static_cast<double>(out.denominator),
                        static_cast<double>(out.numerator2));
  }
  // Net promoters, so that value = numerator / denominator × 100 as for a ratio.
  if (kpi.form == Form::kNps) out.numerator -= out.numerator2;
  return out;
}

}  // namespace sqms::metrics::domain
