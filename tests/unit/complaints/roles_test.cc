#include "services/complaints/rpc/roles.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "services/complaints/domain/lifecycle.h"

namespace sqms::complaints::rpc {
namespace {

using runtime::Role;

struct Row {
  Method method;
  bool agent, supervisor, admin, service;
};

// The matrix of roles.h, written out again so a change to it is deliberate.
constexpr Row kMatrix[] = {
    {Method::kSubmitComplaint, true, true, true, true},
    {Method::kStreamComplaints, true, true, true, true},
    {Method::kGetComplaint, true, true, true, true},
    {Method::kListComplaints, true, true, true, false},
    {Method::kAssignComplaint, true, true, true, false},
    {Method::kStartHandling, true, true, true, false},
    {Method::kWaitOnCustomer, true, true, true, false},
    {Method::kResumeHandling, true, true, true, false},
    {Method::kResolveComplaint, true, true, true, false},
    {Method::kReplyToComplainant, true, true, true, false},
    {Method::kRecordFollowUp, true, true, true, false},
    {Method::kCloseComplaint, false, true, true, false},
    {Method::kReopenComplaint, false, true, true, false},
    {Method::kEscalateComplaint, true, true, true, false},
    {Method::kAddNote, true, true, true, false},
    {Method::kWatchComplaints, true, true, true, true},
    {Method::kStreamContactEvents, false, true, true, true},
    {Method::kReclassifyComplaint, true, true, true, false},
    {Method::kExplainTriage, true, true, true, false},
};

TEST(RolesTest, Matrix) {
  static_assert(std::size(kMatrix) == kMethodCount);
  for (const Row& row : kMatrix) {
    const runtime::Roles& roles = AllowedRoles(row.method);
    const std::string name(MethodName(row.method));
    EXPECT_EQ(roles.Contains(Role::kAgent), row.agent) << name;
    EXPECT_EQ(roles.Contains(Role::kSupervisor), row.supervisor) << name;
    EXPECT_EQ(roles.Contains(Role::kAdmin), row.admin) << name;
    EXPECT_EQ(roles.Contains(Role::kService), row.service) << name;
  }
}

TEST(RolesTest, AdminMayCallEverything) {
  for (int m = 0; m < kMethodCount; ++m) {
    EXPECT_TRUE(AllowedRoles(static_cast<Method>(m)).Contains(Role::kAdmin));
  }
}

TEST(RolesTest, NamesAreTheProtoRpcNames) {
  std::set<std::string> names;
  for (int m = 0; m < kMethodCount; ++m) names.emplace(MethodName(static_cast<Method>(m)));
  EXPECT_EQ(names.size(), static_cast<size_t>(kMethodCount));  // table in enum order
  EXPECT_EQ(MethodName(Method::kSubmitComplaint), "SubmitComplaint");
  EXPECT_EQ(MethodName(Method::kReplyToComplainant), "ReplyToComplainant");
  EXPECT_EQ(MethodName(Method::kStreamContactEvents), "StreamContactEvents");
  EXPECT_EQ(ServiceName(Method::kAddNote), "sqms.complaints.v1.ComplaintService");
  EXPECT_EQ(ServiceName(Method::kStreamContactEvents), "sqms.contact.v1.ContactEventService");
}

TEST(RolesTest, AnAgentEscalatesToTheSupervisorTierOnly) {
  EXPECT_EQ(EscalationCeiling(Role::kAgent), 1);
  EXPECT_EQ(EscalationCeiling(Role::kSupervisor), domain::kTopEscalationLevel);
  EXPECT_EQ(EscalationCeiling(Role::kAdmin), domain::kTopEscalationLevel);
  EXPECT_EQ(EscalationCeiling(Role::kService), 0);
}

TEST(RolesTest, OnlySupervisorsAndAdminsSeePersonalData) {
  EXPECT_FALSE(SeesPersonalData(Role::kAgent));
  EXPECT_FALSE(SeesPersonalData(Role::kService));
  EXPECT_TRUE(SeesPersonalData(Role::kSupervisor));
  EXPECT_TRUE(SeesPersonalData(Role::kAdmin));
}

}  // namespace
}  // namespace sqms::complaints::rpc
