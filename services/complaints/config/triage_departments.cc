#include "services/complaints/config/triage_departments.h"

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/complaints/domain/validation.h"

namespace sqms::complaints::config {
namespace {

using runtime::YamlReader;

// The optional `queues` of one department: a list of queue names, none
// blank and none another department's (or listed twice).
absl::StatusOr<std::vector<std::string>> Queues(const YamlReader& r, const YAML::Node& node,
                                                const std::string& path,
                                                std::map<std::string, std::string>& owners,
                                                const std::string& id) {
  std::vector<std::string> queues;
  if (!node) return queues;
  if (!node.IsSequence()) return r.Error(path, "must be a list of queue names");
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string item = YamlReader::Index(path, i);
    absl::StatusOr<std::string> queue = r.Scalar(node[i], item);
    if (!queue.ok()) return queue.status();
    if (absl::StripAsciiWhitespace(*queue).empty()) return r.Error(item, "must not be blank");
    auto [owner, added] = owners.try_emplace(*queue, id);
    if (!added) {
      return r.Error(item, absl::StrCat("queue \"", *queue, "\" is already department \"",
                                        owner->second, "\"'s: a queue is one department's"));
    }
    queues.push_back(*std::move(queue));
  }
  return queues;
}

absl::Status Department1(const YamlReader& r, const YAML::Node& node, const std::string& path,
                         std::set<std::string>& seen, std::map<std::string, std::string>& queues,
                         domain::TriageConfig& out) {
  if (absl::Status s = r.CheckMap(node, path, {"id", "name", "queues"}); !s.ok()) return s;
  for (std::string_view key : {"id", "name"}) {
    if (absl::Status s = r.Require(node, path, key); !s.ok()) return s;
  }
  const std::string id_path = YamlReader::Join(path, "id");
  absl::StatusOr<std::string> id = r.Scalar(node["id"], id_path);
  if (!id.ok()) return id.status();
  if (id->empty()) return r.Error(id_path, "must not be empty");
  std::vector<runtime::FieldViolation> bad;
  domain::CheckDepartmentId(bad, id_path, *id);
  if (!bad.empty()) return r.Error(id_path, bad.front().description);
  if (!seen.insert(*id).second) {
    return r.Error(id_path, absl::StrCat("department \"", *id, "\" listed twice"));
  }
  const std::string name_path = YamlReader::Join(path, "name");
  absl::StatusOr<std::string> name = r.Scalar(node["name"], name_path);
  if (!name.ok()) return name.status();
  if (absl::StripAsciiWhitespace(*name).empty()) return r.Error(name_path, "must not be blank");
  absl::StatusOr<std::vector<std::string>> own =
      Queues(r, node["queues"], YamlReader::Join(path, "queues"), queues, *id);
  if (!own.ok()) return own.status();
  out.departments.push_back({*std::move(id), *std::move(name), *std::move(own)});
  return absl::OkStatus();
}

// "<id> is not in departments" for the key at `path`.
absl::Status Unlisted(const YamlReader& r, const std::string& path, const std::string& id,
                      const char* how) {
  return r.Error(path, absl::StrCat("department \"", id, "\"", how,
                                    " is not one of departments (list it there, with its name)"));
}

}  // namespace

absl::Status LoadDepartments(const YamlReader& r, const YAML::Node& node,
                             domain::TriageConfig& out) {
  if (!node.IsSequence() || node.size() == 0) {
    return r.Error("departments", "must be a non-empty list of {id, name}");
  }
  std::set<std::string> seen;
  std::map<std::string, std::string> queues;  // queue → its department
  for (size_t i = 0; i < node.size(); ++i) {
    absl::Status s =
        Department1(r, node[i], YamlReader::Index("departments", i), seen, queues, out);
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status CheckRoutedDepartmentsListed(const YamlReader& r, const domain::TriageConfig& out,
                                          bool default_set) {
  std::set<std::string> listed;
  for (const domain::Department& d : out.departments) listed.insert(d.id);
  if (!listed.contains(out.default_department)) {
    return Unlisted(r, "routing.default", out.default_department,
                    default_set ? "" : " (the default when routing.default is unset)");
  }
  for (size_t i = 0; i < out.routing.size(); ++i) {
    if (listed.contains(out.routing[i].department)) continue;
    return Unlisted(r, YamlReader::Join(YamlReader::Index("routing.rules", i), "department"),
                    out.routing[i].department, "");
  }
  return absl::OkStatus();
}

}  // namespace sqms::complaints::config
