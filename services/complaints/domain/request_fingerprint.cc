#include "services/complaints/domain/request_fingerprint.h"

#include <string_view>

#include "absl/strings/str_cat.h"

#include "sqms/runtime/canonical_fields.h"

namespace sqms::complaints::domain {

using Canon = runtime::CanonicalFields;

std::string CanonicalSubmission(const Submission& s) {
  Canon c;
  c.Add("kind", "submit")
      .Add("channel", static_cast<int64_t>(s.channel))
      .Add("title", s.title)
      .Add("content", s.content)
      .Add("complainant.name", s.complainant.name)
      .Add("complainant.phone", s.complainant.phone)
      .Add("complainant.email", s.complainant.email)
      .Add("complainant.id_number", s.complainant.id_number)
      .Add("complainant.member_number", s.complainant.member_number)
      .Add("complainant.ticket_number", s.complainant.ticket_number)
      .Add("location.region", s.location.region)
      .Add("location.station", s.location.station)
      .Add("location.line", s.location.line)
      .Add("location.service_number", s.location.service_number)
      .AddTime("occurred_at", s.occurred_at)
      .Add("category", static_cast<int64_t>(s.category))
      .Add("urgency", static_cast<int64_t>(s.urgency))
      .Add("importance", static_cast<int64_t>(s.importance));
  return c.Take();
}

std::string CanonicalCommand(const std::string& complaint_id, int64_t expected_version,
                             const Command& command) {
  Canon c;
  c.Add("kind", std::string(CommandName(command.kind)))
      .Add("id", complaint_id)
      .Add("expected_version", expected_version)
      .Add("actor", command.actor)
      .Add("note", command.note)
      .Add("department", command.department)
      .Add("assignee", command.assignee)
      .Add("findings", command.findings)
      .Add("root_cause", command.root_cause)
      .Add("corrective_action", command.corrective_action)
      .Add("reply", command.reply)
      .Add("satisfied", command.satisfied ? 1 : 0)
      .Add("score", command.score)
      .Add("comment", command.comment)
      .Add("category", static_cast<int64_t>(command.category))
      .Add("priority", static_cast<int64_t>(command.priority));
  return c.Take();
}

std::string CanonicalContactEvent(const ContactEvent& e) {
  Canon c;
  c.Add("kind", std::string(ContactKindName(e.kind)))
      .Add("contact_id", e.contact_id)
      .AddTime("occurred_at", e.occurred_at)
      .Add("channel", e.channel)
      .Add("department", e.department)
      .Add("region", e.region)
      .Add("station", e.station)
      .Add("line", e.line)
      .Add("agent", e.agent)
      .Add("category", e.category)
      .Add("drill", e.drill ? 1 : 0)
      .Add("queue", e.queue)
      .AddOptional("wait_seconds", e.wait_seconds)
      .AddOptional("handle_seconds", e.handle_seconds)
      .Add("resolved_first_contact", e.resolved_first_contact ? 1 : 0)
      .Add("dispatched_work_order", e.dispatched_work_order ? 1 : 0)
      .Add("topic", e.topic)
      .Add("work_order_id", e.work_order_id)
      .AddOptional("unsatisfied", e.unsatisfied)
      .AddOptional("csat", e.csat)
      .AddOptional("nps", e.nps)
      .Add("csi", static_cast<int64_t>(e.csi.size()));
  for (const auto& [dimension, score] : e.csi) c.Add(absl::StrCat("csi.", dimension), score);
  c.Add("comment", e.comment)
      .Add("platform", static_cast<int64_t>(e.platform))
      .Add("description", e.description)
      .AddOptional("outage_seconds", e.outage_seconds);
  return c.Take();
}

}  // namespace sqms::complaints::domain
