#include "sqms/runtime/auth.h"

#include <unistd.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name + "-" + std::to_string(getpid());
  std::ofstream(path) << text;
  return path;
}

TEST(RoleTest, NamesRoundTrip) {
  for (Role role : {Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}) {
    auto parsed = ParseRole(RoleName(role));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, role);
  }
  EXPECT_EQ(ParseRole("boss").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(RolesTest, Contains) {
  Roles roles{Role::kSupervisor, Role::kAdmin};
  EXPECT_TRUE(roles.Contains(Role::kAdmin));
  EXPECT_TRUE(roles.Contains(Role::kSupervisor));
  EXPECT_FALSE(roles.Contains(Role::kAgent));
  EXPECT_FALSE(roles.Contains(Role::kService));
}

TEST(RolesTest, NamesListsTheMembersInTheEnumsOrder) {
  EXPECT_EQ((Roles{Role::kAdmin, Role::kSupervisor}.Names()), "supervisor or admin");
  EXPECT_EQ((Roles{Role::kService}.Names()), "service");
  EXPECT_EQ((Roles{Role::kAgent, Role::kSupervisor, Role::kAdmin, Role::kService}.Names()),
            "agent or supervisor or admin or service");
  EXPECT_EQ((Roles{}.Names()), "no role");
}

TEST(TokenAuthenticatorTest, ParsesFileWithCommentsAndBlankLines) {
  std::string path = WriteTemp("tokens-ok", "# tokens\n\n  t1 alice agent\nt2\tbob  admin\n");
  auto auth = TokenAuthenticator::FromFile(path);
  ASSERT_TRUE(auth.ok()) << auth.status();
  auto alice = (*auth)->Authenticate("Bearer t1");
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->subject, "alice");
  EXPECT_EQ(alice->role, Role::kAgent);
  EXPECT_EQ((*auth)->Authenticate("bearer t2")->role, Role::kAdmin);
}

TEST(TokenAuthenticatorTest, ErrorsNameFileAndLine) {
  std::string path = WriteTemp("tokens-bad", "t1 alice agent\n# ok\nt2 bob boss\n");
  auto auth = TokenAuthenticator::FromFile(path);
  ASSERT_FALSE(auth.ok());
  EXPECT_EQ(auth.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(auth.status().message().find(path + ":3: unknown role 'boss'"), std::string::npos)
      << auth.status();
}

TEST(TokenAuthenticatorTest, RejectsMalformedAndDuplicateLines) {
  auto fields = TokenAuthenticator::FromFile(WriteTemp("tokens-fields", "t1 alice\n"));
  EXPECT_NE(fields.status().message().find(":1: expected"), std::string::npos) << fields.status();
  auto dup = TokenAuthenticator::FromFile(WriteTemp("tokens-dup", "t1 a agent\nt1 b admin\n"));
  EXPECT_NE(dup.status().message().find(":2: duplicate token"), std::string::npos) << dup.status();
  EXPECT_EQ(TokenAuthenticator::FromFile("/nonexistent/tokens").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(TokenAuthenticatorTest, AuthenticateRejectsMissingAndUnknown) {
  auto auth = TokenAuthenticator::FromMap({{"secret", {"svc", Role::kService}}});
  EXPECT_TRUE(auth->Authenticate("BEARER secret").ok());
  EXPECT_TRUE(auth->Authenticate("  Bearer   secret ").ok());
  for (const char* header : {"", "Bearer", "Bearer ", "Basic secret", "secret", "Bearer other"}) {
    EXPECT_EQ(auth->Authenticate(header).status().code(), absl::StatusCode::kUnauthenticated)
        << header;
  }
}

}  // namespace
}  // namespace sqms::runtime
