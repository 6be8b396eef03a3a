#include "services/metrics/domain/event.h"

#include <array>
#include <type_traits>
#include <utility>

namespace sqms::metrics::domain {
namespace {

template <typename T>
constexpr std::string_view NameOf() {
  if constexpr (std::is_same_v<T, CallOffered>) return "call_offered";
  else if constexpr (std::is_same_v<T, CallAnswered>) return "call_answered";
  else if constexpr (std::is_same_v<T, CallAbandoned>) return "call_abandoned";
  else if constexpr (std::is_same_v<T, CallEnded>) return "call_ended";
  else if constexpr (std::is_same_v<T, ConsultationCreated>) return "consultation_created";
  else if constexpr (std::is_same_v<T, ConsultationDispatched>) return "consultation_dispatched";
  else if constexpr (std::is_same_v<T, SurveyAnswered>) return "survey_answered";
  else if constexpr (std::is_same_v<T, OutageEnded>) return "outage_ended";
  else if constexpr (std::is_same_v<T, ComplaintSubmitted>) return "complaint_submitted";
  else if constexpr (std::is_same_v<T, ComplaintFirstResponse>) return "complaint_first_response";
  else if constexpr (std::is_same_v<T, ComplaintResolved>) return "complaint_resolved";
  else if constexpr (std::is_same_v<T, ComplaintReplied>) return "complaint_replied";
  else if constexpr (std::is_same_v<T, ComplaintFollowedUp>) return "complaint_followed_up";
  else if constexpr (std::is_same_v<T, ComplaintReopened>) return "complaint_reopened";
  else if constexpr (std::is_same_v<T, ComplaintSlaBreached>) return "complaint_sla_breached";
  else if constexpr (std::is_same_v<T, IncidentAcknowledged>) return "incident_acknowledged";
  else if constexpr (std::is_same_v<T, IncidentResolved>) return "incident_resolved";
  else if constexpr (std::is_same_v<T, ComplaintResolutionRevoked>) {
    return "complaint_resolution_revoked";
  }
  else if constexpr (std::is_same_v<T, ComplaintHandled>) return "complaint_handled";
  else {
    static_assert(std::is_same_v<T, IncidentOutage>, "a body type without a name");
    return "incident_outage";
  }
}

}  // namespace

std::string_view EventTypeNameAt(size_t index) {
  static constexpr auto kNames = []<size_t... I>(std::index_sequence<I...>) {
    return std::array<std::string_view, kEventTypeCount>{
        NameOf<std::variant_alternative_t<I, EventBody>>()...};
  }(std::make_index_sequence<kEventTypeCount>());
  return index < kNames.size() ? kNames[index] : std::string_view();
}

std::string_view EventTypeName(const EventBody& body) {
  return std::visit([](const auto& b) { return NameOf<std::decay_t<decltype(b)>>(); }, body);
}

}  // namespace sqms::metrics::domain
