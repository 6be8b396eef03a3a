// The in-memory incident registry runs the contract the Redis registry runs
// (tests/contract/incident_registry_contract.h).
#include <memory>

#include "tests/contract/incident_registry_contract.h"
#include "tests/unit/complaints/app/in_memory_incident_registry.h"

namespace sqms::complaints::app::testing {
namespace {

class InMemoryRegistryEnv final : public contract::RegistryEnv {
 public:
  ports::IncidentRegistry& registry() override { return registry_; }

 private:
  InMemoryIncidentRegistry registry_;
};

struct InMemoryRegistryTraits {
  static std::unique_ptr<contract::RegistryEnv> Make() {
    return std::make_unique<InMemoryRegistryEnv>();
  }
};

}  // namespace
}  // namespace sqms::complaints::app::testing

namespace sqms::complaints::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(InMemoryIncidentRegistry, IncidentRegistryContract,
                               ::testing::Types<app::testing::InMemoryRegistryTraits>);
}  // namespace sqms::complaints::contract
