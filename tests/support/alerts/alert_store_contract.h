#pragma once
// The contract every ports::AlertStore keeps (services/alerts/ports/
// alert_store.h), as value-parameterised GoogleTest tests: one test per
// promise, run on the in-memory fake (tests/unit/alerts/app/
// in_memory_store_contract_test.cc) and on RedisAlertStore against a real
// redis-server (tests/integration/alerts/redis_store_contract_test.cc).
//
// A suite runs them by instantiating AlertStoreContractTest with its
// factories:
//
//   INSTANTIATE_TEST_SUITE_P(InMemory, AlertStoreContractTest,
//                            ::testing::Values(AlertStoreFactory{"InMemory", make}),
//                            AlertStoreFactoryName);
//
// The tests live in alert_store_contract.cc; sqms_alerts_test_support is an
// OBJECT library so they are linked into each suite that instantiates them.

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "services/alerts/ports/alert_store.h"

namespace sqms::alerts::testing {

struct AlertStoreFactory {
  std::string name;  // the instantiation's name: letters and digits only
  // A new, empty store for one test. The shared_ptr may own whatever the
  // store borrows (a Redis client) through its control block.
  std::function<std::shared_ptr<ports::AlertStore>()> make;
};

inline void PrintTo(const AlertStoreFactory& factory, std::ostream* os) { *os << factory.name; }
inline std::string AlertStoreFactoryName(
    const ::testing::TestParamInfo<AlertStoreFactory>& info) {
  return info.param.name;
}

class AlertStoreContractTest : public ::testing::TestWithParam<AlertStoreFactory> {
 protected:
  void SetUp() override;

  ports::AlertStore& store() { return *store_; }

 private:
  std::shared_ptr<ports::AlertStore> store_;
};

}  // namespace sqms::alerts::testing
