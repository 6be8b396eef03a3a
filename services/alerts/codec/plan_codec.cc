#include "services/alerts/codec/plan_codec.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/alerts/codec/event_alerts.h"
#include "services/alerts/codec/matcher_codec.h"
#include "services/alerts/codec/violations.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::alerts::codec {
namespace {

namespace pb = ::sqms::alerts::v1;

constexpr char kPrefix[] = "plan.";

int32_t Seconds(absl::Duration d) { return static_cast<int32_t>(absl::ToInt64Seconds(d)); }

void TriggerToProto(const domain::Trigger& trigger, pb::Trigger* out) {
  for (const domain::Matcher& m : trigger.matchers) MatcherToProto(m, out->add_matchers());
  out->set_count(trigger.count);
  out->set_within_seconds(Seconds(trigger.within));
}

void TierToProto(const domain::Tier& tier, pb::Tier* out) {
  for (const std::string& n : tier.notify) out->add_notify(n);
  for (const std::string& t : tier.targets) out->add_targets(t);
  out->set_ack_timeout_seconds(Seconds(tier.ack_timeout));
  out->set_repeats(tier.repeats);
}

domain::Trigger TriggerFromProto(const pb::Trigger& in, const std::string& path,
                                 Violations* violations) {
  domain::Trigger out;
  out.matchers = MatchersFromProto(in.matchers(), path + ".matchers", violations);
  out.count = in.count();
  out.within = absl::Seconds(in.within_seconds());
  return out;
}

domain::Tier TierFromProto(const pb::Tier& in) {
  domain::Tier out;
  out.notify.assign(in.notify().begin(), in.notify().end());
  out.targets.assign(in.targets().begin(), in.targets().end());
  out.ack_timeout = absl::Seconds(in.ack_timeout_seconds());
  out.repeats = in.repeats();
  return out;
}

}  // namespace

pb::Plan PlanToProto(const domain::Plan& plan) {
  pb::Plan out;
  out.set_id(plan.id);
  out.set_name(plan.name);
  out.set_risk_id(plan.risk_id);
  out.set_level(std::string(domain::ResponseLevelName(plan.level)));
  for (const domain::Trigger& t : plan.triggers) TriggerToProto(t, out.add_triggers());
  for (const std::string& g : plan.group_by) out.add_group_by(g);
  for (const domain::Step& s : plan.steps) {
    pb::Step* step = out.add_steps();
    step->set_title(s.title);
    step->set_owner_role(s.owner_role);
    step->set_expected_minutes(s.expected_minutes);
  }
  for (const domain::Tier& t : plan.escalation) TierToProto(t, out.add_escalation());
  out.set_auto_resolve(plan.auto_resolve);
  out.set_outage(plan.outage);
  out.set_version(plan.version);
  out.set_ack_expiry_seconds(Seconds(plan.ack_expiry));
  out.set_resolve_after_seconds(Seconds(plan.resolve_after));
  for (const std::string& c : plan.known_issue_categories) out.add_known_issue_categories(c);
  return out;
}

absl::StatusOr<domain::Plan> PlanFromProto(const pb::Plan& in) {
  Violations violations;
  domain::Plan plan;
  plan.id = in.id();
  plan.name = in.name();
  plan.risk_id = in.risk_id();
  if (auto level = domain::ParseResponseLevel(in.level())) {
    plan.level = *level;
  } else {
    violations.push_back({absl::StrCat(kPrefix, "level"),
                          absl::StrCat("'", in.level(), "' is not a level (I, II, III or IV)")});
  }
  for (int i = 0; i < in.triggers_size(); ++i) {
    plan.triggers.push_back(TriggerFromProto(
        in.triggers(i), absl::StrCat(kPrefix, "triggers[", i, "]"), &violations));
  }
  plan.group_by.assign(in.group_by().begin(), in.group_by().end());
  for (const pb::Step& s : in.steps()) {
    plan.steps.push_back({.title = s.title(), .owner_role = s.owner_role(),
                          .expected_minutes = s.expected_minutes()});
  }
  for (const pb::Tier& t : in.escalation()) plan.escalation.push_back(TierFromProto(t));
  plan.auto_resolve = in.auto_resolve();
  plan.outage = in.outage();
  plan.ack_expiry = absl::Seconds(in.ack_expiry_seconds());
  plan.resolve_after = absl::Seconds(in.resolve_after_seconds());
  plan.known_issue_categories.assign(in.known_issue_categories().begin(),
                                     in.known_issue_categories().end());
  plan.version = in.version();

  Violations domain_violations;
  // References are left to app::PlanChanges, which has the configuration.
  for (domain::PlanViolation& v : domain::ValidatePlan(plan, domain::PlanReferences{})) {
    domain_violations.push_back({absl::StrCat(kPrefix, v.field), std::move(v.problem)});
  }
  for (int i = 0; i < in.known_issue_categories_size(); ++i) {
    if (!IsComplaintCategory(in.known_issue_categories(i))) {
      domain_violations.push_back(
          {absl::StrCat(kPrefix, "known_issue_categories[", i, "]"),
           absl::StrCat("'", in.known_issue_categories(i), "' is not a complaint category")});
    }
  }
  Merge(std::move(domain_violations), &violations);
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));
  return plan;
}

std::string PlanFingerprint(const domain::Plan& plan) {
  pb::Plan encoded = PlanToProto(plan);
  encoded.set_version(0);
  uint64_t h = 14695981039346656037ULL;
  for (char c : encoded.SerializeAsString()) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return absl::StrCat(absl::Hex(h, absl::kZeroPad16));
}

pb::Risk RiskToProto(const domain::Risk& risk, const std::vector<domain::Plan>& plans) {
  pb::Risk out;
  out.set_id(risk.id);
  out.set_name(risk.name);
  out.set_probability(risk.probability);
  out.set_impact(risk.impact);
  const int score = domain::RiskScore(risk);
  out.set_score(score);
  out.set_level(std::string(domain::RiskLevelName(domain::RiskLevelOf(score))));
  for (const domain::Plan& plan : plans) {
    if (plan.risk_id == risk.id) out.add_plans(plan.id);
  }
  return out;
}

}  // namespace sqms::alerts::codec
