// Triage through the use cases: the explanation stored with each complaint,
// ExplainTriage (creates nothing), an agent's reclassification (recorded as
// an override, one version, one event), and hot reload of the rules.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/complaints/app/complaint_service.h"
#include "services/complaints/config/triage_reloader.h"
#include "sqms/runtime/field_violation.h"
#include "tests/unit/complaints/app/complaint_service_fixture.h"

namespace sqms::complaints::app::testing {
namespace {

using domain::Category;
using domain::CommandKind;
using domain::EventType;
using domain::Priority;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

domain::Command Reclassify(Category category, Priority priority = Priority::kUnspecified) {
  domain::Command c = MakeCommand(CommandKind::kReclassify);
  c.category = category;
  c.priority = priority;
  return c;
}

TEST_F(ComplaintServiceTest, EveryComplaintCarriesTheExplanationOfItsTriage) {
  domain::Complaint c = Submitted(SafetyReport());
  EXPECT_EQ(c.category, Category::kSafety);
  EXPECT_EQ(c.triage.category_rule, "decisive");
  EXPECT_EQ(c.triage.suggested_category, Category::kSafety);
  EXPECT_EQ(c.triage.priority_rule, "safety_always_p1");
  EXPECT_EQ(c.triage.config_version, triage_->Current()->config().version);
  ASSERT_FALSE(c.triage.scores.empty());
  EXPECT_EQ(c.triage.scores[0].category, Category::kSafety);
  EXPECT_EQ(c.triage.scores[0].evidence[0].term, "smoke");
  auto stored = repo_.Get(c.id, /*with_audit=*/false);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->triage.scores.size(), c.triage.scores.size());
}

TEST_F(ComplaintServiceTest, ExplainTriageDecidesWithoutCreatingAnything) {
  domain::Submission s;
  s.content = "車廂冒煙了";  // Traditional: folded to 车厢冒烟
  std::string normalized;
  domain::SlaPolicy policy;
  auto a = service_->ExplainTriage(s, &normalized, &policy);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->category, Category::kSafety);
  EXPECT_EQ(a->priority, Priority::kP1);
  EXPECT_THAT(normalized, HasSubstr("车厢冒烟"));
  EXPECT_EQ(policy.first_response, absl::Minutes(30));
  EXPECT_TRUE(repo_.outbox().empty());
  EXPECT_TRUE(submitted_.empty());
}

TEST_F(ComplaintServiceTest, ExplainTriageNamesTheMissingText) {
  std::string normalized;
  domain::SlaPolicy policy;
  auto a = service_->ExplainTriage(domain::Submission{}, &normalized, &policy);
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(a.status()), ElementsAre("content"));
}

TEST_F(ComplaintServiceTest, ReclassifyIsAnAuditedOverrideWithOneVersionAndOneEvent) {
  domain::Complaint c = Submitted(HygieneReport());
  ASSERT_EQ(c.category, Category::kHygiene);
  auto after = service_->Execute(c.id, c.version, Reclassify(Category::kFacilities));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->category, Category::kFacilities);
  EXPECT_TRUE(after->category_overridden);
  EXPECT_EQ(after->version, c.version + 1);
  // Still RECEIVED: routed anew (facilities in East China has its own team).
  EXPECT_EQ(after->department, "east-china-facilities");
  EXPECT_THAT(EventTypes(c.id), ElementsAre(EventType::kSubmitted, EventType::kReclassified));
  auto stored = repo_.Get(c.id, /*with_audit=*/true);
  ASSERT_TRUE(stored.ok());
  const domain::AuditEntry& entry = stored->audit.back();
  EXPECT_EQ(entry.action, "reclassify");
  EXPECT_EQ(entry.actor, "agent-7");
  EXPECT_EQ(entry.note,
            "category: hygiene → facilities; department: onboard-services → east-china-facilities");
  EXPECT_EQ(entry.version, after->version);
  ASSERT_EQ(reclassified_.size(), 1u);
  EXPECT_EQ(reclassified_[0].from_category, Category::kHygiene);
  EXPECT_EQ(reclassified_[0].to_category, Category::kFacilities);
}

TEST_F(ComplaintServiceTest, ReclassifyToSafetyMakesItP1AndTightensTheSla) {
  domain::Complaint c = Submitted(HygieneReport());
  ASSERT_EQ(c.priority, Priority::kP3);
  clock_.Advance(absl::Hours(1));
  auto after = service_->Execute(c.id, 0, Reclassify(Category::kSafety));
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->priority, Priority::kP1);
  const domain::SlaDeadline* first = after->sla.Find(domain::SlaTarget::kFirstResponse);
  ASSERT_NE(first, nullptr);
  // P1: 30 minutes from receipt on the 24x7 clock — already past, so it fires.
  EXPECT_EQ(first->due, c.received_at + absl::Minutes(30));
  auto stored = repo_.Get(c.id, /*with_audit=*/true);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->audit.back().note,
            "category: hygiene → safety; department: onboard-services → safety-office; "
            "importance: medium → high; priority: P3 → P1");
}

