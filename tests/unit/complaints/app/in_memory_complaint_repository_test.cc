// The fake itself: the store semantics the service tests rely on.

#include "tests/unit/complaints/app/in_memory_complaint_repository.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"

namespace sqms::complaints::app::testing {

using ::sqms::testing::FakeClock;
namespace {

using ports::CreateOutcome;

class InMemoryComplaintRepositoryTest : public ::testing::Test {
 protected:
  ports::NewComplaint Record(const std::string& fingerprint, const std::string& expected_first,
                             const std::string& idempotency_key = "") {
    ports::NewComplaint r;
    r.complaint.id = repo_.NewId(fingerprint, clock_.Now());
    r.complaint.version = 1;
    r.complaint.received_at = clock_.Now();
    r.complaint.idempotency_key = idempotency_key;
    r.complaint.audit.push_back({clock_.Now(), "a", "submit", {}, {}, "", 1});
    r.fingerprint = fingerprint;
    r.expected_first = expected_first;
    r.duplicate_window = absl::Hours(1);
    r.idempotency_scope = idempotency_key;
    return r;
  }

  FakeClock clock_{absl::FromUnixSeconds(1'773'000'000)};
  InMemoryComplaintRepository repo_{clock_};
};

TEST_F(InMemoryComplaintRepositoryTest, CreateChecksReplayThenDuplicateFirst) {
  const ports::NewComplaint mine = Record("fp", "", "k1");
  auto first = repo_.Create(mine);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->outcome, CreateOutcome::kCreated);
  // The same id again with the same idempotency scope: an earlier attempt.
  EXPECT_EQ(repo_.Create(mine)->outcome, CreateOutcome::kReplayed);
  ports::NewComplaint foreign = mine;
  foreign.idempotency_scope = "k9";
  EXPECT_EQ(repo_.Create(foreign).status().code(), absl::StatusCode::kAborted);
  auto raced = repo_.Create(Record("fp", "", "k2"));
  EXPECT_EQ(raced->outcome, CreateOutcome::kDuplicateRaced);
  EXPECT_EQ(raced->first_duplicate_id, first->id);
  EXPECT_EQ(repo_.Create(Record("fp", first->id, "k2"))->outcome, CreateOutcome::kCreated);
  clock_.Advance(absl::Hours(1));  // the dedup key expired: a fresh first
  EXPECT_EQ(repo_.Create(Record("fp", "", "k1"))->outcome, CreateOutcome::kCreated);
}

TEST_F(InMemoryComplaintRepositoryTest, ReserveBindsAKeyOnceUntilItsTtl) {
  auto mine = repo_.Reserve("scope", "fp1", "CMP-1", absl::Hours(1));
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->reserved_now);
  auto held = repo_.Reserve("scope", "fp2", "CMP-2", absl::Hours(1));
  ASSERT_TRUE(held.ok());
  EXPECT_FALSE(held->reserved_now);
  EXPECT_EQ(held->request_fingerprint, "fp1");
  EXPECT_EQ(held->complaint_id, "CMP-1");
  clock_.Advance(absl::Hours(1));
  EXPECT_TRUE(repo_.Reserve("scope", "fp2", "CMP-2", absl::Hours(1))->reserved_now);
}

TEST_F(InMemoryComplaintRepositoryTest, UpdateIsCompareAndSetAndAppendsNewAudit) {
  auto created = repo_.Create(Record("", ""));
  ASSERT_TRUE(created.ok());
  domain::Complaint c = *repo_.Get(created->id, /*with_audit=*/false);
  EXPECT_TRUE(c.audit.empty());
  c.version = 2;
  c.audit.push_back({clock_.Now(), "a", "note", {}, {}, "", 2});
  ports::ComplaintUpdate update;
  update.complaint = c;
  update.expected_version = 1;
  EXPECT_TRUE(*repo_.Update(update));
  EXPECT_FALSE(*repo_.Update(update));
  EXPECT_EQ(repo_.Get(c.id, /*with_audit=*/true)->audit.size(), 2u);
  update.complaint.id = "CMP-999";
  update.expected_version = 2;
  EXPECT_EQ(repo_.Update(update).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(InMemoryComplaintRepositoryTest, HooksRunBeforeTheCallAndFaultsFailIt) {
  bool ran = false;
  repo_.BeforeNext(InMemoryComplaintRepository::Op::kList, [&] { ran = true; });
  EXPECT_TRUE(repo_.List({}).ok());
  EXPECT_TRUE(ran);
  repo_.SetDown(absl::UnavailableError("down"));
  EXPECT_EQ(repo_.List({}).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(repo_.Create(Record("", "")).status().code(), absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());
  EXPECT_EQ(repo_.creates(), 0);
}

}  // namespace
}  // namespace sqms::complaints::app::testing
