// The Redis incident registry runs the contract the in-memory fake runs
// (tests/contract/incident_registry_contract.h), against a real
// redis-server per test.
#include <memory>

#include "services/complaints/adapters/redis_incident_registry.h"
#include "services/complaints/adapters/redis_keys.h"
#include "sqms/runtime/redis_client.h"
#include "tests/contract/incident_registry_contract.h"
#include "tests/support/support.h"

namespace sqms::complaints::it {
namespace {

class RedisRegistryEnv final : public contract::RegistryEnv {
 public:
  static std::unique_ptr<RedisRegistryEnv> Start() {
    static int n = 0;
    auto server = testing::RedisServer::Start(
        testing::MakeTestDir("incident-registry-" + std::to_string(++n)));
    if (!server.ok()) {
      ADD_FAILURE() << server.status();
      return nullptr;
    }
    return std::unique_ptr<RedisRegistryEnv>(new RedisRegistryEnv(*std::move(server)));
  }
  ports::IncidentRegistry& registry() override { return registry_; }

 private:
  explicit RedisRegistryEnv(std::unique_ptr<testing::RedisServer> server)
      : server_(std::move(server)), redis_(server_->ClientOptions()), keys_(4),
        registry_(redis_, keys_) {}
  std::unique_ptr<testing::RedisServer> server_;
  runtime::RedisClient redis_;
  adapters::RedisKeys keys_;
  adapters::RedisIncidentRegistry registry_;
};

struct RedisRegistryTraits {
  static std::unique_ptr<contract::RegistryEnv> Make() { return RedisRegistryEnv::Start(); }
};

}  // namespace
}  // namespace sqms::complaints::it

namespace sqms::complaints::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(RedisIncidentRegistry, IncidentRegistryContract,
                               ::testing::Types<it::RedisRegistryTraits>);
}  // namespace sqms::complaints::contract
