// The in-memory contact event store runs the contract the Redis store runs
// (tests/contract/contact_event_store_contract.h).
#include <memory>

#include "tests/contract/contact_event_store_contract.h"
#include "tests/unit/complaints/in_memory_contact_event_store.h"

namespace sqms::complaints::testing {
namespace {

class InMemoryContactEnv final : public contract::ContactStoreEnv {
 public:
  ports::ContactEventStore& store() override { return store_; }

 private:
  InMemoryContactEventStore store_;
};

struct InMemoryContactTraits {
  static std::unique_ptr<contract::ContactStoreEnv> Make() {
    return std::make_unique<InMemoryContactEnv>();
  }
};

}  // namespace
}  // namespace sqms::complaints::testing

namespace sqms::complaints::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(InMemoryContactEventStore, ContactEventStoreContract,
                               ::testing::Types<testing::InMemoryContactTraits>);
}  // namespace sqms::complaints::contract
