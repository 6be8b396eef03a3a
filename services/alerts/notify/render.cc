// What a notification looks like on the wire: the generic JSON body, the
// robots' message bodies (their documented formats, see target.h) and the
// one-line summary. Every robot shows the same text, built here once.

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "services/alerts/notify/target.h"

namespace sqms::alerts::notify {
namespace {

using nlohmann::json;

// RFC 3339 in UTC with milliseconds, for machines (as the logs and
// CloudEvents carry them).
std::string Rfc3339Millis(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}
// For people: the local time of `zone` with its offset, as sqmsctl shows
// it ("2026-12-06 08:26:56 +08:00"), so nobody converts from UTC.
std::string LocalTime(absl::Time t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Ez", t, zone);
}

// A title with a line break would break the line-per-field layout.
std::string OneLine(const std::string& text) {
  return absl::StrReplaceAll(text, {{"\r\n", " "}, {"\n", " "}, {"\r", " "}});
}

// "[DRILL] [I] Safety complaint": what a reader must see first.
std::string Headline(const Notification& n) {
  // A drill incident's title already carries the marker (incident_changes.cc):
  // shown once, in front.
  std::string title = OneLine(n.title);
  if (n.drill && absl::StartsWith(title, "[DRILL] ")) title = title.substr(8);
  return absl::StrCat(n.drill ? "[DRILL] " : "", "[", n.level, "] ", title);
}

// Tiers are 0-based in the model and 1-based for people.
std::string KindAndTier(const Notification& n) {
  std::string tier = absl::StrCat("tier ", n.tier + 1);
  if (n.repeat > 0) absl::StrAppend(&tier, ", repeat ", n.repeat);
  return absl::StrCat(n.kind, " (", tier, ")");
}

std::string PlanText(const Notification& n) {
  if (n.plan_name.empty()) return n.plan_id;
  if (n.plan_id.empty()) return n.plan_name;
  return absl::StrCat(n.plan_name, " (", n.plan_id, ")");
}

std::string LabelsText(const Notification& n) {
  return absl::StrJoin(n.labels, ", ", absl::PairFormatter("="));
}

struct Field {
  const char* name;
  std::string value;
};

// The lines under the headline; empty values are left out.
std::vector<Field> Fields(const Notification& n) {
  std::vector<Field> all = {
      {"Kind", KindAndTier(n)},
      {"State", n.state},
      {"Plan", PlanText(n)},
      {"Recipients", absl::StrJoin(n.recipients, ", ")},
      {"Labels", LabelsText(n)},
      {"Incident", absl::StrCat(n.incident_id, " (version ", n.version, ")")},
      {"Opened", LocalTime(n.opened_at, n.zone)},
      {"Acknowledged",
       n.acknowledged_by.empty()
           ? ""
           : absl::StrCat("by ", n.acknowledged_by, " at ", LocalTime(n.acknowledged_at, n.zone))},
      {"Delivery", n.delivery_id},
  };
  std::erase_if(all, [](const Field& f) { return f.value.empty(); });
  return all;
}

std::string MarkdownText(const Notification& n) {
  std::string text = absl::StrCat(Headline(n), "\n\n");
  for (const Field& f : Fields(n)) absl::StrAppend(&text, "- **", f.name, "**: ", f.value, "\n");
  return text;
}

std::string PlainText(const Notification& n) {
  std::string text = Headline(n);
  for (const Field& f : Fields(n)) absl::StrAppend(&text, "\n", f.name, ": ", f.value);
  return text;
}

json GenericJson(const Notification& n) {
  json labels = json::object();
  for (const auto& [name, value] : n.labels) labels[name] = value;
  return {
      {"delivery_id", n.delivery_id},
      {"kind", n.kind},
      {"incident_id", n.incident_id},
      {"plan_id", n.plan_id},
      {"plan_name", n.plan_name},
      {"title", n.title},
      {"level", n.level},
      {"state", n.state},
      {"tier", n.tier},
      {"repeat", n.repeat},
      {"drill", n.drill},
      {"labels", labels},
      {"recipients", n.recipients},
      {"opened_at", Rfc3339Millis(n.opened_at)},
      {"acknowledged_by", n.acknowledged_by},
      {"acknowledged_at",
       n.acknowledged_by.empty() ? json(nullptr) : json(Rfc3339Millis(n.acknowledged_at))},
      {"sent_at", Rfc3339Millis(n.sent_at)},
      {"version", n.version},
  };
}

json BodyJson(TargetKind kind, const Notification& n) {
  switch (kind) {
    case TargetKind::kDingTalk:
      return {{"msgtype", "markdown"},
              {"markdown", {{"title", Headline(n)}, {"text", MarkdownText(n)}}}};
    case TargetKind::kWeCom:
      return {{"msgtype", "markdown"}, {"markdown", {{"content", MarkdownText(n)}}}};
    case TargetKind::kFeishu:
      return {{"msg_type", "text"}, {"content", {{"text", PlainText(n)}}}};
    case TargetKind::kGeneric:
      break;
  }
  return GenericJson(n);
}

}  // namespace

std::string RenderBody(TargetKind kind, const Notification& n) {
  // Invalid UTF-8 in a title or label becomes U+FFFD instead of throwing.
  return BodyJson(kind, n).dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Summary(const Notification& n) {
  return absl::StrCat(Headline(n), " — ", KindAndTier(n), ", plan ", PlanText(n), ", incident ",
                      n.incident_id);
}

}  // namespace sqms::alerts::notify
