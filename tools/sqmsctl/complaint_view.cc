#include "tools/sqmsctl/complaint_view.h"

#include <algorithm>
#include <cstdint>
#include <limits>

#include "absl/time/time.h"

#include "tools/sqmsctl/enum_names.h"
#include "tools/sqmsctl/rpc_error.h"
#include "tools/sqmsctl/triage_view.h"

namespace sqms::tools {

namespace {

namespace cv1 = ::sqms::complaints::v1;

constexpr int kTitleWidth = 40;

void AddLine(std::string_view key, const std::string& value, std::string& out) {
  if (value.empty() || value == "-") return;
  out += PadRight(std::string(key) + ":", 16) + value + "\n";
}

std::string Transition(cv1::Status from, cv1::Status to) {
  if (from == to) return EnumShortName(to);
  return EnumShortName(from) + " -> " + EnumShortName(to);
}

std::string AuditTable(const cv1::Complaint& complaint) {
  Table table({"AT", "ACTOR", "ACTION", "STATUS", "VERSION", "NOTE"});
  for (const cv1::AuditEntry& entry : complaint.audit()) {
    table.AddRow({FormatTimestamp(entry.at()), entry.actor(), entry.action(),
                  Transition(entry.from_status(), entry.to_status()),
                  std::to_string(entry.version()), Truncate(entry.note(), 60)});
  }
  return table.Render();
}

std::string LocationText(const cv1::Location& location) {
  std::string out;
  for (const std::string* part :
       {&location.region(), &location.station(), &location.line(), &location.service_number()}) {
    if (part->empty()) continue;
    if (!out.empty()) out += " / ";
    out += *part;
  }
  return out;
}

// "met <when>", with the working time since receipt when the service
// measured it: "met 2026-11-21T12:00:00+08:00 after 4h working".
std::string MetText(const cv1::SlaDeadline& deadline) {
  std::string text = "met " + FormatTimestamp(deadline.met_at());
  if (deadline.has_met_after_working_seconds()) {
    const int64_t seconds = deadline.met_after_working_seconds();
    const std::string took =
        seconds == 0 ? std::string("0s") : absl::FormatDuration(absl::Seconds(seconds));
    text += " after " + took + " working";
  }
  return text;
}

std::string ComplainantText(const cv1::Complainant& who) {
  std::string out = who.name();
  for (const std::string* part : {&who.phone(), &who.email(), &who.id_number()}) {
    if (part->empty()) continue;
    out += (out.empty() ? "" : " ") + *part;
  }
  return out;
}

void AddResolution(const cv1::Complaint& complaint, std::string& out) {
  const cv1::Resolution& resolution = complaint.resolution();
  AddLine("findings", resolution.findings(), out);
  AddLine("root cause", resolution.root_cause(), out);
  AddLine("action", resolution.corrective_action(), out);
  AddLine("reply", complaint.reply(), out);
  if (complaint.follow_up().has_at()) {  // recorded (the message itself is always present)
    const cv1::FollowUp& follow_up = complaint.follow_up();
    AddLine("follow-up",
            std::string(follow_up.satisfied() ? "satisfied" : "unsatisfied") + " score " +
                std::to_string(follow_up.score()) + " " + follow_up.comment(),
            out);
  }
}

}  // namespace

std::string SlaSummary(const cv1::SlaClock& sla) {
  bool at_risk = false;
  bool pending = false;
  for (const cv1::SlaDeadline& deadline : sla.deadlines()) {
    if (deadline.breached()) return "breached";
    at_risk = at_risk || (deadline.at_risk() && !deadline.has_met_at());
    pending = pending || !deadline.has_met_at();
  }
  if (sla.paused()) return "paused";
  if (at_risk) return "at risk";
  if (!sla.deadlines().empty() && !pending) return "met";
  return "ok";
}

std::string NextDue(const cv1::SlaClock& sla) {
  const cv1::SlaDeadline* next = nullptr;
  for (const cv1::SlaDeadline& deadline : sla.deadlines()) {
    if (deadline.has_met_at() || !deadline.has_due()) continue;
    if (next == nullptr || deadline.due().seconds() < next->due().seconds()) next = &deadline;
  }
  if (next == nullptr) return "-";
  return FormatTimestamp(next->due()) + " (" + EnumShortName(next->target()) + ")";
}

Table ComplaintListTable(const std::vector<const cv1::Complaint*>& complaints) {
  Table table({"ID", "STATUS", "PRI", "CATEGORY", "CHANNEL", "DEPARTMENT", "ASSIGNEE", "STATION",
               "RECEIVED", "SLA", "NEXT DUE", "TITLE"});
  for (const cv1::Complaint* c : complaints) {
    table.AddRow({c->id(), EnumShortName(c->status()), EnumShortName(c->priority()),
                  EnumShortName(c->category()), EnumShortName(c->channel()), c->department(),
                  c->assignee().empty() ? "-" : c->assignee(), c->location().station(),
                  FormatTimestamp(c->received_at()), SlaSummary(c->sla()), NextDue(c->sla()),
                  Truncate(c->title(), kTitleWidth)});
  }
  return table;
}

std::string ComplaintDetail(const cv1::Complaint& c, bool with_audit) {
  std::string out;
  AddLine("id", c.id(), out);
  AddLine("status", EnumShortName(c.status()) + " (version " + std::to_string(c.version()) + ")",
          out);
  AddLine("priority",
          EnumShortName(c.priority()) + " (urgency " + EnumShortName(c.urgency()) +
              ", importance " + EnumShortName(c.importance()) + ")",
          out);
  AddLine("category", EnumShortName(c.category()) + (c.category_overridden() ? " (override)" : ""),
          out);
  AddLine("channel", EnumShortName(c.channel()), out);
  AddLine("department", c.department(), out);
  AddLine("assignee", c.assignee(), out);
  AddLine("title", c.title(), out);
  AddLine("content", c.content(), out);
  AddLine("complainant", ComplainantText(c.complainant()), out);
  AddLine("location", LocationText(c.location()), out);
  AddLine("received", FormatTimestamp(c.received_at()), out);
  AddLine("updated", FormatTimestamp(c.updated_at()), out);
  AddLine("sla", SlaSummary(c.sla()), out);
  for (const cv1::SlaDeadline& deadline : c.sla().deadlines()) {
    std::string state = deadline.has_met_at() ? MetText(deadline)
                        : deadline.breached() ? "breached"
                        : deadline.at_risk()  ? "at risk"
                                              : "pending";
    AddLine("due", PadRight(EnumShortName(deadline.target()), 15) +
                       FormatTimestamp(deadline.due()) + "  " + state, out);
  }
  AddLine("duplicate of", c.duplicate_of(), out);
  if (c.has_known_issue()) {
    const cv1::KnownIssue& k = c.known_issue();
    AddLine("known issue",
            k.incident_id() + " (" + k.title() + ", level " + k.level() + "), " +
                (k.held()              ? "SLA escalations held until it is resolved"
                 : k.has_released_at() ? "resolved " + FormatTimestamp(k.released_at())
                                       : "active; SLA timers run (P1/safety)"),
            out);
  }
  if (c.escalation_level() > 0) AddLine("escalation", std::to_string(c.escalation_level()), out);
  if (c.reopen_count() > 0) AddLine("reopened", std::to_string(c.reopen_count()) + "x", out);
  AddResolution(c, out);
  AddLine("closed", FormatTimestamp(c.closed_at()), out);
  if (c.has_triage()) out += "triage:\n" + TriageExplanationText(c.triage(), "  ");
  if (with_audit && !c.audit().empty()) out += "\n" + AuditTable(c);
  return out;
}

Table SubmitResultTable() {
  return Table({"LINE", "SEQ", "RESULT", "ID", "CATEGORY", "PRI", "DEPARTMENT", "KEY", "DETAIL"});
}

void AddSubmitResult(const cv1::StreamComplaintsResponse& response, int line,
                     const std::string& key, Table& table) {
  std::string seq = std::to_string(response.sequence());
  std::string at = line > 0 ? std::to_string(line) : "-";
  if (response.has_error()) {
    std::string detail = FormatRpcStatus(response.error());
    table.AddRow({at, seq, StatusCodeName(response.error().code()), "", "", "", "", key,
                  Truncate(detail.substr(detail.find(": ") + 2), 100)});
    return;
  }
  const cv1::Complaint& c = response.accepted().complaint();
  std::string result = response.accepted().replayed() ? "replayed"
                       : c.duplicate_of().empty()     ? "accepted"
                                                      : "duplicate";
  table.AddRow({at, seq, result, c.id(), EnumShortName(c.category()), EnumShortName(c.priority()),
                c.department(), key, c.duplicate_of()});
}

namespace {
// AT, TYPE, ID, STATUS, PRI, CATEGORY, then DEPARTMENT (last, unpadded).
constexpr int kWatchWidths[] = {25, 28, 25, 31, 3, 16};

std::string WatchRow(const std::vector<std::string>& cells) {
  return FixedColumns(cells, kWatchWidths);
}
}  // namespace

std::string WatchHeader() {
  return WatchRow({"AT", "TYPE", "ID", "STATUS", "PRI", "CATEGORY", "DEPARTMENT"});
}

std::string WatchLine(const events::v1::ComplaintEvent& event) {
  const cv1::Complaint& c = event.complaint();
  std::string type = EnumShortName(event.type());
  if (event.sla_target() != cv1::SLA_TARGET_UNSPECIFIED) {
    type += "(" + EnumShortName(event.sla_target()) + ")";
  }
  return WatchRow({FormatTimestamp(event.occurred_at()), type, c.id(),
                   Transition(event.from_status(), event.to_status()),
                   EnumShortName(c.priority()), EnumShortName(c.category()), c.department()});
}

std::string ContactAckLine(const contact::v1::ContactEventAck& ack) {
  std::string result = ack.status().code() == 0 ? "OK" : FormatRpcStatus(ack.status());
  return PadRight(std::to_string(ack.sequence()), 6) + " " + PadRight(ack.event_id(), 36) + " " +
         result;
}

}  // namespace sqms::tools
