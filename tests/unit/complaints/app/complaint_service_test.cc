// ComplaintService: Submit (validation, triage, SLA, idempotency, duplicate
// linking and its race), Get and List. Execute and the SLA timers are in
// complaint_service_execute_test.cc and complaint_service_timers_test.cc.

#include "services/complaints/app/complaint_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/unit/complaints/app/complaint_service_fixture.h"

namespace sqms::complaints::app::testing {
namespace {

using domain::EventType;
using domain::SlaTarget;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// --- Submit: validation ---

TEST_F(ComplaintServiceTest, SubmitRejectsBadInputAndWritesNothing) {
  domain::Submission bad = SafetyReport("key-1");
  bad.title.clear();
  bad.complainant.phone = "12";
  auto result = service_->Submit(bad, "hotline-agent");
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(result.status()), UnorderedElementsAre("title", "complainant.phone"));
  EXPECT_EQ(repo_.creates(), 0);
  EXPECT_THAT(repo_.outbox(), IsEmpty());
  EXPECT_THAT(repo_.timers(), IsEmpty());
  EXPECT_THAT(submitted_, IsEmpty());
  // The key was not consumed: a corrected retry creates the complaint.
  auto fixed = service_->Submit(SafetyReport("key-1"), "hotline-agent");
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_FALSE(fixed->replayed);
}

// --- Submit: creation ---

TEST_F(ComplaintServiceTest, SubmitCreatesTriagedComplaintWithSlaDeadlines) {
  const absl::Time now = NowMs();
  ASSERT_NE(now, clock_.Now()) << "the fixture's clock should carry sub-millisecond noise";
  auto result = service_->Submit(SafetyReport("key-1"), "hotline-agent");
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_FALSE(result->replayed);
  const domain::Complaint& c = result->complaint;

  EXPECT_THAT(c.id, ::testing::StartsWith("CMP-"));
  EXPECT_EQ(c.version, 1);
  EXPECT_EQ(c.status, domain::Status::kReceived);
  EXPECT_EQ(c.category, domain::Category::kSafety);
  EXPECT_EQ(c.priority, domain::Priority::kP1);
  EXPECT_EQ(c.department, "safety-office");
  EXPECT_EQ(c.received_at, now);  // millisecond-exact
  EXPECT_EQ(c.occurred_at, now);
  EXPECT_EQ(c.idempotency_key, "key-1");
  EXPECT_TRUE(c.duplicate_of.empty());

  // P1 runs on the 24x7 clock: 30m / 4h, at risk at 80%.
  ASSERT_EQ(c.sla.deadlines.size(), 2u);
  const domain::SlaDeadline* first = c.sla.Find(SlaTarget::kFirstResponse);
  const domain::SlaDeadline* resolution = c.sla.Find(SlaTarget::kResolution);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(resolution, nullptr);
  EXPECT_EQ(first->due, now + absl::Minutes(30));
  EXPECT_EQ(first->at_risk_at, now + absl::Minutes(24));
  EXPECT_EQ(resolution->due, now + absl::Hours(4));
  EXPECT_EQ(resolution->at_risk_at, now + absl::Hours(3) + absl::Minutes(12));

  ASSERT_EQ(c.audit.size(), 1u);
  EXPECT_EQ(c.audit[0].action, "submit");
  EXPECT_EQ(c.audit[0].actor, "hotline-agent");
  EXPECT_EQ(c.audit[0].version, 1);

  // What the store got: the same complaint, its event, its four timers.
  auto stored = repo_.Get(c.id, /*with_audit=*/true);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version, 1);
  EXPECT_EQ(stored->priority, domain::Priority::kP1);
  EXPECT_EQ(stored->audit.size(), 1u);
  EXPECT_THAT(EventTypes(c.id), ElementsAre(EventType::kSubmitted));
  EXPECT_EQ(repo_.timers().size(), 4u);
  EXPECT_EQ(repo_.timers().front().first, now + absl::Minutes(24));
  EXPECT_FALSE(repo_.ComplainantKeyOf(c.id).empty());
  EXPECT_EQ(repo_.ComplainantKeyOf(c.id).find("13800138000"), std::string::npos)
      << "the complainant key must be a keyed hash, not the phone number";
  EXPECT_THAT(submitted_, ElementsAre(c.id));
}

