#include "services/alerts/rpc/roles.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string_view>

namespace sqms::alerts::rpc {
namespace {

using runtime::Role;
using ::testing::HasSubstr;

TEST(AlertsRolesTest, ADrillAlertNeedsTheRolesOfStartDrill) {
  for (Role role : {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}) {
    const runtime::Principal principal{.subject = "someone", .role = role};
    const bool may_drill = AllowedRoles(Method::kStartDrill).Contains(role);
    const absl::Status status = AuthorizeDrillAlert(principal);
    EXPECT_EQ(status.ok(), may_drill) << std::string(runtime::RoleName(role)) << ": " << status;
  }
}

TEST(AlertsRolesTest, TheServiceRoleRaisesAlertsButNoDrill) {
  const runtime::Principal monitoring{.subject = "prometheus", .role = Role::kService};
  EXPECT_TRUE(AllowedRoles(Method::kRaiseAlert).Contains(Role::kService));
  const absl::Status status = AuthorizeDrillAlert(monitoring);
  EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(status.message(), HasSubstr("drill"));
  EXPECT_THAT(status.message(), HasSubstr("supervisor or admin"));
}

TEST(AlertsRolesTest, EveryMethodHasItsOwnName) {
  std::set<std::string_view> names;
  for (int i = 0; i < kMethodCount; ++i) {
    const std::string_view name = MethodName(static_cast<Method>(i));
    EXPECT_FALSE(name.empty()) << "method " << i;
    EXPECT_TRUE(names.insert(name).second) << name << " twice";
  }
  EXPECT_EQ(MethodName(Method::kListMutedAlerts), "ListMutedAlerts");
}

// Who may list the silences may list the alerts they hold, and only read.
TEST(AlertsRolesTest, MutedAlertsAreReadByTheRolesThatListSilences) {
  for (Role role : {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}) {
    EXPECT_EQ(AllowedRoles(Method::kListMutedAlerts).Contains(role),
              AllowedRoles(Method::kListSilences).Contains(role))
        << std::string(runtime::RoleName(role));
  }
  EXPECT_TRUE(AllowedRoles(Method::kListMutedAlerts).Contains(Role::kAgent));
}

}  // namespace
}  // namespace sqms::alerts::rpc