TEST_F(ComplaintServiceTest, ASafetyComplaintCannotBeLoweredBelowP1) {
  domain::Complaint c = Submitted(SafetyReport());
  auto after = service_->Execute(c.id, 0, Reclassify(Category::kUnspecified, Priority::kP3));
  EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(after.status()), ElementsAre("priority"));
  EXPECT_EQ(StoredVersion(c.id), c.version);  // nothing written
}

// A reclassification that changes nothing is refused: no version, no audit
// entry, no event. A retry of one that did change answers its first outcome.
TEST_F(ComplaintServiceTest, ReclassifyingToWhatItIsAlreadyIsRefusedWithoutWriting) {
  domain::Complaint c = Submitted(HygieneReport());
  ASSERT_EQ(c.priority, Priority::kP3);
  auto same = service_->Execute(c.id, 0, Reclassify(Category::kHygiene));
  EXPECT_EQ(same.status().code(), absl::StatusCode::kFailedPrecondition) << same.status();
  EXPECT_THAT(same.status().message(), HasSubstr("already category hygiene, priority P3"));
  EXPECT_THAT(Fields(same.status()), ElementsAre("category"));
  auto same_priority =
      service_->Execute(c.id, 0, Reclassify(Category::kUnspecified, Priority::kP3));
  EXPECT_EQ(same_priority.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Fields(same_priority.status()), ElementsAre("priority"));
  EXPECT_EQ(StoredVersion(c.id), c.version);
  EXPECT_THAT(AuditActions(c.id), ElementsAre("submit"));
  EXPECT_THAT(EventTypes(c.id), ElementsAre(EventType::kSubmitted));
  EXPECT_TRUE(reclassified_.empty());

  domain::Command facilities = Reclassify(Category::kFacilities);
  facilities.request_id = "req-reclassify-1";
  auto first = service_->Execute(c.id, 0, facilities);
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = service_->Execute(c.id, 0, facilities);  // now a no-op, but recorded
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->version, first->version);
  EXPECT_EQ(StoredVersion(c.id), c.version + 1);
}

TEST_F(ComplaintServiceTest, ReclassifyNeedsACategoryOrAPriority) {
  domain::Complaint c = Submitted(HygieneReport());
  auto after = service_->Execute(c.id, 0, Reclassify(Category::kUnspecified));
  EXPECT_EQ(after.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(after.status()), ElementsAre("category"));
}

class TriageReloadTest : public ComplaintServiceTest {
 protected:
  void SetUp() override {
    ComplaintServiceTest::SetUp();
    const std::string dir = ::testing::TempDir() + "/triage-reload-" + std::to_string(::getpid());
    std::filesystem::create_directories(dir);
    path_ = dir + "/triage.yaml";
    // The shipped file, as a ConfigMap would mount it: every holiday file
    // beside it (the tests below edit 2026's).
    const std::filesystem::path shipped_dir =
        sqms::testing::SourceFile("services/complaints/config");
    for (const auto& entry : std::filesystem::directory_iterator(shipped_dir)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with("holidays-") || !name.ends_with(".yaml")) continue;
      std::filesystem::copy_file(entry.path(), dir + "/" + name,
                                 std::filesystem::copy_options::overwrite_existing);
    }
    holidays_ = dir + "/holidays-2026.yaml";
    std::ifstream shipped(ShippedTriagePath());
    Write(std::string(std::istreambuf_iterator<char>(shipped), {}));
  }
  void TearDown() override { std::filesystem::remove_all(std::filesystem::path(path_).parent_path()); }
  void Write(const std::string& text) { std::ofstream(path_, std::ios::trunc) << text; }
  config::TriageReloader Reloader() {
    return config::TriageReloader(path_, triage_->Current()->config().version,
                                  AsciiNormalizer(), nullptr, *triage_,
                                  {.applied = [this](const std::string& v) { applied_.push_back(v); },
                                   .rejected = [this](const absl::Status&) { ++rejected_; }});
  }
  std::string holidays_;
  static const domain::TextNormalizer& AsciiNormalizer() {
    return domain::AsciiFoldNormalizer::Instance();
  }
  std::string path_;
  std::vector<std::string> applied_;
  int rejected_ = 0;
};

