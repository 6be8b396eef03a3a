#pragma once
// Shared set-up for the ComplaintService tests: the shipped triage config
// (services/complaints/config/triage.yaml), an InMemoryComplaintRepository,
// a FakeClock on a Tuesday morning in Shanghai, and an observer that counts.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/complaints/app/complaint_service.h"
#include "services/complaints/config/triage_config.h"
#include "services/complaints/text/icu_opencc_normalizer.h"
#include "sqms/runtime/field_violation.h"
#include "tests/support/fake_clock.h"
#include "tests/source_path.h"
#include "tests/unit/complaints/app/in_memory_complaint_repository.h"

namespace sqms::complaints::app::testing {

using ::sqms::testing::FakeClock;

inline std::string ShippedTriagePath() {
  return sqms::testing::SourceFile("services/complaints/config/triage.yaml");
}

// Tuesday 2026-03-10 10:00 Asia/Shanghai, plus sub-millisecond noise the
// service must truncate away.
inline absl::Time StartTime() {
  absl::TimeZone shanghai;
  absl::LoadTimeZone("Asia/Shanghai", &shanghai);
  return absl::FromCivil(absl::CivilSecond(2026, 3, 10, 10, 0, 0), shanghai);
}

// Field names of an INVALID_ARGUMENT's violations.
inline std::vector<std::string> Fields(const absl::Status& status) {
  std::vector<std::string> out;
  for (const auto& v : runtime::FieldViolations(status)) out.push_back(v.field);
  return out;
}

// "Smoke in the carriage": safety, P1, on the 24x7 clock (first response
// 30m, resolution 4h, at risk at 80%).
inline domain::Submission SafetyReport(std::string idempotency_key = "") {
  domain::Submission s;
  s.idempotency_key = std::move(idempotency_key);
  s.channel = domain::Channel::kHotline;
  s.title = "Smoke in carriage 5";
  s.content = "There is smoke coming from under the seats near the door.";
  s.complainant.name = "Li Lei";
  s.complainant.phone = "13800138000";
  s.location.region = "North China";
  s.location.station = "Beijing South";
  s.location.service_number = "G101";
  return s;
}

// "Dirty toilet": hygiene, P3, business-hours clock.
inline domain::Submission HygieneReport(std::string phone = "13900139000") {
  domain::Submission s;
  s.channel = domain::Channel::kWeb;
  s.title = "Dirty toilet";
  s.content = "The toilet in carriage 3 was dirty all trip.";
  s.complainant.phone = std::move(phone);
  s.location.region = "East China";
  s.location.station = "Shanghai Hongqiao";
  return s;
}

// A command with the payload its kind requires.
inline domain::Command MakeCommand(domain::CommandKind kind) {
  domain::Command c;
  c.kind = kind;
  c.actor = "agent-7";
  switch (kind) {
    case domain::CommandKind::kAssign: c.department = "safety-office"; c.assignee = "wang"; break;
    case domain::CommandKind::kResolve:
      c.findings = "loose cable";
      c.root_cause = "maintenance missed";
      c.corrective_action = "cable fixed";
      break;
    case domain::CommandKind::kReply: c.reply = "Fixed, sorry."; break;
    case domain::CommandKind::kFollowUp: c.satisfied = true; c.score = 5; break;
    case domain::CommandKind::kAddNote: c.note = "called back"; break;
    default: break;
  }
  return c;
}

class ComplaintServiceTest : public ::testing::Test {
 protected:
  using Op = InMemoryComplaintRepository::Op;

  void SetUp() override {
    auto config = config::LoadTriageConfig(ShippedTriagePath());
    ASSERT_TRUE(config.ok()) << config.status();
    static const auto normalizer = text::IcuOpenccNormalizer::Create();
    ASSERT_TRUE(normalizer.ok()) << normalizer.status();
    triage_ = std::make_unique<TriageSource>(
        std::make_shared<const domain::Triage>(*std::move(config), **normalizer));
    service_ = MakeService();
  }

  std::unique_ptr<ComplaintService> MakeService() {
    ComplaintObserver observer;
    observer.submitted = [this](const domain::Complaint& c) { submitted_.push_back(c.id); };
    observer.sla_breached = [this](const domain::Complaint& c, domain::SlaTarget target) {
      breached_.push_back({c.id, target});
    };
    observer.reclassified = [this](domain::Category category, domain::Priority priority,
                                   const domain::Complaint& after) {
      reclassified_.push_back({category, priority, after.category, after.priority});
    };
    return std::make_unique<ComplaintService>(repo_, *triage_, clock_, "test-pii-key",
                                              std::move(observer));
  }

  // Submits and returns the new complaint; fails the test on error.
  domain::Complaint Submitted(const domain::Submission& s) {
    auto result = service_->Submit(s, "hotline-agent");
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? result->complaint : domain::Complaint{};
  }

  // The types of the outbox events of `id`, in order.
  std::vector<domain::EventType> EventTypes(const std::string& id) const {
    std::vector<domain::EventType> out;
    for (const auto& e : repo_.outbox()) {
      if (e.snapshot.id == id) out.push_back(e.event.event.type);
    }
    return out;
  }

  // The actions of the stored audit trail of `id`.
  std::vector<std::string> AuditActions(const std::string& id) {
    std::vector<std::string> out;
    auto c = repo_.Get(id, /*with_audit=*/true);
    EXPECT_TRUE(c.ok()) << c.status();
    if (c.ok()) {
      for (const auto& a : c->audit) out.push_back(a.action);
    }
    return out;
  }

  // The fake clock as the service sees it: truncated to milliseconds.
  absl::Time NowMs() const { return absl::FromUnixMillis(absl::ToUnixMillis(clock_.Now())); }

  int64_t StoredVersion(const std::string& id) {
    auto c = repo_.Get(id, /*with_audit=*/false);
    return c.ok() ? c->version : -1;
  }

  FakeClock clock_{StartTime() + absl::Microseconds(1234)};
  InMemoryComplaintRepository repo_{clock_};
  std::unique_ptr<TriageSource> triage_;
  struct Reclassified {
    domain::Category from_category;
    domain::Priority from_priority;
    domain::Category to_category;
    domain::Priority to_priority;
  };
  std::vector<Reclassified> reclassified_;
  std::vector<std::string> submitted_;
  std::vector<std::pair<std::string, domain::SlaTarget>> breached_;
  std::unique_ptr<ComplaintService> service_;
};

}  // namespace sqms::complaints::app::testing
