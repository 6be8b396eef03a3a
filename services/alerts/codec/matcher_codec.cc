#include "services/alerts/codec/matcher_codec.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace sqms::alerts::codec {
namespace {

bool IsOp(const std::string& op) { return op == "=" || op == "!=" || op == "=~" || op == "!~"; }

}  // namespace

void MatcherToProto(const domain::Matcher& matcher, ::sqms::alerts::v1::Matcher* out) {
  out->set_label(matcher.label());
  out->set_op(std::string(matcher.op_text()));
  out->set_value(matcher.value());
}

std::vector<domain::Matcher> MatchersFromProto(
    const google::protobuf::RepeatedPtrField<::sqms::alerts::v1::Matcher>& in,
    const std::string& path, Violations* violations) {
  std::vector<domain::Matcher> out;
  bool refused = false;
  for (int i = 0; i < in.size(); ++i) {
    const ::sqms::alerts::v1::Matcher& m = in.Get(i);
    const std::string at = absl::StrCat(path, "[", i, "]");
    // Matcher::Make reports only its first problem: check the label and the
    // op apart, so that every bad field is named.
    bool ok = true;
    if (absl::Status s = domain::Matcher::Make(m.label(), "=", "").status(); !s.ok()) {
      violations->push_back({at + ".label", std::string(s.message())});
      ok = false;
    }
    if (!IsOp(m.op())) {
      violations->push_back(
          {at + ".op", absl::StrCat("'", m.op(), "' is not a matcher operator (=, !=, =~, !~)")});
      ok = false;
    }
    if (!ok) {
      refused = true;
      continue;
    }
    absl::StatusOr<domain::Matcher> matcher = domain::Matcher::Make(m.label(), m.op(), m.value());
    if (!matcher.ok()) {
      violations->push_back({at + ".value", std::string(matcher.status().message())});
      refused = true;
      continue;
    }
    out.push_back(*std::move(matcher));
  }
  // None when one was refused: the domain's checks of what is left would
  // name a later matcher by its index in the shortened list.
  if (refused) out.clear();
  return out;
}

}  // namespace sqms::alerts::codec
