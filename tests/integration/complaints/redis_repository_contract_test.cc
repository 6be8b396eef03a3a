// The Redis store runs the repository contract the in-memory fake runs
// (tests/contract/complaint_repository_contract.h), against a real
// redis-server started once for the suite.
#include <memory>

#include "services/complaints/adapters/redis_complaint_repository.h"
#include "services/complaints/adapters/redis_keys.h"
#include "sqms/runtime/redis_client.h"
#include "tests/contract/complaint_repository_contract.h"
#include "tests/support/support.h"

namespace sqms::complaints::it {
namespace {

// One redis-server per test (killed with it, after the client is gone), so no
// test sees another's keys.
class RedisEnv final : public contract::RepositoryEnv {
 public:
  static std::unique_ptr<RedisEnv> Start() {
    static int n = 0;
    auto server = testing::RedisServer::Start(
        testing::MakeTestDir("repository-contract-" + std::to_string(++n)));
    if (!server.ok()) {
      ADD_FAILURE() << server.status();
      return nullptr;
    }
    return std::unique_ptr<RedisEnv>(new RedisEnv(*std::move(server)));
  }
  ports::ComplaintRepository& repo() override { return repo_; }
  absl::Time Now() override { return absl::FromUnixMillis(absl::ToUnixMillis(absl::Now())); }

 private:
  explicit RedisEnv(std::unique_ptr<testing::RedisServer> server)
      : server_(std::move(server)), redis_(server_->ClientOptions()), keys_(4),
        repo_(redis_, keys_, "sqms.complaints.v1") {}
  std::unique_ptr<testing::RedisServer> server_;
  runtime::RedisClient redis_;
  adapters::RedisKeys keys_;
  adapters::RedisComplaintRepository repo_;
};

struct RedisTraits {
  static std::unique_ptr<contract::RepositoryEnv> Make() { return RedisEnv::Start(); }
};

}  // namespace
}  // namespace sqms::complaints::it

// Instantiated in the contract's namespace (the macro pastes the suite name).
namespace sqms::complaints::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(RedisRepositoryContract, ComplaintRepositoryContract, ::testing::Types<it::RedisTraits>);
}  // namespace sqms::complaints::contract
