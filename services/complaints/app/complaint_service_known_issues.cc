// ComplaintService: known issues (complaint_service.h, ApplyIncidentChange).
#include "absl/strings/str_cat.h"
#include "services/complaints/app/complaint_service.h"
#include "services/complaints/domain/known_issue.h"
#include "sqms/runtime/ids.h"

namespace sqms::complaints::app {
namespace {

constexpr int kMaxReleaseAttempts = 5;
constexpr int kReleasePage = 200;
// Complaints are linked only once the registry knows the incident, which
// is after it opened; the margin covers the two services' clocks.
constexpr absl::Duration kClockMargin = absl::Minutes(5);

}  // namespace

absl::Status ComplaintService::ApplyIncidentChange(const domain::IncidentChange& change) {
  if (known_issues_ == nullptr) {
    return absl::FailedPreconditionError("known issues are not enabled");
  }
  if (auto s = known_issues_->Record(change); !s.ok()) return s;
  if (!change.ended) return absl::OkStatus();
  return ReleaseLinked(change.incident);
}

absl::Status ComplaintService::ReleaseLeftIncidents() {
  if (known_issues_ == nullptr) return absl::OkStatus();
  absl::Status first = absl::OkStatus();
  for (domain::ActiveIncident& incident : known_issues_->TakeLeft()) {
    absl::Status released = ReleaseLinked(incident);
    if (released.ok()) continue;
    if (first.ok()) first = released;
    known_issues_->ReturnLeft(std::move(incident));
  }
  return first;
}

absl::Status ComplaintService::ReleaseLinked(const domain::ActiveIncident& incident) {
  ports::ListQuery query;
  query.incident_id = incident.id;
  query.created_after = incident.opened_at - kClockMargin;
  query.page_size = kReleasePage;
  do {
    auto page = repository_.List(query);
    if (!page.ok()) return page.status();
    for (const domain::Complaint& c : page->complaints) {
      if (!c.known_issue || !c.known_issue->active()) continue;
      if (auto s = ReleaseOne(c.id, incident.id); !s.ok()) return s;
    }
    query.page_token = page->next_page_token;
  } while (!query.page_token.empty());
  return absl::OkStatus();
}

absl::Status ComplaintService::ReleaseOne(const std::string& id, const std::string& incident_id) {
  for (int attempt = 0; attempt < kMaxReleaseAttempts; ++attempt) {
    auto complaint = repository_.Get(id, /*with_audit=*/false);
    if (absl::IsNotFound(complaint.status())) return absl::OkStatus();
    if (!complaint.ok()) return complaint.status();
    const int64_t loaded = complaint->version;
    std::vector<domain::Event> events =
        domain::ReleaseKnownIssue(*complaint, incident_id, Now());
    if (events.empty()) return absl::OkStatus();  // released already, or not ours
    ports::ComplaintUpdate update;
    update.expected_version = loaded;
    update.timers = domain::PendingTimers(*complaint);
    update.complainant_key = ComplainantKey(complaint->complainant);
    for (auto& e : events) update.events.push_back({runtime::NewEventId(), std::move(e)});
    update.complaint = *std::move(complaint);
    auto won = repository_.Update(update);
    if (!won.ok()) return won.status();
    if (*won) {
      if (observer_.known_issue_released) observer_.known_issue_released(update.complaint);
      return absl::OkStatus();
    }
  }
  return absl::AbortedError(absl::StrCat("complaint ", id, " is changing too often; retry"));
}

}  // namespace sqms::complaints::app