TEST_F(ComplaintServiceTest, SubmitOnBusinessClockStartsDeadlinesInOpeningHours) {
  // Hygiene is P3: first response 4h of business time. Tuesday 10:00 + 4h.
  const domain::Complaint c = Submitted(HygieneReport());
  EXPECT_EQ(c.category, domain::Category::kHygiene);
  EXPECT_EQ(c.priority, domain::Priority::kP3);
  EXPECT_EQ(c.department, "onboard-services");
  ASSERT_NE(c.sla.Find(SlaTarget::kFirstResponse), nullptr);
  EXPECT_EQ(c.sla.Find(SlaTarget::kFirstResponse)->due, NowMs() + absl::Hours(4));
}

// --- Submit: idempotency ---

TEST_F(ComplaintServiceTest, SameIdempotencyKeyReturnsTheOriginal) {
  const domain::Complaint original = Submitted(SafetyReport("key-1"));
  clock_.Advance(absl::Minutes(5));

  auto again = service_->Submit(SafetyReport("key-1"), "hotline-agent");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->complaint.id, original.id);
  EXPECT_EQ(again->complaint.title, original.title);
  EXPECT_EQ(again->complaint.received_at, original.received_at);
  EXPECT_EQ(repo_.creates(), 1);
  EXPECT_EQ(repo_.outbox().size(), 1u);
  EXPECT_THAT(submitted_, ElementsAre(original.id)) << "a replay is not a new submission";
}

TEST_F(ComplaintServiceTest, SameIdempotencyKeyWithAnotherRequestIsRefused) {
  const domain::Complaint original = Submitted(SafetyReport("key-1"));
  domain::Submission retry = SafetyReport("key-1");
  retry.title = "Smoke in carriage 6 (retyped)";
  auto again = service_->Submit(retry, "hotline-agent");
  ASSERT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition) << again.status();
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("\"key-1\""));
  EXPECT_THAT(Fields(again.status()), ElementsAre("idempotency_key"));
  EXPECT_EQ(repo_.creates(), 1);

  // Another subject's key of the same name is another key.
  auto theirs = service_->Submit(retry, "web-portal");
  ASSERT_TRUE(theirs.ok()) << theirs.status();
  EXPECT_FALSE(theirs->replayed);
  EXPECT_NE(theirs->complaint.id, original.id);
}

TEST_F(ComplaintServiceTest, IdempotencyKeyCommittedByAnotherReplicaIsAReplay) {
  // Another replica commits the same key just before us: the store's
  // answer (kReplayed) wins and we return its complaint.
  std::string theirs;
  repo_.BeforeNext(Op::kCreate, [&] { theirs = Submitted(SafetyReport("key-1")).id; });
  auto ours = service_->Submit(SafetyReport("key-1"), "hotline-agent");
  ASSERT_TRUE(ours.ok()) << ours.status();
  EXPECT_TRUE(ours->replayed);
  EXPECT_EQ(ours->complaint.id, theirs);
  EXPECT_EQ(repo_.creates(), 1);
}

TEST_F(ComplaintServiceTest, ACrashBetweenReservingTheKeyAndCreatingIsCompletedByTheRetry) {
  // The key is reserved, then the store fails before the complaint is
  // written (as a SIGKILL between the two steps would leave it).
  repo_.BeforeNext(Op::kCreate, [&] { repo_.SetDown(absl::UnavailableError("killed")); });
  auto lost = service_->Submit(SafetyReport("key-1"), "hotline-agent");
  ASSERT_EQ(lost.status().code(), absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());
  EXPECT_EQ(repo_.creates(), 0);

  auto retry = service_->Submit(SafetyReport("key-1"), "hotline-agent");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_FALSE(retry->replayed) << "nothing was created before";
  auto again = service_->Submit(SafetyReport("key-1"), "hotline-agent");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->complaint.id, retry->complaint.id);
  EXPECT_EQ(repo_.creates(), 1);
  // The reserved key still refuses another request.
  domain::Submission other = SafetyReport("key-1");
  other.content = "Something else entirely";
  EXPECT_EQ(service_->Submit(other, "hotline-agent").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ComplaintServiceTest, IdempotencyKeyExpiresAfterItsTtl) {
  domain::Submission s = SafetyReport("key-1");
  const std::string original = Submitted(s).id;
  clock_.Advance(triage_->Current()->config().idempotency_ttl + absl::Seconds(1));
  auto later = service_->Submit(s, "hotline-agent");
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_FALSE(later->replayed);
  EXPECT_NE(later->complaint.id, original);
}

// --- Submit: duplicates ---

