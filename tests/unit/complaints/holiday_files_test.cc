// Per-year holiday files (calendar.holiday_files): each is validated on its
// own, named in every error, and located beside the config that lists it.
#include "services/complaints/config/holiday_files.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/complaints/config/triage_config.h"
#include "tests/source_path.h"
#include "tests/unit/complaints/minimal_triage_config.h"

namespace sqms::complaints::config {
namespace {

using ::testing::HasSubstr;

const std::string kConfig = std::string(sqms::complaints::testing::kMinimalTriageConfig) +
                            "  holiday_files: [holidays-2030.yaml, holidays-2031.yaml]\n";

class HolidayFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = absl::StrCat(::testing::TempDir(), "/holiday-files-", ::getpid());
    std::filesystem::create_directories(dir_);
    Write("triage.yaml", kConfig);
    Write("holidays-2030.yaml", "year: 2030\nholidays: [2030-01-01]\nworkdays: [2030-01-05]\n");
    Write("holidays-2031.yaml", "year: 2031\nholidays: [2031-01-01, 2031-10-01]\n");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name, std::ios::trunc) << text;
  }
  std::string Error() {
    auto config = LoadTriageConfig(dir_ + "/triage.yaml");
    EXPECT_FALSE(config.ok());
    return std::string(config.status().message());
  }
  std::string dir_;
};

TEST_F(HolidayFilesTest, EveryListedYearIsLoadedFromBesideTheConfig) {
  auto config = LoadTriageConfig(dir_ + "/triage.yaml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->calendar.holiday_years, ::testing::ElementsAre(2030, 2031));
  EXPECT_TRUE(config->calendar.holidays.contains(absl::CivilDay(2031, 10, 1)));
  EXPECT_TRUE(config->calendar.extra_workdays.contains(absl::CivilDay(2030, 1, 5)));
}

TEST_F(HolidayFilesTest, ADateOutsideTheFilesYearIsNamedInThatFile) {
  Write("holidays-2031.yaml", "year: 2031\nholidays: [2031-01-01, 2030-12-31]\n");
  EXPECT_THAT(Error(), HasSubstr(dir_ + "/holidays-2031.yaml: holidays[1]: 2030-12-31 is not in 2031"));
}

TEST_F(HolidayFilesTest, AMissingFileIsNamedByItsKeyInTheConfig) {
  std::filesystem::remove(dir_ + "/holidays-2031.yaml");
  EXPECT_THAT(Error(), HasSubstr("triage.yaml: calendar.holiday_files[1]: cannot read"));
}

TEST_F(HolidayFilesTest, TwoFilesForOneYearAreRefused) {
  Write("holidays-2031.yaml", "year: 2030\nholidays: [2030-10-01]\n");
  EXPECT_THAT(Error(), HasSubstr("calendar.holiday_files[1]: a second set of holidays for 2030"));
}

TEST_F(HolidayFilesTest, BadContentIsNamedByKey) {
  Write("holidays-2030.yaml", "holidays: [2030-01-01]\n");
  EXPECT_THAT(Error(), HasSubstr("holidays-2030.yaml: year"));
  Write("holidays-2030.yaml", "year: 2030\nholidays: [2030-02-30]\n");
  EXPECT_THAT(Error(), HasSubstr("holidays-2030.yaml: holidays[0]: \"2030-02-30\" is not a date"));
  Write("holidays-2030.yaml", "year: 2030\nholidays: [2030-01-01]\nworkdays: [2030-01-01]\n");
  EXPECT_THAT(Error(), HasSubstr("holidays-2030.yaml: workdays: 2030-01-01 is also a holiday"));
  Write("holidays-2030.yaml", "year: 2030\nholidays: [2030-01-01]\nextra: 1\n");
  EXPECT_THAT(Error(), HasSubstr("holidays-2030.yaml"));
}

TEST_F(HolidayFilesTest, TheVersionCoversTheHolidayFiles) {
  std::ifstream in(dir_ + "/triage.yaml");
  const std::string content(std::istreambuf_iterator<char>(in), {});
  const std::string before = TriageConfigVersion(content, dir_ + "/triage.yaml");
  EXPECT_EQ(LoadTriageConfig(dir_ + "/triage.yaml")->version, before);
  Write("holidays-2031.yaml", "year: 2031\nholidays: [2031-01-01]\n");
  EXPECT_NE(TriageConfigVersion(content, dir_ + "/triage.yaml"), before);
}

TEST(HolidayFilesShippedTest, TheShippedConfigHas2026FromItsOwnFile) {
  auto config = LoadTriageConfig(
      sqms::testing::SourceFile("services/complaints/config/triage.yaml"));
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->calendar.holiday_years.contains(2026));
  EXPECT_TRUE(config->calendar.holidays.contains(absl::CivilDay(2026, 10, 1)));
}

TEST(ResolveBesideTest, RelativeNamesAreBesideTheConfigAbsoluteOnesStay) {
  EXPECT_EQ(ResolveBeside("/etc/sqms/triage/triage.yaml", "holidays-2027.yaml"),
            "/etc/sqms/triage/holidays-2027.yaml");
  EXPECT_EQ(ResolveBeside("triage.yaml", "h.yaml"), "h.yaml");
  EXPECT_EQ(ResolveBeside("/etc/triage.yaml", "/opt/h.yaml"), "/opt/h.yaml");
}

}  // namespace
}  // namespace sqms::complaints::config
