#pragma once
// The text-matching part of triage.yaml: per-category terms (strong,
// keywords, weak, decisive), text signals that raise urgency or importance,
// and negation cues. Errors are YamlReader's "<file>: <key path>: <problem>".
// Called by the triage config loader; not thread-safe (one load at a time).

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"
#include "sqms/runtime/yaml_reader.h"
#include "services/complaints/domain/triage.h"

namespace sqms::complaints::config {

// The YAML reading plumbing lives in the runtime.
using runtime::ParseClock;
using runtime::ParseDate;
using runtime::ParseDuration;
using runtime::YamlReader;

// categories[i]: {name, importance?, decisive?, strong?, keywords?, weak?}.
// Appends to out.categories and out.importance_by_category; `category` is
// the already-parsed name.
absl::Status LoadCategoryTerms(const YamlReader& r, const YAML::Node& node,
                               const std::string& path, domain::Category category,
                               domain::TriageConfig& out);
// signals: [{name, raises: urgency|importance, keywords}].
absl::Status LoadSignals(const YamlReader& r, const YAML::Node& node, domain::TriageConfig& out);
// model: {safety_probability, min_probability}, each in [0, 1].
absl::Status LoadModelPolicy(const YamlReader& r, const YAML::Node& node,
                             domain::TriageConfig& out);
// negation: {before, absence, after, pseudo, contrast, window}.
absl::Status LoadNegation(const YamlReader& r, const YAML::Node& node, domain::TriageConfig& out);

}  // namespace sqms::complaints::config
