// PlanChanges: retired plans (plan_changes.h, "Retired plans") — plans gone
// from the configuration that open incidents still follow, and stand-ins
// for those no replica recorded.
#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/alerts/app/plan_changes.h"
#include "sqms/runtime/log.h"

namespace sqms::alerts::app {
namespace {

// More open incidents than any operation has; the sqms_incidents_open
// gauge reads them all the same way.
constexpr int kMaxOpen = 100000;

// With nothing retired, open incidents are still read every this many
// refreshes (about a minute): an incident opened by a replica that does
// not record last known plans (an older version during a rolling deploy),
// or whose plan another replica dropped just before, would otherwise never
// be given a plan, and its escalation timer would fail until then.
constexpr int kRefreshesBetweenReads = 60;

void AddOnce(std::vector<std::string>& list, std::string entry) {
  if (std::find(list.begin(), list.end(), entry) == list.end()) list.push_back(std::move(entry));
}

// The stand-in of plan `id`: the tiers `pages` went to — each tier's
// targets, and its recipients as they were paged ("user:<id>" for a
// person, a role or an unknown rotation as it was), as many repeats as
// were sent, the default ack timeout — without triggers or steps and not
// resolving by itself; level, risk and outage as `incident` recorded them.
// No tier when no page was recorded.
domain::Plan StandInPlan(const std::string& id, const ports::Incident& incident,
                         const std::vector<ports::Delivery>& pages) {
  domain::Plan plan;
  plan.id = id;
  plan.name = absl::StrCat(id, " (stand-in rebuilt from its pages)");
  plan.risk_id = incident.risk_id;
  plan.level = domain::ParseResponseLevel(incident.level).value_or(domain::ResponseLevel::kIII);
  plan.outage = incident.outage;
  plan.auto_resolve = false;
  plan.known_issue_categories = incident.known_issue_categories;
  int tiers = 0;
  for (const ports::Delivery& d : pages) tiers = std::max(tiers, d.tier + 1);
  plan.escalation.resize(tiers);
  for (const ports::Delivery& d : pages) {
    if (d.tier < 0) continue;
    domain::Tier& tier = plan.escalation[d.tier];
    AddOnce(tier.targets, d.target);
    for (const std::string& who : d.recipients) {
      AddOnce(tier.notify, who.find(':') == std::string::npos ? absl::StrCat("user:", who) : who);
    }
    tier.repeats = std::max(tier.repeats, d.repeat);
  }
  // A tier no page reached (its plan was shortened meanwhile) is left out;
  // ClampStep maps an incident's step onto the chain that remains.
  std::erase_if(plan.escalation, [](const domain::Tier& t) { return t.targets.empty(); });
  return plan;
}

// The start-up warning: the retired plan, its open incidents and the
// targets its pages go to that the configuration lost too.
void WarnRetired(const domain::Plan& plan, size_t open_incidents, const CatalogData& catalog) {
  std::vector<std::string> missing;
  for (const domain::Tier& tier : plan.escalation) {
    for (const std::string& t : tier.targets) {
      if (catalog.FindTarget(t) == nullptr) AddOnce(missing, t);
    }
  }
  runtime::log::Warn(
      "plan gone from the configuration is retired: it keeps escalating its open incidents and "
      "matches no new alert",
      {{"plan", plan.id},
       {"version", plan.version},
       {"open_incidents", static_cast<int>(open_incidents)},
       {"missing_targets", missing},
       {"until", "none of its incidents is open; or put it back in the config file"}});
}

}  // namespace

bool PlanChanges::RetirementCheckDue() {
  // Nothing retired, nothing to check every refresh — but once every
  // kRefreshesBetweenReads refreshes.
  if (open_incidents_read_ && stand_ins_.empty() && retired_.empty() &&
      ++refreshes_since_read_ < kRefreshesBetweenReads) {
    return false;
  }
  refreshes_since_read_ = 0;
  return true;
}

absl::StatusOr<std::vector<domain::Plan>> PlanChanges::Retired(
    const std::vector<domain::Plan>& in_force, const std::vector<ports::StoredPlan>& known,
    const CatalogData& catalog) {
  auto is_in_force = [&in_force](const std::string& id) {
    return std::any_of(in_force.begin(), in_force.end(),
                       [&id](const domain::Plan& p) { return p.id == id; });
  };
  std::map<std::string, const ports::StoredPlan*> gone;  // last known, not in force
  for (const ports::StoredPlan& k : known) {
    if (!is_in_force(k.id)) gone[k.id] = &k;
  }
  std::erase_if(stand_ins_, [&](const auto& entry) { return is_in_force(entry.first); });
  auto listed =
      store_.List({.active_only = true, .plan_id = "", .limit = kMaxOpen, .after = std::nullopt});
  if (!listed.ok()) return listed.status();
  open_incidents_read_ = true;
  std::map<std::string, OpenIncidents> orphans;  // plan id not in force → its open incidents
  for (const ports::Incident& i : *listed) {
    if (!is_in_force(i.plan_id)) orphans[i.plan_id].push_back(&i);
  }

  std::vector<domain::Plan> retired;
  std::set<std::string> retired_ids;
  for (const auto& [id, open] : orphans) {
    const auto last_known = gone.find(id);
    if (last_known != gone.end() && last_known->second->problem.empty()) {
      retired.push_back(last_known->second->plan);
    } else if (auto kept = stand_ins_.find(id); kept != stand_ins_.end()) {
      retired.push_back(kept->second);
    } else {
      absl::StatusOr<std::optional<domain::Plan>> stand_in = StandIn(id, open);
      if (!stand_in.ok()) return stand_in.status();
      if (!stand_in->has_value()) continue;  // nobody to page: logged
      retired.push_back(**stand_in);
      stand_ins_[id] = **stand_in;
    }
    retired_ids.insert(id);
    if (retired_.insert(id).second) WarnRetired(retired.back(), open.size(), catalog);
  }

  // Dropped once none of its incidents is open.
  for (const auto& entry : gone) {
    if (orphans.contains(entry.first)) continue;
    if (absl::Status s = store_.DropKnownPlan(entry.first); !s.ok()) return s;
    recorded_.erase(entry.first);
  }
  std::erase_if(stand_ins_, [&](const auto& entry) { return !orphans.contains(entry.first); });
  std::erase_if(retired_, [&](const std::string& id) {
    if (retired_ids.contains(id)) return false;
    runtime::log::Info("retired plan dropped: none of its incidents is open, or it is in force",
                       {{"plan", id}});
    return true;
  });
  return retired;
}

absl::StatusOr<std::optional<domain::Plan>> PlanChanges::StandIn(const std::string& id,
                                                                 const OpenIncidents& open) {
  std::vector<ports::Delivery> pages;
  std::vector<std::string> incident_ids;
  for (const ports::Incident* incident : open) {
    incident_ids.push_back(incident->id);
    for (const std::string& delivery_id : incident->deliveries) {
      auto delivery = store_.GetDelivery(delivery_id);
      if (!delivery.ok()) return delivery.status();
      if (delivery->has_value() && (*delivery)->IsPage()) pages.push_back(**std::move(delivery));
    }
  }
  domain::Plan plan = StandInPlan(id, *open.front(), pages);
  if (plan.escalation.empty()) {
    runtime::log::Error(
        "plan of open incidents is gone from the configuration, was never recorded, and none of "
        "their pages is: nobody can be paged for them",
        {{"plan", id},
         {"incidents", incident_ids},
         {"fix", "put the plan back in the config file until they are resolved"}});
    return std::nullopt;
  }
  runtime::log::Error(
      "plan of open incidents is gone from the configuration and was never recorded: paging "
      "them through a stand-in rebuilt from their pages",
      {{"plan", id},
       {"incidents", incident_ids},
       {"tiers", static_cast<int>(plan.escalation.size())},
       {"fix", "put the plan back in the config file to escalate by it"}});
  return plan;
}

}  // namespace sqms::alerts::app
