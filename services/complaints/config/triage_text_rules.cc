#include "services/complaints/config/triage_text_rules.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sqms::complaints::config {

// The YAML reading plumbing lives in the runtime.
using runtime::ParseClock;
using runtime::ParseDate;
using runtime::ParseDuration;
using runtime::YamlReader;
namespace {

absl::Status OptionalList(const YamlReader& r, const YAML::Node& node, const std::string& path,
                          std::string_view key, std::vector<std::string>& out) {
  if (!node[std::string(key)]) return absl::OkStatus();
  auto list = r.ScalarList(node[std::string(key)], YamlReader::Join(path, key));
  if (!list.ok()) return list.status();
  out = *std::move(list);
  return absl::OkStatus();
}

absl::StatusOr<bool> Bool(const YamlReader& r, const YAML::Node& node, const std::string& path) {
  auto text = r.Scalar(node, path);
  if (!text.ok()) return text.status();
  if (*text == "true") return true;
  if (*text == "false") return false;
  return r.Error(path, absl::StrCat("\"", *text, "\" is not true or false"));
}

}  // namespace

absl::Status LoadCategoryTerms(const YamlReader& r, const YAML::Node& node,
                               const std::string& path, domain::Category category,
                               domain::TriageConfig& out) {
  domain::CategoryRule rule;
  rule.category = category;
  for (auto [key, list] : {std::pair{"strong", &rule.strong}, std::pair{"keywords", &rule.keywords},
                           std::pair{"weak", &rule.weak}}) {
    if (auto s = OptionalList(r, node, path, key, *list); !s.ok()) return s;
  }
  if (node["decisive"]) {
    auto decisive = Bool(r, node["decisive"], YamlReader::Join(path, "decisive"));
    if (!decisive.ok()) return decisive.status();
    rule.decisive = *decisive;
    if (rule.decisive && rule.strong.empty() && rule.keywords.empty()) {
      return r.Error(YamlReader::Join(path, "decisive"),
                     "a decisive category needs strong or keywords terms");
    }
  }
  out.categories.push_back(std::move(rule));
  return absl::OkStatus();
}

absl::Status LoadSignals(const YamlReader& r, const YAML::Node& node, domain::TriageConfig& out) {
  if (!node.IsSequence()) return r.Error("signals", "must be a list");
  std::set<std::string> names;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string path = YamlReader::Index("signals", i);
    if (auto s = r.CheckMap(node[i], path, {"name", "raises", "keywords"}); !s.ok()) return s;
    for (std::string_view key : {"name", "raises", "keywords"}) {
      if (auto s = r.Require(node[i], path, key); !s.ok()) return s;
    }
    domain::SignalRule rule;
    auto name = r.Scalar(node[i]["name"], YamlReader::Join(path, "name"));
    if (!name.ok()) return name.status();
    if (name->empty() || !names.insert(*name).second) {
      return r.Error(YamlReader::Join(path, "name"), "must be non-empty and unique");
    }
    rule.name = *name;
    auto raises = r.Scalar(node[i]["raises"], YamlReader::Join(path, "raises"));
    if (!raises.ok()) return raises.status();
    if (*raises == "urgency") {
      rule.raises = domain::SignalRaises::kUrgency;
    } else if (*raises == "importance") {
      rule.raises = domain::SignalRaises::kImportance;
    } else {
      return r.Error(YamlReader::Join(path, "raises"),
                     absl::StrCat("\"", *raises, "\" is not urgency or importance"));
    }
    auto keywords = r.ScalarList(node[i]["keywords"], YamlReader::Join(path, "keywords"));
    if (!keywords.ok()) return keywords.status();
    rule.keywords = *std::move(keywords);
    out.signals.push_back(std::move(rule));
  }
  return absl::OkStatus();
}

absl::Status LoadModelPolicy(const YamlReader& r, const YAML::Node& node,
                             domain::TriageConfig& out) {
  if (auto s = r.CheckMap(node, "model",
                          {"safety_probability", "min_probability", "safety_sure_probability",
                           "sentence_safety_probability",
                           "rules_win_score", "safety_veto_score", "model_weight"});
      !s.ok()) {
    return s;
  }
  for (auto [key, field] :
       {std::pair{"safety_probability", &out.model.safety_probability},
        std::pair{"min_probability", &out.model.min_probability},
        std::pair{"safety_sure_probability", &out.model.safety_sure_probability},
        std::pair{"sentence_safety_probability", &out.model.sentence_safety_probability}}) {
    if (!node[key]) continue;
    const std::string path = YamlReader::Join("model", key);
    auto value = r.Number(node[key], path);
    if (!value.ok()) return value.status();
    if (*value < 0 || *value > 1) return r.Error(path, "must be between 0 and 1");
    *field = *value;
  }
  for (auto [key, field] : {std::pair{"rules_win_score", &out.model.rules_win_score},
                            std::pair{"safety_veto_score", &out.model.safety_veto_score}}) {
    if (!node[key]) continue;
    const std::string path = YamlReader::Join("model", key);
    auto value = r.Number(node[key], path);
    if (!value.ok()) return value.status();
    if (*value <= 0) return r.Error(path, "must be greater than 0");
    *field = *value;
  }
  if (node["model_weight"]) {
    const std::string path = YamlReader::Join("model", "model_weight");
    auto value = r.Number(node["model_weight"], path);
    if (!value.ok()) return value.status();
    if (*value < 0) return r.Error(path, "must not be negative");
    out.model.model_weight = *value;
  }
  return absl::OkStatus();
}

absl::Status LoadNegation(const YamlReader& r, const YAML::Node& node, domain::TriageConfig& out) {
  if (auto s = r.CheckMap(node, "negation",
                          {"before", "absence", "after", "pseudo", "contrast", "reported", "window",
                           "after_window"});
      !s.ok()) {
    return s;
  }
  domain::NegationRules& n = out.negation;
  for (auto [key, list] :
       {std::pair{"before", &n.before}, std::pair{"absence", &n.absence},
        std::pair{"after", &n.after}, std::pair{"pseudo", &n.pseudo},
        std::pair{"contrast", &n.contrast}, std::pair{"reported", &n.reported}}) {
    if (auto s = OptionalList(r, node, "negation", key, *list); !s.ok()) return s;
  }
  for (auto [key, field] : {std::pair{"window", &n.window},
                            std::pair{"after_window", &n.after_window}}) {
    if (!node[key]) continue;
    const std::string path = YamlReader::Join("negation", key);
    auto window = r.Number(node[key], path);
    if (!window.ok()) return window.status();
    if (*window < 0 || *window > 20 || *window != static_cast<int>(*window)) {
      return r.Error(path, "must be a whole number of tokens in 0..20");
    }
    *field = static_cast<int>(*window);
  }
  return absl::OkStatus();
}

}  // namespace sqms::complaints::config
