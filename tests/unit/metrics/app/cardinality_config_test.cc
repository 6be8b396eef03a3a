// metrics.yaml's `cardinality:` (config/cardinality_limits.h): defaults,
// the shipped file, and errors that name the file and the key.

#include <gtest/gtest.h>

#include <string>

#include "services/metrics/config/metrics_config.h"
#include "tests/source_path.h"
#include "tests/unit/metrics/app/settings_file.h"

namespace sqms::metrics::config {
namespace {

using domain::Dimension;

std::string PathFor() { return testing::SettingsPath("cardinality-metrics"); }

absl::StatusOr<MetricsSettings> Load(const std::string& yaml) {
  return testing::LoadSettingsText(yaml, "cardinality-metrics");
}

std::string ErrorOf(const std::string& yaml) {
  return testing::SettingsError(yaml, "cardinality-metrics");
}

TEST(CardinalityConfigTest, LeftOutMeansTheDefaults) {
  auto settings = Load("time_zone: UTC\n");
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->cardinality[Dimension::kStation], 200u);
  EXPECT_EQ(settings->cardinality[Dimension::kDepartment], 50u);
  EXPECT_EQ(settings->cardinality[Dimension::kAgent], 500u);
}

TEST(CardinalityConfigTest, SetsTheListedDimensionsOnly) {
  auto settings = Load("cardinality: {station: 20, agent: 1000}\n");
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(settings->cardinality[Dimension::kStation], 20u);
  EXPECT_EQ(settings->cardinality[Dimension::kAgent], 1000u);
  EXPECT_EQ(settings->cardinality[Dimension::kDepartment], 50u);
}

TEST(CardinalityConfigTest, TheShippedFileHasTheDocumentedLimits) {
  auto settings = LoadSettings(sqms::testing::SourceFile("services/metrics/config/metrics.yaml"));
  ASSERT_TRUE(settings.ok()) << settings.status();
  const domain::CardinalityLimits defaults;
  EXPECT_EQ(settings->cardinality.max_values, defaults.max_values);
}

TEST(CardinalityConfigTest, ErrorsNameTheFileTheKeyAndTheProblem) {
  const std::string file = PathFor();
  EXPECT_EQ(ErrorOf("cardinality: {band: 3}\n"),
            file + ": cardinality.band: 'band' is not a dimension with a limit (department, "
                   "channel, category, region, station, agent, plan, level)");
  EXPECT_EQ(ErrorOf("cardinality: {planet: 3}\n").find(file + ": cardinality.planet: "), 0u);
  EXPECT_EQ(ErrorOf("cardinality: {station: 0}\n"),
            file + ": cardinality.station: must be a whole number in 1..100000");
  EXPECT_EQ(ErrorOf("cardinality: {agent: 2.5}\n"),
            file + ": cardinality.agent: must be a whole number in 1..100000");
  EXPECT_EQ(ErrorOf("cardinality: {agent: 100001}\n"),
            file + ": cardinality.agent: must be a whole number in 1..100000");
  EXPECT_NE(ErrorOf("cardinality: [station]\n").find(file + ": cardinality"), std::string::npos);
  EXPECT_NE(ErrorOf("cardinality: {station: many}\n").find(file + ": cardinality.station"),
            std::string::npos);
}

}  // namespace
}  // namespace sqms::metrics::config
