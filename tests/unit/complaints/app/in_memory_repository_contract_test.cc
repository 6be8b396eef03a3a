// The in-memory fake runs the repository contract the Redis store runs
// (tests/contract/complaint_repository_contract.h).
#include <memory>

#include "tests/contract/complaint_repository_contract.h"
#include "tests/support/fake_clock.h"
#include "tests/unit/complaints/app/in_memory_complaint_repository.h"

namespace sqms::complaints::app::testing {
namespace {

class InMemoryEnv final : public contract::RepositoryEnv {
 public:
  ports::ComplaintRepository& repo() override { return repo_; }
  absl::Time Now() override { return clock_.Now(); }

 private:
  ::sqms::testing::FakeClock clock_{absl::FromUnixSeconds(1'773'000'000)};
  InMemoryComplaintRepository repo_{clock_};
};

struct InMemoryTraits {
  static std::unique_ptr<contract::RepositoryEnv> Make() { return std::make_unique<InMemoryEnv>(); }
};

}  // namespace
}  // namespace sqms::complaints::app::testing

// Instantiated in the contract's namespace (the macro pastes the suite name).
namespace sqms::complaints::contract {
INSTANTIATE_TYPED_TEST_SUITE_P(InMemoryRepositoryContract, ComplaintRepositoryContract, ::testing::Types<app::testing::InMemoryTraits>);
}  // namespace sqms::complaints::contract
