#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "sqms/runtime/outbox_lease.h"

namespace sqms::runtime {
namespace {

TEST(UniqueOwnerIdTest, NamesThePrefixAndPidAndDiffersPerCall) {
  const std::string a = UniqueOwnerId("svc");
  EXPECT_EQ(a.rfind("svc-", 0), 0u) << a;
  EXPECT_NE(a.find("-" + std::to_string(getpid()) + "-"), std::string::npos) << a;
  EXPECT_NE(a, UniqueOwnerId("svc"));  // a restarted process with this pid differs too
}

}  // namespace
}  // namespace sqms::runtime
