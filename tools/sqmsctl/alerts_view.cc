#include "tools/sqmsctl/alerts_view.h"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/sqmsctl/enum_names.h"

namespace sqms::tools {
namespace {

namespace av1 = ::sqms::alerts::v1;

constexpr int kTitleWidth = 40;
constexpr int kTextWidth = 100;

void AddLine(std::string_view key, const std::string& value, std::string& out) {
  if (value.empty() || value == "-") return;
  out += PadRight(std::string(key) + ":", 16) + value + "\n";
}

// A titled table indented under its heading, or "(none)".
void AddSection(std::string_view heading, const Table& table, std::string& out) {
  out += std::string(heading) + ":\n";
  out += table.row_count() == 0 ? "  (none)\n" : Indented(table.Render(), "  ");
}

std::string YesNo(bool b) { return b ? "yes" : "no"; }

double SecondsBetween(const google::protobuf::Timestamp& from,
                      const google::protobuf::Timestamp& to) {
  return static_cast<double>(to.seconds() - from.seconds()) +
         (to.nanos() - from.nanos()) / 1e9;
}

// 1-based, as the service's timeline and pages say it; the proto's is 0-based.
std::string TierText(int tier, int repeat) {
  return repeat > 0 ? absl::StrCat(tier + 1, " r", repeat) : absl::StrCat(tier + 1);
}

// "k=v, k=v" sorted by name (proto maps have no order).
std::string LabelsText(const google::protobuf::Map<std::string, std::string>& labels) {
  std::vector<std::string> items;
  for (const auto& [name, value] : labels) items.push_back(absl::StrCat(name, "=", value));
  std::sort(items.begin(), items.end());
  return absl::StrJoin(items, ", ");
}

std::string WhenBy(const google::protobuf::Timestamp& at, const std::string& by) {
  const std::string when = FormatTimestamp(at);
  return when == "-" || by.empty() ? when : when + " by " + by;
}

void IncidentLines(const av1::Incident& i, std::string& out) {
  AddLine("id", i.id(), out);
  AddLine("title", i.title(), out);
  AddLine("state", absl::StrCat(IncidentStateText(i.state()), i.drill() ? " [drill]" : "",
                                " (version ", i.version(), ")"),
          out);
  AddLine("level", i.level(), out);
  AddLine("plan", i.plan_id(), out);
  AddLine("risk", i.risk_id(), out);
  AddLine("labels", LabelsText(i.labels()), out);
  AddLine("opened", FormatTimestamp(i.opened_at()), out);
  AddLine("acknowledged", WhenBy(i.acknowledged_at(), i.acknowledged_by()), out);
  AddLine("resolved", FormatTimestamp(i.resolved_at()), out);
  AddLine("closed", FormatTimestamp(i.closed_at()), out);
  std::string tier = "tier " + TierText(i.tier(), i.repeat()) + " notified last";
  if (i.has_next_escalation_at()) {
    tier += "; next escalation " + FormatTimestamp(i.next_escalation_at());
  }
  AddLine("escalation", tier, out);
  AddLine("alerts", absl::StrCat(i.alerts_firing(), " firing of ", i.alerts_total()), out);
  AddLine("complaints", absl::StrJoin(i.linked_complaints(), ", "), out);
  if (i.outage()) AddLine("outage", "yes (counts against system reliability)", out);
  AddLine("review", i.review(), out);
}

Table StepsTable(const av1::Incident& i) {
  Table table({"#", "DONE", "TITLE", "OWNER", "EXPECTED", "DONE AT", "BY"});
  for (const av1::StepStatus& s : i.steps()) {
    table.AddRow({absl::StrCat(s.index()), s.done() ? "yes" : "-", Truncate(s.title(), 60),
                  s.owner_role(), SecondsText(s.expected_minutes() * 60.0),
                  FormatTimestamp(s.done_at()), s.done_by()});
  }
  return table;
}

Table TimelineTable(const av1::Incident& i) {
  Table table({"AT", "ACTOR", "KIND", "TEXT"});
  for (const av1::TimelineEntry& e : i.timeline()) {
    table.AddRow({FormatTimestamp(e.at()), e.actor(), e.kind(), Truncate(e.text(), kTextWidth)});
  }
  return table;
}

Table DeliveriesTable(const av1::Incident& i) {
  Table table({"ID", "TARGET", "TIER", "STATUS", "ATTEMPTS", "HTTP", "LATENCY", "ERROR"});
  for (const av1::Delivery& d : i.deliveries()) {
    table.AddRow({d.id(), d.target(), TierText(d.tier(), d.repeat()), d.status(),
                  absl::StrCat(d.attempts()),
                  d.last_http_status() > 0 ? absl::StrCat(d.last_http_status()) : "-",
                  d.attempts() > 0 ? absl::StrCat(d.last_latency_ms(), " ms") : "-",
                  Truncate(d.last_error(), 60)});
  }
  return table;
}

std::string DecisionDetail(const av1::AlertDecision& d) {
  if (!d.silence_id().empty()) return "silence " + d.silence_id();
  if (!d.inhibited_by().empty()) return "inhibited by " + d.inhibited_by();
  return "";
}

std::string WindowText(const av1::Silence& s) {
  if (!s.has_recurrence()) return "-";
  const av1::Recurrence& r = s.recurrence();
  const std::string days = r.weekdays().empty() ? "daily" : absl::StrJoin(r.weekdays(), ",");
  return absl::StrCat(days, " ", r.start(), " for ", SecondsText(r.duration_minutes() * 60.0));
}

// " (1m5s faster)" / " (… slower)" / " (as before)" from the previous
// drill's time to now's; "" when either is missing (negative).
std::string Compared(double now, double previous) {
  if (now < 0 || previous < 0) return "";
  const double change = std::round(now) - std::round(previous);
  if (change == 0) return " (as before)";
  return absl::StrCat(" (", SecondsText(std::fabs(change)), change < 0 ? " faster" : " slower",
                      ")");
}

// Whether unfinished step `s` of `r` is missed, by the service's own count
// rather than this machine's clock (docs/alerts.md, drills): once the drill
// is resolved every unfinished step is; while it runs, those past their
// expected minutes. The service counted those at one instant, so they are
// the r.missed_steps() unfinished timed steps expected soonest (steps
// expected at the same minute are missed together or not at all).
bool Missed(const av1::DrillReport& r, const av1::DrillStep& s) {
  if (r.seconds_to_resolve() >= 0) return true;
  if (s.expected_minutes() <= 0) return false;  // no time set: due only at the end
  int due_no_later = 0;
  for (const av1::DrillStep& other : r.steps()) {
    if (!other.done() && other.expected_minutes() > 0 &&
        other.expected_minutes() <= s.expected_minutes()) {
      ++due_no_later;
    }
  }
  return due_no_later <= r.missed_steps();
}

std::string StepResult(const av1::DrillReport& r, const av1::DrillStep& s) {
  if (s.done()) return s.late() ? "late" : "on time";
  return Missed(r, s) ? "missed" : "pending";  // pending: the drill runs, not yet due
}

void DrillStepsSection(const av1::DrillReport& r, std::string& out) {
  Table table({"#", "STEP", "EXPECTED", "TAKEN", "RESULT"});
  for (const av1::DrillStep& s : r.steps()) {
    const std::string result = StepResult(r, s);
    table.AddRow({absl::StrCat(s.index()), Truncate(s.title(), 60),
                  SecondsText(s.expected_minutes() * 60.0),
                  s.done() ? SecondsText(s.minutes_taken() * 60) : "-", result});
  }
  AddSection(absl::StrCat("steps (", r.missed_steps(), " missed of ", r.steps_size(), ")"), table,
             out);
}

}  // namespace

std::string IncidentStateText(av1::IncidentState state) { return EnumShortName(state); }

std::string MatcherText(const av1::Matcher& m) {
  return absl::StrCat(m.label(), m.op(), "\"", m.value(), "\"");
}

std::string TriggerText(const av1::Trigger& t) {
  std::vector<std::string> matchers;
  for (const av1::Matcher& m : t.matchers()) matchers.push_back(MatcherText(m));
  std::string out = absl::StrCat("{", absl::StrJoin(matchers, ", "), "}");
  if (t.count() > 1) {
    absl::StrAppend(&out, " ×", t.count(), " within ", SecondsText(t.within_seconds()));
  }
  return out;
}

std::string SecondsText(double seconds) {
  if (seconds < 0) return "-";
  const double whole = std::round(seconds);
  return whole == 0 ? "0s" : absl::FormatDuration(absl::Seconds(whole));
}

Table IncidentsTable(const av1::ListIncidentsResponse& response) {
  Table table({"ID", "LEVEL", "STATE", "PLAN", "TITLE", "OPENED", "TIER", "FIRING"});
  for (const av1::Incident& i : response.incidents()) {
    // The service titles its drills "[DRILL] …"; mark only those it did not.
    const bool mark = i.drill() && !absl::StartsWith(i.title(), "[DRILL]");
    const std::string title = mark ? Truncate(i.title(), kTitleWidth - 8) + " [drill]"
                                   : Truncate(i.title(), kTitleWidth);
    table.AddRow({i.id(), i.level(), IncidentStateText(i.state()), i.plan_id(), title,
                  FormatTimestamp(i.opened_at()), TierText(i.tier(), i.repeat()),
                  absl::StrCat(i.alerts_firing(), "/", i.alerts_total())});
  }
  return table;
}

namespace {
// AT, ID, LEVEL, STATE, TIER, FIRING, VERSION, PLAN, then TITLE (unpadded).
constexpr int kIncidentWatchWidths[] = {25, 21, 5, 12, 6, 6, 7, 24};

std::string IncidentWatchRow(const std::vector<std::string>& cells) {
  return FixedColumns(cells, kIncidentWatchWidths);
}
}  // namespace

std::string IncidentWatchHeader() {
  return IncidentWatchRow(
      {"AT", "ID", "LEVEL", "STATE", "TIER", "FIRING", "VERSION", "PLAN", "TITLE"});
}

std::string IncidentWatchLine(const av1::Incident& i, absl::Time received) {
  const bool mark = i.drill() && !absl::StartsWith(i.title(), "[DRILL]");
  google::protobuf::Timestamp at;
  at.set_seconds(absl::ToUnixSeconds(received));
  return IncidentWatchRow(
      {FormatTimestamp(at), i.id(), i.level(), IncidentStateText(i.state()),
       TierText(i.tier(), i.repeat()), absl::StrCat(i.alerts_firing(), "/", i.alerts_total()),
       std::to_string(i.version()), i.plan_id(), mark ? i.title() + " [drill]" : i.title()});
}

std::string IncidentDetail(const av1::Incident& incident, bool full) {
  std::string out;
  IncidentLines(incident, out);
  AddSection("steps", StepsTable(incident), out);
  if (full) {
    AddSection("timeline", TimelineTable(incident), out);
    AddSection("deliveries", DeliveriesTable(incident), out);
  }
  return out;
}

std::string RaiseAlertText(const av1::RaiseAlertResponse& response) {
  std::string out;
  AddLine("fingerprint", response.fingerprint(), out);
  if (response.decisions().empty()) return out + "no plan matched\n";
  Table table({"PLAN", "OUTCOME", "INCIDENT", "DETAIL"});
  for (const av1::AlertDecision& d : response.decisions()) {
    table.AddRow({d.plan_id(), EnumShortName(d.outcome()), d.incident_id(), DecisionDetail(d)});
  }
  return out + table.Render();
}

Table PlansTable(const av1::ListPlansResponse& response) {
  Table table({"ID", "NAME", "LEVEL", "RISK", "TRIGGERS", "STEPS", "TIERS", "FLAGS"});
  for (const av1::Plan& p : response.plans()) {
    std::vector<std::string> flags;
    if (p.auto_resolve()) flags.push_back("auto-resolve");
    if (p.outage()) flags.push_back("outage");
    if (p.retired()) flags.push_back("retired");
    table.AddRow({p.id(), Truncate(p.name(), kTitleWidth), p.level(), p.risk_id(),
                  absl::StrCat(p.triggers_size()), absl::StrCat(p.steps_size()),
                  absl::StrCat(p.escalation_size()), absl::StrJoin(flags, ",")});
  }
  return table;
}

std::string PlanDetail(const av1::Plan& p) {
  std::string out;
  AddLine("id", p.id(), out);
  AddLine("name", p.name(), out);
  AddLine("level", p.level(), out);
  AddLine("risk", p.risk_id(), out);
  AddLine("version", absl::StrCat(p.version()), out);
  if (p.retired()) {
    AddLine("retired", "yes: gone from the configuration, it only escalates its open incidents",
            out);
  }
  AddLine("group by", p.group_by().empty() ? "(one incident per plan)"
                                           : absl::StrJoin(p.group_by(), ", "),
          out);
  AddLine("auto-resolve", YesNo(p.auto_resolve()), out);
  AddLine("outage", YesNo(p.outage()), out);
  AddLine("ack expiry", p.ack_expiry_seconds() > 0 ? SecondsText(p.ack_expiry_seconds())
                                                   : "never (holds until resolved)",
          out);
  out += "triggers:\n";
  for (const av1::Trigger& t : p.triggers()) out += "  " + TriggerText(t) + "\n";
  Table steps({"#", "TITLE", "OWNER", "EXPECTED"});
  for (int s = 0; s < p.steps_size(); ++s) {
    const av1::Step& step = p.steps(s);
    steps.AddRow({absl::StrCat(s), step.title(), step.owner_role(),
                  SecondsText(step.expected_minutes() * 60.0)});
  }
  AddSection("steps", steps, out);
  Table tiers({"TIER", "NOTIFY", "TARGETS", "ACK TIMEOUT", "REPEATS"});
  for (int t = 0; t < p.escalation_size(); ++t) {
    const av1::Tier& tier = p.escalation(t);
    tiers.AddRow({TierText(t, 0), absl::StrJoin(tier.notify(), ", "),
                  absl::StrJoin(tier.targets(), ", "), SecondsText(tier.ack_timeout_seconds()),
                  absl::StrCat(tier.repeats())});
  }
  AddSection("escalation", tiers, out);
  return out;
}

Table RisksTable(const av1::ListRisksResponse& response) {
  std::vector<const av1::Risk*> risks;
  for (const av1::Risk& r : response.risks()) risks.push_back(&r);
  std::stable_sort(risks.begin(), risks.end(),
                   [](const av1::Risk* a, const av1::Risk* b) { return a->score() > b->score(); });
  Table table({"ID", "NAME", "PROBABILITY", "IMPACT", "SCORE", "LEVEL", "PLANS"});
  for (const av1::Risk* r : risks) {
    table.AddRow({r->id(), Truncate(r->name(), kTitleWidth), absl::StrCat(r->probability()),
                  absl::StrCat(r->impact()), absl::StrCat(r->score()), r->level(),
                  r->plans().empty() ? "-" : absl::StrJoin(r->plans(), ",")});
  }
  return table;
}

// A recurring silence is live ("active") between its windows too; the
// state says whether it mutes now.
std::string SilenceStateText(const av1::Silence& s) {
  if (s.state() != "active" || !s.has_recurrence()) return s.state();
  return s.muting() ? "active, in window" : "active, between windows";
}

Table SilencesTable(const av1::ListSilencesResponse& response) {
  Table table({"ID", "STATE", "MATCHERS", "STARTS", "ENDS", "WINDOW", "BY", "COMMENT"});
  for (const av1::Silence& s : response.silences()) {
    std::vector<std::string> matchers;
    for (const av1::Matcher& m : s.matchers()) matchers.push_back(MatcherText(m));
    table.AddRow({s.id(), SilenceStateText(s), absl::StrJoin(matchers, ", "),
                  FormatTimestamp(s.starts_at()),
                  s.has_ends_at() ? FormatTimestamp(s.ends_at()) : "never", WindowText(s),
                  s.created_by(), Truncate(s.comment(), kTitleWidth)});
  }
  return table;
}

Table MutedAlertsTable(const av1::ListMutedAlertsResponse& response) {
  Table table({"FINGERPRINT", "KEPT", "SOURCE", "MUTED BY", "LABELS"});
  for (const av1::MutedAlert& a : response.alerts()) {
    std::vector<std::string> mutes;
    for (const av1::MutedAlert::Mute& m : a.mutes()) {
      mutes.push_back(absl::StrCat(m.plan_id(), ": ",
                                   m.silence_id().empty() ? "inhibited by " + m.inhibited_by()
                                                          : "silence " + m.silence_id()));
    }
    table.AddRow({a.fingerprint(), FormatTimestamp(a.kept_at()), a.source(),
                  absl::StrJoin(mutes, "; "), Truncate(LabelsText(a.labels()), kTextWidth)});
  }
  return table;
}

namespace {

// The footer of a list with more pages.
std::string NextPageLine(const std::string& token) {
  return token.empty() ? "" : absl::StrCat("next page: --page-token ", token, "\n");
}

}  // namespace

std::string IncidentsText(const av1::ListIncidentsResponse& response) {
  const Table table = IncidentsTable(response);
  return absl::StrCat(table.Render(), table.row_count(), " incident(s)\n",
                      NextPageLine(response.next_page_token()));
}

std::string MutedAlertsText(const av1::ListMutedAlertsResponse& response) {
  const Table table = MutedAlertsTable(response);
  std::string out = table.Render() + std::to_string(table.row_count());
  if (response.matched() > static_cast<int>(table.row_count())) {
    absl::StrAppend(&out, " of ", response.matched());
  }
  absl::StrAppend(&out, " muted alert(s)\n", NextPageLine(response.next_page_token()));
  return out;
}

std::string DrillReportText(const av1::DrillReport& r) {
  std::string out;
  AddLine("incident", r.incident_id(), out);
  AddLine("plan", r.plan_id(), out);
  AddLine("started", FormatTimestamp(r.started_at()), out);
  AddLine("acknowledged",
          r.seconds_to_acknowledge() < 0
              ? "not acknowledged"
              : absl::StrCat("after ", SecondsText(r.seconds_to_acknowledge()), " at tier ",
                             TierText(r.acknowledged_at_tier(), 0)),
          out);
  AddLine("resolved", r.seconds_to_resolve() < 0
                          ? "not resolved"
                          : "after " + SecondsText(r.seconds_to_resolve()),
          out);
  Table tiers({"TIER", "NOTIFIED", "AFTER"});
  for (const av1::DrillTier& t : r.tiers()) {
    tiers.AddRow({TierText(t.tier(), 0), FormatTimestamp(t.notified_at()),
                  SecondsText(SecondsBetween(r.started_at(), t.notified_at()))});
  }
  AddSection("tiers notified", tiers, out);
  DrillStepsSection(r, out);
  if (r.previous_incident_id().empty()) {
    out += "previous drill: none (the first drill of this plan)\n";
    return out;
  }
  out += "previous drill: " + r.previous_incident_id() + "\n";
  out += "  acknowledged  " + SecondsText(r.previous_seconds_to_acknowledge()) + " then, " +
         SecondsText(r.seconds_to_acknowledge()) + " now" +
         Compared(r.seconds_to_acknowledge(), r.previous_seconds_to_acknowledge()) + "\n";
  out += "  resolved      " + SecondsText(r.previous_seconds_to_resolve()) + " then, " +
         SecondsText(r.seconds_to_resolve()) + " now" +
         Compared(r.seconds_to_resolve(), r.previous_seconds_to_resolve()) + "\n";
  return out;
}

}  // namespace sqms::tools
