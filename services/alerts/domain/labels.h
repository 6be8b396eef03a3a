#pragma once
// Alerts are sets of labels (Prometheus's model). A label set's fingerprint
// identifies the alert; matchers select alerts for plans, silences and
// inhibition rules.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace re2 { class RE2; }

namespace sqms::alerts::domain {

using Labels = std::map<std::string, std::string>;  // sorted by name

// FNV-1a 64 over the sorted pairs (name 0xff value 0xff …), as 16 lower-case
// hex digits. Stable across processes and versions: it is stored in Redis.
std::string Fingerprint(const Labels& labels);

// The key an alert is known by on its incident (ports::Incident::alerts),
// among kept muted alerts and in counting windows: Fingerprint(labels) for
// the machine sources ("complaints", "metrics": their alerts carry the
// label source=complaints|metrics, which the service sets itself;
// "alertmanager": token-authenticated, labels from the operator's rules),
// but "api:" + Fingerprint(labels) for RaiseAlert's ("api"), whose labels
// any caller with a token chooses. So a RaiseAlert resolution resolves only
// alerts raised through RaiseAlert, never an Alertmanager, complaint or
// KPI alert whose labels it copies; and an api alert with such labels is
// an alert of its own (it joins, and resolves, separately).
std::string AlertKey(const std::string& source, const Labels& labels);

// OK, or INVALID_ARGUMENT naming the first bad label: names
// [a-zA-Z_][a-zA-Z0-9_]*, at most 64 bytes; values non-empty, valid UTF-8,
// at most 1024 bytes; at most 64 labels. `what` prefixes the message
// ("labels", "silence.matchers").
absl::Status ValidateLabels(const Labels& labels);

enum class MatchOp { kEqual, kNotEqual, kRegex, kNotRegex };

// One label matcher, as in Alertmanager: a label absent from the set reads
// as "" (so `region=""` matches alerts without a region, and `region!=""`
// those with one). Regexes are RE2, anchored at both ends.
class Matcher {
 public:
  // INVALID_ARGUMENT when the label name is invalid, the op is not one of
  // "=", "!=", "=~", "!~", or the regex does not compile (message says why).
  static absl::StatusOr<Matcher> Make(std::string label, std::string op, std::string value);

  bool Matches(const Labels& labels) const;
  const std::string& label() const { return label_; }
  MatchOp op() const { return op_; }
  std::string_view op_text() const;  // "=", "!=", "=~", "!~"
  const std::string& value() const { return value_; }
  std::string ToString() const;      // label op "value"

 private:
  Matcher(std::string label, MatchOp op, std::string value, std::shared_ptr<const re2::RE2> re);
  std::string label_;
  MatchOp op_ = MatchOp::kEqual;
  std::string value_;
  std::shared_ptr<const re2::RE2> re_;  // regex ops only
};

// All of `matchers` match (an empty list matches everything).
bool MatchesAll(const std::vector<Matcher>& matchers, const Labels& labels);

}  // namespace sqms::alerts::domain
