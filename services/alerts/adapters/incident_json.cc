#include "services/alerts/adapters/incident_json.h"

#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"

namespace sqms::alerts::adapters {
namespace {

using nlohmann::json;

void PutTime(json& j, const char* name, absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) return;
  j[name] = absl::ToUnixMillis(t);
}

absl::Time GetTime(const json& j, const char* name, absl::Time never) {
  auto it = j.find(name);
  if (it == j.end() || it->is_null()) return never;
  return absl::FromUnixMillis(it->get<int64_t>());
}

template <typename T>
T Get(const json& j, const char* name, T fallback) {
  auto it = j.find(name);
  return it == j.end() || it->is_null() ? fallback : it->get<T>();
}

json LabelsJson(const domain::Labels& labels) {
  json out = json::object();
  for (const auto& [k, v] : labels) out[k] = v;
  return out;
}

domain::Labels JsonLabels(const json& j, const char* name) {
  domain::Labels out;
  auto it = j.find(name);
  if (it == j.end()) return out;
  for (const auto& [k, v] : it->items()) out[k] = v.get<std::string>();
  return out;
}

json TimelineJson(const std::vector<ports::TimelineEntry>& timeline) {
  json out = json::array();
  for (const ports::TimelineEntry& e : timeline) {
    out.push_back({{"at", absl::ToUnixMillis(e.at)}, {"actor", e.actor}, {"kind", e.kind},
                   {"text", e.text}});
  }
  return out;
}

json StepsJson(const std::vector<ports::StepRecord>& steps) {
  json out = json::array();
  for (const ports::StepRecord& s : steps) {
    json j = {{"done", s.done}, {"by", s.done_by}};
    PutTime(j, "at", s.done_at);
    if (s.definition) {
      j["title"] = s.definition->title;
      j["owner"] = s.definition->owner_role;
      j["minutes"] = s.definition->expected_minutes;
    }
    out.push_back(std::move(j));
  }
  return out;
}

template <typename F>
auto Guarded(const char* what, F&& decode) -> decltype(decode()) {
  try {
    return decode();
  } catch (const json::exception& e) {
    return absl::DataLossError(absl::StrCat("stored ", what, " does not decode: ", e.what()));
  }
}

// fingerprint → Unix ms (ports::Incident::alert_started).
json StartsJson(const std::map<std::string, absl::Time>& starts) {
  json out = json::object();
  for (const auto& [fingerprint, at] : starts) out[fingerprint] = absl::ToUnixMillis(at);
  return out;
}

}  // namespace

std::string EncodeIncident(const ports::Incident& i) {
  json j = {{"id", i.id},
            {"plan", i.plan_id},
            {"risk", i.risk_id},
            {"title", i.title},
            {"level", i.level},
            {"state", std::string(domain::IncidentStateName(i.state))},
            {"drill", i.drill},
            {"outage", i.outage},
            {"known_issue", i.known_issue_categories},
            {"group", i.group_key},
            {"labels", LabelsJson(i.labels)},
            {"first_alert", LabelsJson(i.first_alert)},
            {"acked_by", i.acknowledged_by},
            {"acked_tier", i.acknowledged_tier},
            {"review", i.review},
            {"tier", i.step.tier},
            {"repeat", i.step.repeat},
            {"seq", i.escalation_seq},
            {"alerts", i.alerts},
            {"alert_started", StartsJson(i.alert_started)},
            {"alerts_total", i.alerts_total},
            {"linked", i.linked_complaints},
            {"steps", StepsJson(i.steps)},
            {"timeline", TimelineJson(i.timeline)},
            {"deliveries", i.deliveries},
            {"version", i.version}};
  PutTime(j, "opened", i.opened_at);
  PutTime(j, "acked", i.acknowledged_at);
  PutTime(j, "resolved", i.resolved_at);
  PutTime(j, "closed", i.closed_at);
  PutTime(j, "next_escalation", i.next_escalation_at);
  PutTime(j, "quiet", i.quiet_since);
  return j.dump();
}

