#include "tools/sqmsctl/triage_view.h"

#include <cstdint>
#include <cstdio>

#include "tools/sqmsctl/enum_names.h"
#include "tools/sqmsctl/output.h"

namespace sqms::tools {
namespace {

namespace cv1 = ::sqms::complaints::v1;

// 3 → "3", 0.5 → "0.5".
std::string Number(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", v);
  return buffer;
}

// 1800 → "30m", 14400 → "4h", 102600 → "28h30m" (business hours), 40 →
// "40s" (drill and demo targets).
std::string Duration(int64_t seconds) {
  const int64_t hours = seconds / 3600, minutes = seconds % 3600 / 60, rest = seconds % 60;
  std::string out;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (minutes > 0 || (hours == 0 && rest == 0)) out += std::to_string(minutes) + "m";
  if (rest > 0) out += std::to_string(rest) + "s";
  return out;
}

// The normalised title and content on one line.
std::string OneLine(std::string text) {
  while (!text.empty() && text.front() == '\n') text.erase(0, 1);
  for (size_t at = text.find('\n'); at != std::string::npos; at = text.find('\n', at)) {
    text.replace(at, 1, " / ");
  }
  return text;
}

std::string RuleText(const std::string& rule) {
  if (rule == "decisive") return "decisive (safety wins with any evidence)";
  if (rule == "best_score") return "best_score (the highest score wins)";
  if (rule == "submitted") return "submitted (the category given at intake)";
  if (rule == "default") return "default (no evidence)";
  if (rule == "model_safety") return "model_safety (the model is fairly sure of safety)";
  if (rule == "model_safety_sentence") {
    return "model_safety_sentence (the model is sure one sentence describes a hazard)";
  }
  if (rule == "combined") return "combined (rule scores plus the model's weighted probabilities)";
  if (rule == "model") return "model (the rules had little to say)";
  return rule;
}

std::string ScoresText(const cv1::TriageExplanation& e) {
  std::string out;
  for (const cv1::TriageCategoryScore& s : e.scores()) {
    if (!out.empty()) out += "; ";
    out += EnumShortName(s.category()) + " " + Number(s.score()) + " =";
    bool first = true;
    for (const cv1::TriageEvidence& t : s.evidence()) {
      out += (first ? " " : " + ") + t.term() + " " + Number(t.weight());
      if (!t.negated_by().empty()) out += " (negated by " + t.negated_by() + ")";
      first = false;
    }
  }
  return out.empty() ? "no term matched" : out;
}

std::string SignalsText(const cv1::TriageExplanation& e) {
  std::string out;
  for (const cv1::TriageSignal& s : e.signals()) {
    if (!out.empty()) out += "; ";
    out += s.signal() + " \"" + s.term() + "\" → " +
           (s.raises() == cv1::TriageSignal::RAISES_IMPORTANCE ? "importance" : "urgency");
  }
  return out;
}

std::string ModelText(const cv1::TriageExplanation& e) {
  std::string out;
  for (const cv1::TriageModelScore& m : e.model()) {
    if (!out.empty()) out += ", ";
    const int percent = static_cast<int>(m.probability() * 100 + 0.5);
    out += EnumShortName(m.category()) + " " + std::to_string(percent) + "%";
  }
  return out;
}

std::string RouteText(const cv1::TriageExplanation& e) {
  if (!e.has_routing_rule()) return "default department";
  const cv1::TriageRoutingRule& r = e.routing_rule();
  std::string out;
  if (r.category() != cv1::CATEGORY_UNSPECIFIED) out += "category=" + EnumShortName(r.category());
  if (!r.station().empty()) out += (out.empty() ? "" : " ") + std::string("station=") + r.station();
  if (!r.region().empty()) out += (out.empty() ? "" : " ") + std::string("region=") + r.region();
  return out;
}

void Line(const std::string& indent, const std::string& key, const std::string& value,
          std::string& out) {
  if (value.empty()) return;
  out += indent + PadRight(key + ":", 12) + value + "\n";
}

}  // namespace

std::string TriageExplanationText(const cv1::TriageExplanation& e, const std::string& indent) {
  std::string out;
  std::string rule = RuleText(e.category_rule());
  if (e.suggested_category() != cv1::CATEGORY_UNSPECIFIED && e.category_rule() == "submitted") {
    rule += "; the rules said " + EnumShortName(e.suggested_category());
  }
  Line(indent, "rule", rule, out);
  Line(indent, "scores", ScoresText(e), out);
  Line(indent, "signals", SignalsText(e), out);
  Line(indent, "model", ModelText(e), out);
  Line(indent, "levels", "urgency from " + e.urgency_source() + ", importance from " +
                             e.importance_source(), out);
  Line(indent, "priority",
       e.priority_rule() == "safety_always_p1" ? "safety is always P1"
       : e.priority_rule() == "agent"          ? "set by an agent (reclassify)"
                                               : "priority matrix",
       out);
  Line(indent, "routed by", RouteText(e), out);
  Line(indent, "config", e.config_version(), out);
  return out;
}

std::string ExplainTriageText(const cv1::ExplainTriageResponse& r) {
  std::string out;
  auto line = [&out](const std::string& key, const std::string& value) {
    out += PadRight(key + ":", 12) + value + "\n";
  };
  line("category", EnumShortName(r.category()));
  line("priority", EnumShortName(r.priority()) + " (urgency " + EnumShortName(r.urgency()) +
                       ", importance " + EnumShortName(r.importance()) + ")");
  line("department", r.department());
  line("sla", "first response " + Duration(r.first_response_seconds()) + ", resolution " +
                  Duration(r.resolution_seconds()) + " " +
                  (r.business_hours() ? "of business hours" : "on a 24x7 clock"));
  out += TriageExplanationText(r.explanation(), "");
  line("text", OneLine(r.normalized_text()));
  return out;
}

}  // namespace sqms::tools
