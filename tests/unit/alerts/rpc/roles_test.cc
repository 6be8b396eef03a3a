#include "services/alerts/rpc/roles.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace sqms::alerts::rpc