TEST_F(ComplaintServiceTest, SameComplainantCategoryAndStationIsLinkedAsDuplicate) {
  const domain::Complaint first = Submitted(SafetyReport("key-1"));
  clock_.Advance(absl::Minutes(10));

  domain::Submission again = SafetyReport("key-2");
  again.complainant.phone = "+86 138-0013-8000";  // the same mobile, written differently
  again.title = "Still smoke in carriage 5";
  auto second = service_->Submit(again, "web");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_FALSE(second->replayed);
  const domain::Complaint& dup = second->complaint;
  EXPECT_NE(dup.id, first.id);
  EXPECT_EQ(dup.duplicate_of, first.id);
  EXPECT_EQ(dup.version, 1);

  // One kDuplicateLinked event after kSubmitted, and its audit entry.
  EXPECT_THAT(EventTypes(dup.id), ElementsAre(EventType::kSubmitted, EventType::kDuplicateLinked));
  for (const auto& e : repo_.outbox()) {
    if (e.event.event.type != EventType::kDuplicateLinked) continue;
    EXPECT_EQ(e.event.event.note, "duplicate of " + first.id);
    EXPECT_EQ(e.event.event.actor, "web");
    EXPECT_EQ(e.snapshot.duplicate_of, first.id);
  }
  // One version, one audit entry: the submission's says it is a duplicate.
  EXPECT_THAT(AuditActions(dup.id), ElementsAre("submit"));
  auto stored = repo_.Get(dup.id, /*with_audit=*/true);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->duplicate_of, first.id);
  EXPECT_EQ(stored->audit.back().version, 1);
  EXPECT_EQ(stored->audit.back().note, "duplicate of " + first.id);

  // The first stays the first: a third is linked to it too.
  EXPECT_EQ(Submitted(SafetyReport()).duplicate_of, first.id);
  EXPECT_TRUE(repo_.Get(first.id, false)->duplicate_of.empty());
  EXPECT_THAT(submitted_, ::testing::SizeIs(3));
}

TEST_F(ComplaintServiceTest, DifferentPersonStationOrCategoryIsNotADuplicate) {
  Submitted(SafetyReport());
  domain::Submission other_person = SafetyReport();
  other_person.complainant.phone = "13700137000";
  domain::Submission other_station = SafetyReport();
  other_station.location.station = "Tianjin";
  domain::Submission other_category = HygieneReport("13800138000");
  other_category.location.station = "Beijing South";
  EXPECT_TRUE(Submitted(other_person).duplicate_of.empty());
  EXPECT_TRUE(Submitted(other_station).duplicate_of.empty());
  EXPECT_TRUE(Submitted(other_category).duplicate_of.empty());
}

TEST_F(ComplaintServiceTest, DuplicateWindowEnds) {
  Submitted(SafetyReport());
  clock_.Advance(triage_->Current()->config().duplicate_window + absl::Seconds(1));
  const domain::Complaint later = Submitted(SafetyReport());
  EXPECT_TRUE(later.duplicate_of.empty());
  // ... and the later one starts a new window.
  EXPECT_EQ(Submitted(SafetyReport()).duplicate_of, later.id);
}

TEST_F(ComplaintServiceTest, DuplicateRacedInIsRelinkedToTheStoresFirst) {
  // Our lookup saw no first; another submission of the same person, category
  // and station commits before our create: the store answers kDuplicateRaced
  // and we link to it.
  std::string theirs;
  repo_.BeforeNext(Op::kCreate, [&] { theirs = Submitted(SafetyReport("theirs")).id; });
  auto ours = service_->Submit(SafetyReport("ours"), "hotline-agent");
  ASSERT_TRUE(ours.ok()) << ours.status();
  ASSERT_FALSE(theirs.empty());
  EXPECT_EQ(ours->complaint.duplicate_of, theirs);
  EXPECT_EQ(repo_.creates(), 2);
  EXPECT_TRUE(repo_.Get(theirs, false)->duplicate_of.empty());
  // Linked exactly once: the failed attempt left no trace on the record.
  EXPECT_THAT(EventTypes(ours->complaint.id),
              ElementsAre(EventType::kSubmitted, EventType::kDuplicateLinked));
  EXPECT_THAT(AuditActions(ours->complaint.id), ElementsAre("submit"));
  EXPECT_THAT(submitted_, ElementsAre(theirs, ours->complaint.id));
}

