#pragma once
// The contract of ports::IncidentRegistry (known issues), as typed tests
// every implementation runs: the in-memory fake
// (tests/unit/complaints/app/in_memory_incident_registry.h) and the Redis
// registry against a real redis-server
// (tests/integration/complaints/redis_incident_registry_test.cc).
//
// Instantiate with a traits type T:
//   struct T { static std::unique_ptr<RegistryEnv> Make(); };

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/complaints/ports/incident_registry.h"

namespace sqms::complaints::contract {

class RegistryEnv {
 public:
  virtual ~RegistryEnv() = default;
  virtual ports::IncidentRegistry& registry() = 0;
};

template <typename Traits>
class IncidentRegistryContract : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = Traits::Make();
    ASSERT_NE(env_, nullptr);
  }
  ports::IncidentRegistry& registry() { return env_->registry(); }

  static domain::ActiveIncident Incident(const std::string& id, const std::string& station) {
    domain::ActiveIncident i;
    i.id = id;
    i.title = "Safety complaint — " + station;
    i.plan_id = "safety-complaint";
    i.level = "I";
    i.labels = {{"station", station}};
    i.categories = {domain::Category::kSafety, domain::Category::kTimeliness};
    i.opened_at = absl::FromUnixMillis(1'790'000'000'123);
    return i;
  }
  // The active incidents' ids, sorted (fails the test on an error).
  std::vector<std::string> ActiveIds() {
    auto active = registry().Active();
    EXPECT_TRUE(active.ok()) << active.status();
    std::vector<std::string> ids;
    if (active.ok()) {
      for (const auto& i : *active) ids.push_back(i.id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::unique_ptr<RegistryEnv> env_;
};

TYPED_TEST_SUITE_P(IncidentRegistryContract);

TYPED_TEST_P(IncidentRegistryContract, AnActivatedIncidentReadsBackWhole) {
  EXPECT_TRUE(this->ActiveIds().empty()) << "empty at first";
  const domain::ActiveIncident written = this->Incident("inc-1", "长沙南");
  ASSERT_TRUE(this->registry().Activate(written).ok());
  auto active = this->registry().Active();
  ASSERT_TRUE(active.ok()) << active.status();
  ASSERT_EQ(active->size(), 1u);
  const domain::ActiveIncident& read = active->front();
  EXPECT_EQ(read.id, written.id);
  EXPECT_EQ(read.title, written.title);
  EXPECT_EQ(read.plan_id, written.plan_id);
  EXPECT_EQ(read.level, written.level);
  EXPECT_EQ(read.labels, written.labels);
  EXPECT_EQ(read.categories, written.categories);
  EXPECT_EQ(read.opened_at, written.opened_at);
}

TYPED_TEST_P(IncidentRegistryContract, ActivatingAgainReplacesAndEndingRemovesOnlyThatOne) {
  ASSERT_TRUE(this->registry().Activate(this->Incident("inc-1", "长沙南")).ok());
  ASSERT_TRUE(this->registry().Activate(this->Incident("inc-2", "新竹")).ok());
  domain::ActiveIncident moved = this->Incident("inc-1", "嘉義");
  ASSERT_TRUE(this->registry().Activate(moved).ok());
  EXPECT_EQ(this->ActiveIds(), (std::vector<std::string>{"inc-1", "inc-2"}));
  auto active = this->registry().Active();
  ASSERT_TRUE(active.ok());
  for (const auto& i : *active) {
    if (i.id == "inc-1") {
      EXPECT_EQ(i.labels.at("station"), "嘉義") << "replaced";
    }
  }
  ASSERT_TRUE(this->registry().End("inc-1").ok());
  EXPECT_EQ(this->ActiveIds(), (std::vector<std::string>{"inc-2"}));
  EXPECT_TRUE(this->registry().End("inc-1").ok()) << "idempotent";
  EXPECT_TRUE(this->registry().End("inc-never-seen").ok());
  EXPECT_EQ(this->ActiveIds(), (std::vector<std::string>{"inc-2"}));
}

TYPED_TEST_P(IncidentRegistryContract, AnEndedIncidentIsNeverRevivedByALateEvent) {
  ASSERT_TRUE(this->registry().Activate(this->Incident("inc-1", "长沙南")).ok());
  ASSERT_TRUE(this->registry().End("inc-1").ok());
  ASSERT_TRUE(this->registry().Activate(this->Incident("inc-1", "长沙南")).ok())
      << "a redelivered opening is no error";
  EXPECT_TRUE(this->ActiveIds().empty()) << "but the incident stays ended";
}

REGISTER_TYPED_TEST_SUITE_P(IncidentRegistryContract, AnActivatedIncidentReadsBackWhole,
                            ActivatingAgainReplacesAndEndingRemovesOnlyThatOne,
                            AnEndedIncidentIsNeverRevivedByALateEvent);

}  // namespace sqms::complaints::contract