absl::StatusOr<ports::Incident> DecodeIncident(const std::string& text) {
  return Guarded("incident", [&]() -> absl::StatusOr<ports::Incident> {
    const json j = json::parse(text);
    ports::Incident i;
    i.id = j.at("id").get<std::string>();
    i.plan_id = Get<std::string>(j, "plan", "");
    i.risk_id = Get<std::string>(j, "risk", "");
    i.title = Get<std::string>(j, "title", "");
    i.level = Get<std::string>(j, "level", "");
    auto state = domain::ParseIncidentState(Get<std::string>(j, "state", ""));
    if (!state) return absl::DataLossError(absl::StrCat("incident ", i.id, ": unknown state"));
    i.state = *state;
    i.drill = Get<bool>(j, "drill", false);
    i.outage = Get<bool>(j, "outage", false);
    i.known_issue_categories =
        Get<std::vector<std::string>>(j, "known_issue", std::vector<std::string>());
    i.group_key = Get<std::string>(j, "group", "");
    i.labels = JsonLabels(j, "labels");
    i.first_alert = JsonLabels(j, "first_alert");
    i.opened_at = GetTime(j, "opened", absl::InfinitePast());
    i.acknowledged_at = GetTime(j, "acked", absl::InfinitePast());
    i.acknowledged_by = Get<std::string>(j, "acked_by", "");
    i.acknowledged_tier = Get<int>(j, "acked_tier", -1);
    i.resolved_at = GetTime(j, "resolved", absl::InfinitePast());
    i.closed_at = GetTime(j, "closed", absl::InfinitePast());
    i.quiet_since = GetTime(j, "quiet", absl::InfinitePast());
    i.review = Get<std::string>(j, "review", "");
    i.step = {Get<int>(j, "tier", 0), Get<int>(j, "repeat", 0)};
    i.escalation_seq = Get<int64_t>(j, "seq", 0);
    i.next_escalation_at = GetTime(j, "next_escalation", absl::InfiniteFuture());
    if (j.contains("alerts")) i.alerts = j["alerts"].get<std::map<std::string, bool>>();
    for (const auto& [fingerprint, ms] :
         j.value("alert_started", json::object()).get<std::map<std::string, int64_t>>()) {
      i.alert_started[fingerprint] = absl::FromUnixMillis(ms);
    }
    i.alerts_total = Get<int>(j, "alerts_total", 0);
    if (j.contains("linked")) i.linked_complaints = j["linked"].get<std::vector<std::string>>();
    for (const json& s : j.value("steps", json::array())) {
      ports::StepRecord record{.done = Get<bool>(s, "done", false),
                               .done_at = GetTime(s, "at", absl::InfinitePast()),
                               .done_by = Get<std::string>(s, "by", ""),
                               .definition = std::nullopt};
      if (s.contains("title")) {  // a document from before: none
        record.definition = domain::Step{.title = Get<std::string>(s, "title", ""),
                                         .owner_role = Get<std::string>(s, "owner", ""),
                                         .expected_minutes = Get<int>(s, "minutes", 0)};
      }
      i.steps.push_back(std::move(record));
    }
    for (const json& e : j.value("timeline", json::array())) {
      i.timeline.push_back({absl::FromUnixMillis(e.at("at").get<int64_t>()),
                            Get<std::string>(e, "actor", ""), Get<std::string>(e, "kind", ""),
                            Get<std::string>(e, "text", "")});
    }
    if (j.contains("deliveries")) i.deliveries = j["deliveries"].get<std::vector<std::string>>();
    i.version = Get<int64_t>(j, "version", 0);
    return i;
  });
}

std::string EncodeDelivery(const ports::Delivery& d) {
  json j = {{"id", d.id},        {"incident", d.incident_id}, {"target", d.target},
            {"kind", d.kind},    {"tier", d.tier},            {"repeat", d.repeat},
            {"recipients", d.recipients}, {"version", d.decided_version}};
  PutTime(j, "created", d.created_at);
  return j.dump();
}

absl::StatusOr<ports::Delivery> DecodeDelivery(const std::string& text) {
  return Guarded("delivery", [&]() -> absl::StatusOr<ports::Delivery> {
    const json j = json::parse(text);
    ports::Delivery d;
    d.id = j.at("id").get<std::string>();
    d.incident_id = j.at("incident").get<std::string>();
    d.target = Get<std::string>(j, "target", "");
    d.kind = Get<std::string>(j, "kind", "");
    d.tier = Get<int>(j, "tier", 0);
    d.repeat = Get<int>(j, "repeat", 0);
    if (j.contains("recipients")) d.recipients = j["recipients"].get<std::vector<std::string>>();
    d.decided_version = Get<int64_t>(j, "version", 0);
    d.created_at = GetTime(j, "created", absl::InfinitePast());
    return d;
  });
}

