#pragma once
// The departments part of triage.yaml: the one list of departments the
// complaints service dispatches to, and the check that routing names only
// listed ones. Errors are YamlReader's "<file>: <key path>: <problem>".
// Called by the triage config loader; not thread-safe (one load at a time).

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"
#include "services/complaints/domain/triage.h"
#include "sqms/runtime/yaml_reader.h"

namespace sqms::complaints::config {

// departments: a non-empty list of {id, name, queues (optional)}; each id a
// department id (domain::IsDepartmentId) listed once, each name not blank,
// each queue not blank and in one department only. Appends to
// out.departments in the file's order.
absl::Status LoadDepartments(const runtime::YamlReader& r, const YAML::Node& node,
                             domain::TriageConfig& out);

// Every department routing names — routing.default (also the built-in
// default when the key is unset) and routing.rules[i].department — is one of
// out.departments; else the error names that key and the unknown id.
// `default_set`: whether routing.default was in the file.
absl::Status CheckRoutedDepartmentsListed(const runtime::YamlReader& r,
                                          const domain::TriageConfig& out, bool default_set);

}  // namespace sqms::complaints::config
