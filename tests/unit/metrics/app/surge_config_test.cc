// metrics.yaml's `surges:` (config/surge_rules.h): defaults, and errors
// that name the file and the key. (The metrics service has no config test
// suite of its own; this one links the whole service.)

#include <gtest/gtest.h>

#include <string>

#include "services/metrics/config/metrics_config.h"
#include "tests/source_path.h"
#include "tests/unit/metrics/app/settings_file.h"

namespace sqms::metrics::config {
namespace {

absl::StatusOr<MetricsSettings> Load(const std::string& yaml) {
  return testing::LoadSettingsText(yaml, "surge-metrics");
}

std::string ErrorOf(const std::string& yaml) { return testing::SettingsError(yaml, "surge-metrics"); }

TEST(SurgeConfigTest, ReadsARuleWithItsDefaults) {
  auto settings = Load("surges:\n  - {kpi: complaint_volume, dimension: department}\n");
  ASSERT_TRUE(settings.ok()) << settings.status();
  ASSERT_EQ(settings->surges.size(), 1u);
  const domain::SurgeRule& rule = settings->surges[0];
  EXPECT_EQ(rule.kpi, "complaint_volume");
  EXPECT_EQ(rule.dimension, "department");
  EXPECT_EQ(rule.window, domain::WindowSize::kHour);
  EXPECT_EQ(rule.weeks, 4);
  EXPECT_DOUBLE_EQ(rule.factor, 2.0);
  EXPECT_EQ(rule.min_count, 10);
}

TEST(SurgeConfigTest, ErrorsNameTheFileTheKeyAndTheProblem) {
  const std::string head = "surges:\n  - {kpi: complaint_volume, ";
  EXPECT_NE(ErrorOf("surges:\n  - {kpi: answer_rate}\n")
                .find("surges[0].kpi: 'answer_rate' is not a count KPI"),
            std::string::npos);
  EXPECT_NE(ErrorOf("surges:\n  - {dimension: total}\n").find("surges[0]"), std::string::npos);
  EXPECT_NE(ErrorOf(head + "dimension: planet}\n").find("surges[0].dimension"), std::string::npos);
  EXPECT_NE(ErrorOf(head + "window: month}\n").find("surges[0].window: must be hour or day"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "factor: 1}\n").find("surges[0].factor"), std::string::npos);
  EXPECT_NE(ErrorOf(head + "min_count: 0}\n").find("surges[0].min_count"), std::string::npos);
  EXPECT_NE(ErrorOf(head + "weeks: 0}\n").find("surges[0].weeks"), std::string::npos);
  EXPECT_NE(ErrorOf("retention: {hour: 14d}\n" + head + "weeks: 4}\n")
                .find("surges[0].weeks: 4 weeks reach past retention.hour"),
            std::string::npos);
  EXPECT_NE(ErrorOf(head + "colour: red}\n").find("surges[0]"), std::string::npos);
  EXPECT_NE(ErrorOf("surges:\n  - {kpi: complaint_volume}\n  - {kpi: complaint_volume}\n")
                .find("surges[1]: the same rule is listed twice"),
            std::string::npos);
  EXPECT_NE(ErrorOf("surges: {kpi: complaint_volume}\n")
                .find(".yaml: surges: must be a list"),
            std::string::npos);
}

TEST(SurgeConfigTest, TheShippedFileLoads) {
  auto settings = LoadSettings(sqms::testing::SourceFile("services/metrics/config/metrics.yaml"));
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_FALSE(settings->surges.empty());
}

}  // namespace
}  // namespace sqms::metrics::config
