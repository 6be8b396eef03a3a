// metrics.yaml's `reliability:`: the platforms whose outages count for
// system reliability, each with the one source of its outage time, and
// errors that name the file and the key.

#include <gtest/gtest.h>

#include <string>

#include "services/metrics/config/metrics_config.h"
#include "tests/source_path.h"
#include "tests/unit/metrics/app/settings_file.h"

namespace sqms::metrics::config {
namespace {

using domain::OutageSource;

absl::StatusOr<MetricsSettings> Load(const std::string& yaml) {
  return testing::LoadSettingsText(yaml, "reliability-metrics");
}

std::string ErrorOf(const std::string& yaml) {
  return testing::SettingsError(yaml, "reliability-metrics");
}

TEST(ReliabilityConfigTest, LeftOutMeansTheHandbooksFourPlatformsFromContactEvents) {
  auto settings = Load("time_zone: UTC\n");
  ASSERT_TRUE(settings.ok()) << settings.status();
  const auto& platforms = settings->policy.reliability_platforms;
  ASSERT_EQ(platforms.size(), 4u);
  EXPECT_EQ(platforms[0].id, "call_platform");
  EXPECT_EQ(platforms[3].id, "regional_system");
  for (const auto& p : platforms) EXPECT_EQ(p.outages_from, OutageSource::kContact) << p.id;
  EXPECT_EQ(settings->bases.platforms, 4);
  EXPECT_EQ(settings->bases.hours_per_day, 24);
}

TEST(ReliabilityConfigTest, TheListedPlatformsAndTheirSourcesSetTheScheduledBase) {
  auto settings = Load(
      "reliability:\n"
      "  hours_per_day: 18\n"
      "  platforms:\n"
      "    - {id: call_platform, outages_from: contact}\n"
      "    - {id: ticket-office-system, outages_from: incidents}\n");
  ASSERT_TRUE(settings.ok()) << settings.status();
  const auto& platforms = settings->policy.reliability_platforms;
  ASSERT_EQ(platforms.size(), 2u);
  EXPECT_EQ(platforms[1].id, "ticket-office-system");
  EXPECT_EQ(platforms[1].outages_from, OutageSource::kIncidents);
  EXPECT_EQ(settings->bases.platforms, 2) << "scheduled time is per listed platform";
  EXPECT_EQ(settings->bases.hours_per_day, 18);
}

TEST(ReliabilityConfigTest, TheShippedFileTakesEachPlatformFromOneSource) {
  auto settings = LoadSettings(sqms::testing::SourceFile("services/metrics/config/metrics.yaml"));
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->policy.reliability_platforms.size(), 4u);
  EXPECT_EQ(settings->bases.platforms, 4);
}

TEST(ReliabilityConfigTest, ErrorsNameTheFileTheKeyAndTheProblem) {
  const std::string file = testing::SettingsPath("reliability-metrics");
  EXPECT_EQ(ErrorOf("reliability: {platforms: 4}\n"),
            file + ": reliability.platforms: must be a non-empty list of {id, outages_from}");
  EXPECT_EQ(ErrorOf("reliability:\n  platforms:\n    - {id: call_platform, outages_from: both}\n"),
            file +
                ": reliability.platforms[0].outages_from: 'both' is not contact or incidents "
                "(one source per platform, so that an outage reported both ways counts once)");
  EXPECT_EQ(ErrorOf("reliability:\n  platforms:\n    - {id: a, outages_from: incidents}\n"
                    "    - {id: a, outages_from: incidents}\n"),
            file + ": reliability.platforms[1].id: 'a' is listed twice");
  EXPECT_EQ(ErrorOf("reliability:\n  platforms:\n    - {id: a}\n")
                .find(file + ": reliability.platforms[0]"),
            0u);
  EXPECT_EQ(
      ErrorOf("reliability:\n  platforms:\n    - {id: call-platform, outages_from: contact}\n"),
      file +
          ": reliability.platforms[0].id: 'call-platform' is no platform contact events "
          "name (call_platform, backbone_network, business_support, regional_system); "
          "outages_from: incidents takes any label");
  EXPECT_EQ(ErrorOf("reliability: {hours_per_day: 25}\n"),
            file + ": reliability.hours_per_day: must be in 1..24");
}

}  // namespace
}  // namespace sqms::metrics::config
