// InMemoryAlertStore keeps the AlertStore contract RedisAlertStore keeps
// (tests/support/alerts/alert_store_contract.h): the app's unit tests rest
// on a fake that behaves like the real store.

#include <gtest/gtest.h>

#include <memory>

#include "tests/support/alerts/alert_store_contract.h"
#include "tests/support/alerts/in_memory_alert_store.h"

namespace sqms::alerts::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(InMemory, AlertStoreContractTest,
                         ::testing::Values(AlertStoreFactory{
                             "InMemory", [] { return std::make_shared<InMemoryAlertStore>(); }}),
                         AlertStoreFactoryName);

}  // namespace
}  // namespace sqms::alerts::testing
