// The Redis contact event store runs the contract the in-memory fake runs
// (tests/contract/contact_event_store_contract.h), against a real
// redis-server per test.
#include <memory>
#include <string>

#include "services/complaints/adapters/redis_contact_event_store.h"
#include "services/complaints/adapters/redis_keys.h"
#include "sqms/runtime/redis_client.h"
#include "tests/contract/contact_event_store_contract.h"
#include "tests/support/support.h"

namespace sqms::complaints::it {
namespace {

// One redis-server per test (killed with it, after the client is gone), so no
// test sees another's keys.
class RedisContactEnv final : public contract::ContactStoreEnv {
 public:
  static std::unique_ptr<RedisContactEnv> Start() {
    static int n = 0;
    auto server = testing::RedisServer::Start(
        testing::MakeTestDir("contact-store-contract-" + std::to_string(++n)));
    if (!server.ok()) {
      ADD_FAILURE() << server.status();
      return nullptr;
    }
    return std::unique_ptr<RedisContactEnv>(new RedisContactEnv(*std::move(server)));
  }
  ports::ContactEventStore& store() override { return store_; }

 private:
  explicit RedisContactEnv(std::unique_ptr<testing::RedisServer> server)
      : server_(std::move(server)),
        redis_(server_->ClientOptions()),
        keys_(4),
        store_(redis_, keys_, "sqms.contact.v1", absl::Hours(24)) {}
  std::unique_ptr<testing::RedisServer> server_;
  runtime::RedisClient redis_;
  adapters::RedisKeys keys_;
  adapters::RedisContactEventStore store_;
};

struct RedisContactTraits {
  static std::unique_ptr<contract::ContactStoreEnv> Make() { return RedisContactEnv::Start(); }
};

}  // namespace
}  // namespace sqms::complaints::it

// Instantiated in the contract's namespace (the macro pastes the suite name).
namespace sqms::complaints::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(RedisContactEventStore, ContactEventStoreContract,
                               ::testing::Types<it::RedisContactTraits>);
}  // namespace sqms::complaints::contract
