// The canonical request encodings behind idempotency keys and request ids:
// every field a request carries changes the encoding, the volatile ones
// (the key / request id itself, the time seen) do not, and field
// boundaries cannot be shifted to forge an equal encoding.
#include "services/complaints/domain/request_fingerprint.h"

#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace sqms::complaints::domain {
namespace {

Submission Base() {
  Submission s;
  s.idempotency_key = "key-1";
  s.channel = Channel::kHotline;
  s.title = "Train late";
  s.content = "The G102 was two hours late";
  s.complainant = {"Li", "13800000000", "li@example.com", "ID1", "M1", "T1"};
  s.location = {"East", "Shanghai Hongqiao", "Jinghu", "G102"};
  s.occurred_at = absl::FromUnixSeconds(1'780'000'000);
  return s;
}

TEST(RequestFingerprintTest, EveryFieldOfASubmissionButTheKeyChangesIt) {
  const std::string base = CanonicalSubmission(Base());
  const std::vector<std::function<void(Submission&)>> changes = {
      [](Submission& s) { s.channel = Channel::kApp; },
      [](Submission& s) { s.title += "!"; },
      [](Submission& s) { s.content = "The G102 was cancelled"; },
      [](Submission& s) { s.complainant.name = "Wang"; },
      [](Submission& s) { s.complainant.phone = "13900000000"; },
      [](Submission& s) { s.complainant.email = ""; },
      [](Submission& s) { s.complainant.id_number = "ID2"; },
      [](Submission& s) { s.complainant.member_number = "M2"; },
      [](Submission& s) { s.complainant.ticket_number = "T2"; },
      [](Submission& s) { s.location.region = "West"; },
      [](Submission& s) { s.location.station = "Beijing South"; },
      [](Submission& s) { s.location.line = "Jingjin"; },
      [](Submission& s) { s.location.service_number = "G104"; },
      [](Submission& s) { s.occurred_at = absl::FromUnixSeconds(1'780'000'001); },
      [](Submission& s) { s.occurred_at.reset(); },
      [](Submission& s) { s.category = Category::kSafety; },
      [](Submission& s) { s.urgency = Level::kHigh; },
      [](Submission& s) { s.importance = Level::kLow; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    Submission changed = Base();
    changes[i](changed);
    EXPECT_NE(CanonicalSubmission(changed), base) << "change " << i;
  }
  Submission other_key = Base();
  other_key.idempotency_key = "key-2";
  EXPECT_EQ(CanonicalSubmission(other_key), base) << "the key is what it is stored under";
}

TEST(RequestFingerprintTest, FieldBoundariesCannotBeShifted) {
  Submission a = Base(), b = Base();
  a.title = "ab";
  a.content = "c";
  b.title = "a";
  b.content = "bc";
  EXPECT_NE(CanonicalSubmission(a), CanonicalSubmission(b));
  a.title = "x;content=1:y";
  a.content = "";
  b.title = "x";
  b.content = "y";
  EXPECT_NE(CanonicalSubmission(a), CanonicalSubmission(b));
}

TEST(RequestFingerprintTest, OccurredAtAbsentDiffersFromTheEpoch) {
  Submission a = Base(), b = Base();
  a.occurred_at.reset();
  b.occurred_at = absl::UnixEpoch();
  EXPECT_NE(CanonicalSubmission(a), CanonicalSubmission(b));
}

Command BaseCommand() {
  Command c;
  c.kind = CommandKind::kResolve;
  c.actor = "agent-ann";
  c.note = "done";
  c.findings = "f";
  c.root_cause = "r";
  c.corrective_action = "a";
  c.request_id = "2f1c9a4e-0000-4000-8000-000000000001";
  c.now = absl::FromUnixSeconds(1'780'000'000);
  return c;
}

TEST(RequestFingerprintTest, ACommandIsItsKindTargetVersionActorAndPayloadNotItsTime) {
  const std::string base = CanonicalCommand("CMP-1", 3, BaseCommand());
  EXPECT_NE(CanonicalCommand("CMP-2", 3, BaseCommand()), base);
  EXPECT_NE(CanonicalCommand("CMP-1", 4, BaseCommand()), base);
  const std::vector<std::function<void(Command&)>> changes = {
      [](Command& c) { c.kind = CommandKind::kReopen; },
      [](Command& c) { c.actor = "agent-bob"; },
      [](Command& c) { c.note = "other"; },
      [](Command& c) { c.department = "ops"; },
      [](Command& c) { c.assignee = "bob"; },
      [](Command& c) { c.findings = "g"; },
      [](Command& c) { c.root_cause = "s"; },
      [](Command& c) { c.corrective_action = "b"; },
      [](Command& c) { c.reply = "hello"; },
      [](Command& c) { c.satisfied = true; },
      [](Command& c) { c.score = 4; },
      [](Command& c) { c.comment = "meh"; },
      [](Command& c) { c.category = Category::kSafety; },
      [](Command& c) { c.priority = Priority::kP1; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    Command changed = BaseCommand();
    changes[i](changed);
    EXPECT_NE(CanonicalCommand("CMP-1", 3, changed), base) << "change " << i;
  }
  Command later = BaseCommand();
  later.now += absl::Seconds(5);
  later.request_id = "another";
  EXPECT_EQ(CanonicalCommand("CMP-1", 3, later), base);
}

}  // namespace
}  // namespace sqms::complaints::domain