TEST_F(ComplaintServiceTest, DuplicateRaceWhenTheFirstExpiredUnlinks) {
  // The first's dedup key expires just before we create: the store has no
  // first any more and we create unlinked.
  const std::string first = Submitted(SafetyReport()).id;
  clock_.Advance(triage_->Current()->config().duplicate_window - absl::Seconds(1));
  repo_.BeforeNext(Op::kCreate, [&] { clock_.Advance(absl::Seconds(2)); });
  auto ours = service_->Submit(SafetyReport(), "hotline-agent");
  ASSERT_TRUE(ours.ok()) << ours.status();
  EXPECT_TRUE(ours->complaint.duplicate_of.empty());
  EXPECT_THAT(EventTypes(ours->complaint.id), ElementsAre(EventType::kSubmitted));
  EXPECT_THAT(AuditActions(ours->complaint.id), ElementsAre("submit"));
  // It became the new first.
  EXPECT_EQ(Submitted(SafetyReport()).duplicate_of, ours->complaint.id);
}

TEST_F(ComplaintServiceTest, SubmissionThatKeepsRacingGivesUpWithAborted) {
  // Every create finds a different first (the window keeps expiring while
  // new duplicates arrive): after its attempts Submit answers ABORTED and
  // writes nothing of its own.
  std::function<void()> race = [&] {
    clock_.Advance(triage_->Current()->config().duplicate_window + absl::Seconds(1));
    Submitted(SafetyReport());
    repo_.BeforeNext(Op::kCreate, race);  // re-armed after the nested create
  };
  repo_.BeforeNext(Op::kCreate, race);
  auto ours = service_->Submit(SafetyReport("ours"), "hotline-agent");
  EXPECT_EQ(ours.status().code(), absl::StatusCode::kAborted) << ours.status();
  repo_.BeforeNext(Op::kCreate, [] {});  // disarm
  EXPECT_EQ(repo_.creates(), 3) << "only the racing submissions were stored";
  for (const auto& e : repo_.outbox()) EXPECT_NE(e.snapshot.idempotency_key, "ours");
}

TEST_F(ComplaintServiceTest, AnonymousComplaintIsRejectedSoNeverLinked) {
  // The port allows an anonymous complaint (no complainant key, no
  // fingerprint, never linked), but validation requires phone, email or
  // id_number, so Submit never gets that far: nothing is written.
  domain::Submission anonymous = SafetyReport();
  anonymous.complainant = {};
  anonymous.complainant.name = "a passenger";
  auto result = service_->Submit(anonymous, "hotline-agent");
  ASSERT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(result.status()), ElementsAre("complainant"));
  EXPECT_EQ(repo_.creates(), 0);
}

TEST_F(ComplaintServiceTest, ComplainantsAreIdentifiedByPhoneThenEmailThenIdNumber) {
  // Email-only and id-only complainants get keys and are deduplicated too.
  domain::Submission by_email = SafetyReport();
  by_email.complainant.phone.clear();
  by_email.complainant.email = "Li.Lei@Example.com";
  const std::string first = Submitted(by_email).id;
  by_email.complainant.email = "li.lei@example.com";
  EXPECT_EQ(Submitted(by_email).duplicate_of, first);
  EXPECT_FALSE(repo_.FingerprintOf(first).empty());
}

// --- Submit: store failures ---

TEST_F(ComplaintServiceTest, SubmitPropagatesStoreUnavailable) {
  repo_.SetDown(absl::UnavailableError("redis down"));
  EXPECT_EQ(service_->Submit(SafetyReport("k"), "a").status().code(),
            absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());

  // Down between lookup and create.
  repo_.BeforeNext(Op::kCreate, [&] { repo_.SetDown(absl::UnavailableError("redis down")); });
  EXPECT_EQ(service_->Submit(SafetyReport("k"), "a").status().code(),
            absl::StatusCode::kUnavailable);
  repo_.SetDown(absl::OkStatus());
  EXPECT_EQ(repo_.creates(), 0);
  EXPECT_THAT(submitted_, IsEmpty());

  // The same key then goes through once the store is back.
  auto retry = service_->Submit(SafetyReport("k"), "a");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_FALSE(retry->replayed);
}

// --- Get ---

