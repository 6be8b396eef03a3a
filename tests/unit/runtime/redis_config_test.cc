// --redis-mode and --redis-address (cluster seeds) into RedisOptions.

#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sqms/runtime/config.h"

namespace sqms::runtime {
namespace {

CommonConfig Parse(std::vector<std::string> args) {
  CommonConfig config;
  CLI::App app("test");
  AddCommonFlags(app, config);
  args.insert(args.begin(), "svc");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  config.tokens_file = "/etc/sqms/tokens";
  return config;
}

TEST(RedisConfigTest, StandaloneIsTheDefault) {
  CommonConfig config = Parse({});
  ASSERT_TRUE(Validate(config).ok());
  auto options = RedisOptionsFrom(config);
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->mode, RedisMode::kStandalone);
  EXPECT_TRUE(options->cluster_seeds.empty());
}

TEST(RedisConfigTest, ClusterModeTakesACommaListOfSeeds) {
  setenv("SQMS_REDIS_MODE", "cluster", 1);
  CommonConfig config = Parse({"--redis-address", "10.0.0.1:7000, 10.0.0.2:7001"});
  unsetenv("SQMS_REDIS_MODE");
  ASSERT_TRUE(Validate(config).ok()) << Validate(config);
  auto options = RedisOptionsFrom(config);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->mode, RedisMode::kCluster);
  ASSERT_EQ(options->cluster_seeds.size(), 2u);
  EXPECT_EQ(options->cluster_seeds[1].host, "10.0.0.2");
  EXPECT_EQ(options->cluster_seeds[1].port, 7001);
}

TEST(RedisConfigTest, ErrorsNameTheKey) {
  CommonConfig config = Parse({"--redis-mode", "sentinel"});
  EXPECT_NE(Validate(config).message().find("--redis-mode (SQMS_REDIS_MODE)"), std::string::npos)
      << Validate(config);
  config = Parse({"--redis-mode", "cluster", "--redis-address", "a:1,b"});
  EXPECT_NE(Validate(config).message().find("--redis-address (SQMS_REDIS_ADDRESS)"),
            std::string::npos)
      << Validate(config);
  config = Parse({"--redis-address", "a:1,b:2"});  // a list needs cluster mode
  EXPECT_FALSE(Validate(config).ok());
}

}  // namespace
}  // namespace sqms::runtime
