// sqmsctl's global flags: --version prints the project version, --utc opts
// out of the operator's zone.
#include <gtest/gtest.h>

#include "tools/sqmsctl/commands.h"

namespace sqms::tools {
namespace {

TEST(GlobalFlagsTest, VersionNamesTheProjectVersion) {
  CLI::App app;
  GlobalOptions global;
  RegisterGlobalFlags(app, global);
  try {
    app.parse(std::vector<std::string>{"--version"});
    ADD_FAILURE() << "--version did not stop parsing";
  } catch (const CLI::CallForVersion& e) {
    EXPECT_EQ(std::string(e.what()), std::string("sqmsctl ") + SQMS_VERSION);
  }
}

TEST(GlobalFlagsTest, UtcFlag) {
  CLI::App app;
  GlobalOptions global;
  RegisterGlobalFlags(app, global);
  app.parse(std::vector<std::string>{"--utc"});
  EXPECT_TRUE(global.utc);
}

}  // namespace
}  // namespace sqms::tools