TEST_F(ComplaintServiceTest, GetNeedsAnIdAndReturnsTheAuditTrail) {
  auto empty = service_->Get("");
  ASSERT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(empty.status()), ElementsAre("id"));

  EXPECT_EQ(service_->Get("CMP-424242").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(service_->Get("not-an-id").status().code(), absl::StatusCode::kInvalidArgument);

  const domain::Complaint c = Submitted(SafetyReport());
  ASSERT_TRUE(service_->Execute(c.id, 0, MakeCommand(domain::CommandKind::kAssign)).ok());
  auto got = service_->Get(c.id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->version, 2);
  ASSERT_EQ(got->audit.size(), 2u);
  EXPECT_EQ(got->audit[0].action, "submit");
  EXPECT_EQ(got->audit[1].action, "assign");
  EXPECT_EQ(got->audit[1].version, 2);

  repo_.SetDown(absl::UnavailableError("redis down"));
  EXPECT_EQ(service_->Get(c.id).status().code(), absl::StatusCode::kUnavailable);
}

// --- List ---

TEST_F(ComplaintServiceTest, ListChecksPageSize) {
  for (int bad : {0, -1, 501}) {
    ports::ListQuery q;
    q.page_size = bad;
    auto page = service_->List(q);
    ASSERT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(Fields(page.status()), ElementsAre("page_size")) << bad;
  }
  for (int good : {1, 500}) {
    ports::ListQuery q;
    q.page_size = good;
    EXPECT_TRUE(service_->List(q).ok()) << good;
  }
}

TEST_F(ComplaintServiceTest, ListPagesInReceiveOrderWithFilters) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    domain::Submission s = i % 2 == 0 ? SafetyReport() : HygieneReport();
    s.complainant.phone = "1380013800" + std::to_string(i);  // no duplicates
    ids.push_back(Submitted(s).id);
    clock_.Advance(absl::Seconds(1));
  }

  // Pages of two, in (received_at, id) order, until the token runs out.
  ports::ListQuery q;
  q.page_size = 2;
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = service_->List(q);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->complaints) {
      seen.push_back(c.id);
      EXPECT_TRUE(c.audit.empty()) << "List returns records without the audit trail";
    }
    if (page->next_page_token.empty()) break;
    q.page_token = page->next_page_token;
  }
  EXPECT_EQ(seen, ids);

  ports::ListQuery safety;
  safety.categories = {domain::Category::kSafety};
  auto filtered = service_->List(safety);
  ASSERT_TRUE(filtered.ok());
  std::vector<std::string> filtered_ids;
  for (const auto& c : filtered->complaints) filtered_ids.push_back(c.id);
  EXPECT_THAT(filtered_ids, ElementsAre(ids[0], ids[2], ids[4]));

  ports::ListQuery window;
  window.created_after = repo_.Get(ids[1], false)->received_at;   // inclusive
  window.created_before = repo_.Get(ids[3], false)->received_at;  // exclusive
  auto windowed = service_->List(window);
  ASSERT_TRUE(windowed.ok());
  ASSERT_EQ(windowed->complaints.size(), 2u);
  EXPECT_EQ(windowed->complaints[0].id, ids[1]);
  EXPECT_EQ(windowed->complaints[1].id, ids[2]);

  ports::ListQuery foreign;
  foreign.page_token = "garbage";
  auto bad = service_->List(foreign);
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(bad.status()), ElementsAre("page_token"));

  repo_.SetDown(absl::UnavailableError("redis down"));
  EXPECT_EQ(service_->List(ports::ListQuery{}).status().code(), absl::StatusCode::kUnavailable);
}

// The store sees the complainant's key, not the phone: the token of one
// complainant's history continues it, and is refused with another phone.
TEST_F(ComplaintServiceTest, AComplainantsHistoryTokenContinuesOnlyTheirHistory) {
  std::vector<std::string> theirs;
  for (int i = 0; i < 3; ++i) {
    domain::Submission s = HygieneReport("13900139000");
    s.location.station = absl::StrCat("Station ", i);  // no duplicates
    theirs.push_back(Submitted(s).id);
    clock_.Advance(absl::Seconds(1));
  }
  Submitted(HygieneReport("13700137000"));

  ports::ListQuery q;
  q.complainant_phone = "139 0013 9000";
  q.page_size = 2;
  auto first = service_->List(q);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->complaints.size(), 2u);
  ASSERT_FALSE(first->next_page_token.empty());

  q.page_token = first->next_page_token;
  q.complainant_phone = "13900139000";  // the same phone, written otherwise
  auto rest = service_->List(q);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->complaints.size(), 1u);
  EXPECT_EQ(rest->complaints[0].id, theirs[2]);

  q.complainant_phone = "13700137000";
  auto other = service_->List(q);
  ASSERT_EQ(other.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(other.status()), ElementsAre("page_token"));
}

}  // namespace
}  // namespace sqms::complaints::app::testing
