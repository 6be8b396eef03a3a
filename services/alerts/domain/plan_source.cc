#include "services/alerts/domain/plan_source.h"

namespace sqms::alerts::domain {

PlanSourceChoice ChoosePlanSource(int64_t config_version, const std::string& config_seed,
                                  int64_t stored_version, const std::string& stored_seed) {
  if (stored_version == 0) return {.stored = false, .version = config_version};
  if (config_version == 0 || stored_seed == config_seed) {
    return {.stored = true, .version = stored_version};
  }
  // The file's plan was edited after the stored change: the file wins, one
  // version above the stored plan.
  return {.stored = false, .version = stored_version + 1};
}

}  // namespace sqms::alerts::domain
