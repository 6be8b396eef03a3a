#pragma once
// Which of a plan's two sources is in force: the config file (alerts.yaml)
// or the store, where UpsertPlan keeps the plans it changed. The rule:
//
//   - the config file seeds plans: a plan never changed through the API is
//     the file's, at the file's version (1);
//   - a plan changed through the API is kept (across restarts, on every
//     replica) and wins over the file's — as long as the file's own version
//     of that plan is the one the change was made over (same seed, a
//     fingerprint of the file's plan);
//   - once the file's version of the plan is edited, the file's wins again,
//     at the stored version + 1 (so versions keep rising and an UpsertPlan
//     decided on the old stored plan is refused), until the next change
//     through the API (made over the new file: the stored one wins again);
//   - a plan created through the API that the file does not have is kept.
//
// The Redis store applies the same rule inside its write script
// (adapters/redis_alert_store_plans.cc); the in-memory fake calls this.

#include <cstdint>
#include <string>

namespace sqms::alerts::domain {

struct PlanSourceChoice {
  bool stored = false;  // the stored plan is in force (else the file's, or none)
  int64_t version = 0;  // the version in force; 0: no such plan
};

// `config_version`: the file's plan's version, 0 when the file has none;
// `config_seed`: its fingerprint. `stored_version`: the stored plan's, 0
// when none is stored; `stored_seed`: the seed it was written over ("" when
// the file had no such plan then).
PlanSourceChoice ChoosePlanSource(int64_t config_version, const std::string& config_seed,
                                  int64_t stored_version, const std::string& stored_seed);

}  // namespace sqms::alerts::domain