TEST_F(TriageReloadTest, AChangedConfigIsAppliedAndRecordedWithNewDecisions) {
  config::TriageReloader reloader = Reloader();
  auto unchanged = reloader.CheckNow();
  ASSERT_TRUE(unchanged.ok());
  EXPECT_FALSE(*unchanged);
  const std::string old_version = triage_->Current()->config().version;

  std::string text = sqms::testing::ShippedTriageText();
  text.replace(text.find("  - name: hygiene\n    importance: medium"),
               std::string("  - name: hygiene\n    importance: medium").size(),
               "  - name: hygiene\n    importance: high");
  Write(text);
  auto applied = reloader.CheckNow();
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_TRUE(*applied);
  ASSERT_EQ(applied_.size(), 1u);
  EXPECT_NE(applied_[0], old_version);

  domain::Complaint c = Submitted(HygieneReport());
  EXPECT_EQ(c.triage.config_version, applied_[0]);
  EXPECT_EQ(c.priority, Priority::kP2);  // medium urgency × high importance
}

TEST_F(TriageReloadTest, ABadConfigIsRefusedNamingTheKeyAndTheOldRulesStay) {
  config::TriageReloader reloader = Reloader();
  const std::string old_version = triage_->Current()->config().version;
  std::string text = sqms::testing::ShippedTriageText();
  text.replace(text.find("resolution: 4h"), std::string("resolution: 4h").size(), "resolution: 4x");
  Write(text);
  auto refused = reloader.CheckNow();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(path_ + ": sla.P1.resolution: \"4x\" is not a duration"));
  EXPECT_EQ(rejected_, 1);
  EXPECT_EQ(triage_->Current()->config().version, old_version);
  EXPECT_EQ(Submitted(SafetyReport()).triage.config_version, old_version);
  // Refused once, reported once, however often it is checked.
  EXPECT_FALSE(reloader.CheckNow().ok());
  EXPECT_EQ(rejected_, 1);
}

// The department list reloads with the routing that uses it: one file, one
// swap, so a rule never names a department the list in force lacks.
TEST_F(TriageReloadTest, ADepartmentAddedByAReloadIsAssignableAndRoutingMustListIt) {
  config::TriageReloader reloader = Reloader();
  const std::string id = Submitted(HygieneReport()).id;
  domain::Command assign = MakeCommand(CommandKind::kAssign);
  assign.department = "lost-and-found";
  auto before = service_->Execute(id, 0, assign);
  ASSERT_EQ(before.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(before.status()), ElementsAre("department"));

  // Routed to before it is listed: refused, the rules in force stay.
  const std::string old_version = triage_->Current()->config().version;
  std::string text = sqms::testing::ShippedTriageText();
  const std::string luggage = "department: luggage-services}";
  text.replace(text.find(luggage), luggage.size(), "department: lost-and-found}");
  Write(text);
  auto refused = reloader.CheckNow();
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(absl::StrCat(path_, ": routing.rules[7].department: department ",
                                     "\"lost-and-found\" is not one of departments")));
  EXPECT_EQ(triage_->Current()->config().version, old_version);

  const std::string listed = "departments:\n";
  text.replace(text.find(listed), listed.size(),
               "departments:\n  - {id: lost-and-found, name: 失物招领}\n");
  Write(text);
  auto applied = reloader.CheckNow();
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_TRUE(*applied);
  auto after = service_->Execute(id, 0, assign);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->department, "lost-and-found");
}

TEST_F(TriageReloadTest, AChangedHolidayFileIsANewVersionAndApplied) {
  config::TriageReloader reloader = Reloader();
  const std::string old_version = triage_->Current()->config().version;
  ASSERT_FALSE(triage_->Current()->config().calendar.holidays.contains(absl::CivilDay(2026, 12, 24)));
  std::string text;
  {
    std::ifstream in(holidays_);
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("holidays:\n"), 10, "holidays:\n  - 2026-12-24\n");
  std::ofstream(holidays_, std::ios::trunc) << text;  // triage.yaml itself unchanged

  auto applied = reloader.CheckNow();
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_TRUE(*applied);
  EXPECT_NE(triage_->Current()->config().version, old_version);
  EXPECT_TRUE(triage_->Current()->config().calendar.holidays.contains(absl::CivilDay(2026, 12, 24)));
}

TEST_F(TriageReloadTest, ABadHolidayFileIsRefusedNamingItsKey) {
  config::TriageReloader reloader = Reloader();
  const std::string old_version = triage_->Current()->config().version;
  std::ofstream(holidays_, std::ios::trunc) << "year: 2026\nholidays:\n  - 2027-01-01\n";
  auto refused = reloader.CheckNow();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr(holidays_ + ": holidays[0]: 2027-01-01 is not in 2026"));
  EXPECT_EQ(triage_->Current()->config().version, old_version);
}

}  // namespace
}  // namespace sqms::complaints::app::testing