std::string EncodeSilence(const domain::Silence& s) {
  json matchers = json::array();
  for (const domain::Matcher& m : s.matchers) {
    matchers.push_back({{"label", m.label()}, {"op", std::string(m.op_text())}, {"value", m.value()}});
  }
  json j = {{"id", s.id}, {"matchers", matchers}, {"by", s.created_by}, {"comment", s.comment}};
  PutTime(j, "starts", s.starts_at);
  PutTime(j, "ends", s.ends_at);
  if (s.recurrence) {
    json days = json::array();
    for (absl::Weekday d : s.recurrence->weekdays) days.push_back(static_cast<int>(d));
    j["recurrence"] = {{"weekdays", days},
                       {"start_minute", s.recurrence->start_minute},
                       {"minutes", absl::ToInt64Minutes(s.recurrence->duration)}};
  }
  return j.dump();
}

absl::StatusOr<domain::Silence> DecodeSilence(const std::string& text) {
  return Guarded("silence", [&]() -> absl::StatusOr<domain::Silence> {
    const json j = json::parse(text);
    domain::Silence s;
    s.id = j.at("id").get<std::string>();
    for (const json& m : j.at("matchers")) {
      auto matcher = domain::Matcher::Make(m.at("label").get<std::string>(),
                                           m.at("op").get<std::string>(),
                                           m.at("value").get<std::string>());
      if (!matcher.ok()) return absl::DataLossError(std::string(matcher.status().message()));
      s.matchers.push_back(*std::move(matcher));
    }
    s.created_by = Get<std::string>(j, "by", "");
    s.comment = Get<std::string>(j, "comment", "");
    s.starts_at = GetTime(j, "starts", absl::InfinitePast());
    s.ends_at = GetTime(j, "ends", absl::InfiniteFuture());
    if (j.contains("recurrence")) {
      const json& r = j["recurrence"];
      domain::Recurrence rec;
      for (const json& d : r.at("weekdays")) rec.weekdays.push_back(static_cast<absl::Weekday>(d.get<int>()));
      rec.start_minute = r.at("start_minute").get<int>();
      rec.duration = absl::Minutes(r.at("minutes").get<int64_t>());
      s.recurrence = rec;
    }
    return s;
  });
}

std::string EncodeMutedAlert(const ports::MutedAlert& m) {
  json mutes = json::array();
  for (const ports::MutedAlert::Mute& mute : m.mutes) {
    mutes.push_back({{"plan", mute.plan_id},
                     {"silence", mute.silence_id},
                     {"inhibited_by", mute.inhibited_by}});
  }
  const domain::Alert& a = m.alert;
  json j = {{"fingerprint", m.fingerprint},
            {"id", a.id},
            {"source", a.source},
            {"labels", LabelsJson(a.labels)},
            {"annotations", LabelsJson(a.annotations)},
            {"mutes", mutes}};
  PutTime(j, "at", a.at);
  PutTime(j, "kept", m.kept_at);
  return j.dump();
}

absl::StatusOr<ports::MutedAlert> DecodeMutedAlert(const std::string& text) {
  return Guarded("muted alert", [&]() -> absl::StatusOr<ports::MutedAlert> {
    const json j = json::parse(text);
    ports::MutedAlert m;
    m.fingerprint = j.at("fingerprint").get<std::string>();
    m.alert.id = j.at("id").get<std::string>();
    m.alert.source = Get<std::string>(j, "source", "");
    m.alert.labels = JsonLabels(j, "labels");
    m.alert.annotations = JsonLabels(j, "annotations");
    m.alert.firing = true;  // only firing alerts are kept
    m.alert.drill = false;  // drills are never muted
    m.alert.at = GetTime(j, "at", absl::InfinitePast());
    m.kept_at = GetTime(j, "kept", absl::InfinitePast());
    for (const json& mute : j.at("mutes")) {
      m.mutes.push_back({mute.at("plan").get<std::string>(), Get<std::string>(mute, "silence", ""),
                         Get<std::string>(mute, "inhibited_by", "")});
    }
    return m;
  });
}

}  // namespace sqms::alerts::adapters
