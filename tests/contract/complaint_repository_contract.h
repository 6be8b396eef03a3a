#pragma once
// The contract of ports::ComplaintRepository, as typed tests every
// implementation runs: the in-memory fake (tests/unit/complaints/app,
// in_memory_repository_contract_test.cc) and the Redis store against a real
// redis-server (tests/integration/complaints/redis_repository_contract_test.cc).
// The service's unit tests trust the fake only as far as these hold for both.
//
// Instantiate with a traits type T:
//   struct T { static std::unique_ptr<RepositoryEnv> Make(); };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Name, ComplaintRepositoryContract, ::testing::Types<T>);
// Ids, shards and key TTLs are the implementation's: not part of the contract.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <utility>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/complaints/ports/complaint_repository.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::complaints::contract {

class RepositoryEnv {
 public:
  virtual ~RepositoryEnv() = default;
  virtual ports::ComplaintRepository& repo() = 0;
  // Whole milliseconds, as ComplaintService::Now gives the store its times.
  virtual absl::Time Now() = 0;
};

template <typename Traits>
class ComplaintRepositoryContract : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = Traits::Make();
    ASSERT_NE(env_, nullptr);
  }
  ports::ComplaintRepository& repo() { return env_->repo(); }

  domain::Event MakeEvent(domain::EventType type) {
    domain::Event e;
    e.type = type;
    e.at = env_->Now();
    e.actor = "agent-1";
    return e;
  }

  // A submitted complaint (version 1, one audit entry, one event).
  ports::NewComplaint Record(const std::string& fingerprint = "",
                             const std::string& expected_first = "",
                             const std::string& scope = "") {
    ports::NewComplaint r;
    const std::string seed = ports::ComplaintRepository::ShardSeed(fingerprint, scope);
    r.complaint.id = repo().NewId(seed, env_->Now());
    r.complaint.version = 1;
    r.complaint.status = domain::Status::kReceived;
    r.complaint.category = domain::Category::kHygiene;
    r.complaint.priority = domain::Priority::kP3;
    r.complaint.channel = domain::Channel::kHotline;
    r.complaint.department = "station-services";
    r.complaint.location.station = absl::StrCat("contract-", ++stations_);
    r.complaint.received_at = env_->Now();
    r.complaint.updated_at = env_->Now();
    r.complaint.idempotency_key = scope;
    r.complaint.audit.push_back({env_->Now(), "agent-1", "submit", {}, {}, "", 1});
    r.events.push_back({absl::StrCat("ev-", r.complaint.id, "-1"),
                        MakeEvent(domain::EventType::kSubmitted)});
    r.fingerprint = fingerprint;
    r.expected_first = expected_first;
    r.duplicate_window = absl::Hours(1);
    r.idempotency_scope = scope;
    return r;
  }

  // `c` after one change: version + 1, one more audit entry.
  ports::ComplaintUpdate Change(domain::Complaint c, const std::string& request_id = "") {
    ports::ComplaintUpdate u;
    u.expected_version = c.version;
    c.version += 1;
    c.status = domain::Status::kAssigned;
    c.assignee = "agent-2";
    c.audit.push_back({env_->Now(), "agent-1", "assign", {}, {}, "", c.version});
    u.complaint = c;
    u.events.push_back({absl::StrCat("ev-", c.id, "-", c.version),
                        MakeEvent(domain::EventType::kAssigned)});
    u.request_id = request_id;
    u.request_fingerprint = request_id.empty() ? "" : "fp-" + request_id;
    return u;
  }

  // The ids of every page of `query`, in order (fails the test on an error).
  std::vector<std::string> ListAllIds(ports::ListQuery query) {
    std::vector<std::string> ids;
    for (int pages = 0; pages < 100; ++pages) {
      auto page = repo().List(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const auto& c : page->complaints) ids.push_back(c.id);
      if (page->next_page_token.empty()) break;
      query.page_token = page->next_page_token;
    }
    return ids;
  }

  // One complaint per shape, at `station`, received a second apart in that
  // order, each as its shape leaves it; returns their ids (fails the test on
  // an error).
  std::vector<std::string> CreateAtStation(
      const std::string& station,
      const std::vector<std::function<void(domain::Complaint&)>>& shapes) {
    const absl::Time start = env_->Now();
    std::vector<std::string> ids;
    for (size_t i = 0; i < shapes.size(); ++i) {
      ports::NewComplaint r = Record();
      r.complaint.location.station = station;
      r.complaint.received_at = start + absl::Seconds(static_cast<int64_t>(i));
      shapes[i](r.complaint);
      auto created = repo().Create(r);
      EXPECT_TRUE(created.ok()) << created.status();
      ids.push_back(r.complaint.id);
    }
    return ids;
  }

  // `query` lists exactly `want`, in order, whether read in one page or a
  // complaint per page (each token followed with the same query, so a page
  // the store cut short still continues to the end).
  void ExpectListed(ports::ListQuery query, const std::vector<std::string>& want) {
    for (int page_size : {500, 1}) {
      SCOPED_TRACE(absl::StrCat("page_size ", page_size));
      query.page_size = page_size;
      EXPECT_EQ(ListAllIds(query), want);
    }
  }

  std::unique_ptr<RepositoryEnv> env_;
  int stations_ = 0;
};

TYPED_TEST_SUITE_P(ComplaintRepositoryContract);

TYPED_TEST_P(ComplaintRepositoryContract, NewIdsAreDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.insert(this->repo().NewId(absl::StrCat("seed", i % 5), this->env_->Now()));
  EXPECT_EQ(ids.size(), 50u);
}

TYPED_TEST_P(ComplaintRepositoryContract, ACreatedComplaintReadsBackWithAndWithoutAudit) {
  const ports::NewComplaint r = this->Record();
  auto created = this->repo().Create(r);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->outcome, ports::CreateOutcome::kCreated);
  EXPECT_EQ(created->id, r.complaint.id);
  auto plain = this->repo().Get(r.complaint.id, /*with_audit=*/false);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_EQ(plain->version, 1);
  EXPECT_EQ(plain->status, domain::Status::kReceived);
  EXPECT_EQ(plain->category, domain::Category::kHygiene);
  EXPECT_EQ(plain->location.station, r.complaint.location.station);
  EXPECT_TRUE(plain->audit.empty());
  auto full = this->repo().Get(r.complaint.id, /*with_audit=*/true);
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->audit.size(), 1u);
  EXPECT_EQ(full->audit[0].action, "submit");
}

TYPED_TEST_P(ComplaintRepositoryContract, UnknownAndMalformedIds) {
  const std::string unknown = this->repo().NewId("", this->env_->Now());
  EXPECT_EQ(this->repo().Get(unknown, false).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(this->repo().Get("not an id", false).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TYPED_TEST_P(ComplaintRepositoryContract, TheSameIdAndKeyReplaysAnotherKeyCollides) {
  const ports::NewComplaint r = this->Record("", "", "subject-a/key-1");
  ASSERT_EQ(this->repo().Create(r)->outcome, ports::CreateOutcome::kCreated);
  auto again = this->repo().Create(r);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->outcome, ports::CreateOutcome::kReplayed);
  EXPECT_EQ(again->id, r.complaint.id);
  ports::NewComplaint other = r;
  other.idempotency_scope = "subject-b/key-1";
  other.complaint.idempotency_key = other.idempotency_scope;
  EXPECT_EQ(this->repo().Create(other).status().code(), absl::StatusCode::kAborted);
}

TYPED_TEST_P(ComplaintRepositoryContract, TheFirstOfAFingerprintWinsOthersAreToldIt) {
  const std::string fp = absl::StrCat("fp-", this->repo().NewId("", this->env_->Now()));
  auto first = this->repo().Create(this->Record(fp));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->outcome, ports::CreateOutcome::kCreated);
  auto raced = this->repo().Create(this->Record(fp));
  ASSERT_TRUE(raced.ok()) << raced.status();
  EXPECT_EQ(raced->outcome, ports::CreateOutcome::kDuplicateRaced);
  EXPECT_EQ(raced->first_duplicate_id, first->id);
  auto linked = this->repo().Create(this->Record(fp, first->id));
  ASSERT_TRUE(linked.ok()) << linked.status();
  EXPECT_EQ(linked->outcome, ports::CreateOutcome::kCreated);
}

TYPED_TEST_P(ComplaintRepositoryContract, ReserveBindsAKeyOnce) {
  const std::string scope = absl::StrCat("subject/", this->repo().NewId("", this->env_->Now()));
  auto mine = this->repo().Reserve(scope, "fp1", "id-1", absl::Hours(1));
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_TRUE(mine->reserved_now);
  auto held = this->repo().Reserve(scope, "fp2", "id-2", absl::Hours(1));
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_FALSE(held->reserved_now);
  EXPECT_EQ(held->request_fingerprint, "fp1");
  EXPECT_EQ(held->complaint_id, "id-1");
}

TYPED_TEST_P(ComplaintRepositoryContract, UpdateIsACompareAndSetOnTheVersion) {
  const ports::NewComplaint r = this->Record();
  ASSERT_TRUE(this->repo().Create(r).ok());
  const ports::ComplaintUpdate u = this->Change(r.complaint);
  auto applied = this->repo().Update(u);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_TRUE(*applied);
  auto lost = this->repo().Update(u);  // loaded at version 1, which is gone
  ASSERT_TRUE(lost.ok()) << lost.status();
  EXPECT_FALSE(*lost);
  auto after = this->repo().Get(r.complaint.id, true);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->version, 2);
  EXPECT_EQ(after->status, domain::Status::kAssigned);
  EXPECT_EQ(after->assignee, "agent-2");
  EXPECT_EQ(after->audit.size(), 2u) << "one audit entry per change";

  ports::ComplaintUpdate missing = this->Change(this->Record().complaint);
  EXPECT_EQ(this->repo().Update(missing).status().code(), absl::StatusCode::kNotFound);
}

TYPED_TEST_P(ComplaintRepositoryContract, ARecordedRequestIdChangesNothingTheSecondTime) {
  const ports::NewComplaint r = this->Record();
  ASSERT_TRUE(this->repo().Create(r).ok());
  const std::string request_id = absl::StrCat("req-", r.complaint.id);
  EXPECT_FALSE(this->repo().FindRequest(r.complaint.id, request_id)->has_value());
  ASSERT_TRUE(*this->repo().Update(this->Change(r.complaint, request_id)));
  auto recorded = this->repo().FindRequest(r.complaint.id, request_id);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  ASSERT_TRUE(recorded->has_value());
  EXPECT_EQ((*recorded)->request_fingerprint, "fp-" + request_id);
  EXPECT_EQ((*recorded)->complaint.version, 2);
  // The same request again, even built on the new version: nothing changes.
  auto now = this->repo().Get(r.complaint.id, false);
  ASSERT_TRUE(now.ok());
  auto retry = this->repo().Update(this->Change(*now, request_id));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_FALSE(*retry);
  EXPECT_EQ(this->repo().Get(r.complaint.id, false)->version, 2);
}

TYPED_TEST_P(ComplaintRepositoryContract, ListFiltersAndPages) {
  const std::string station = absl::StrCat("list-", this->repo().NewId("", this->env_->Now()));
  for (int i = 0; i < 5; ++i) {
    ports::NewComplaint r = this->Record();
    r.complaint.location.station = station;
    r.complaint.received_at = this->env_->Now() + absl::Seconds(i);
    ASSERT_TRUE(this->repo().Create(r).ok());
  }
  ports::ListQuery query;
  query.station = station;
  query.page_size = 2;
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = this->repo().List(query);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->complaints) {
      EXPECT_EQ(c.location.station, station);
      seen.push_back(c.id);
    }
    if (page->next_page_token.empty()) break;
    query.page_token = page->next_page_token;
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5u) << "no repeats across pages";
  query.page_token = "not-a-token";
  EXPECT_EQ(this->repo().List(query).status().code(), absl::StatusCode::kInvalidArgument);
}

// A page token continues the query that returned it (AIP-158): page_size
// may change between pages; a token sent with other filters is refused, not
// read as a position in the other query.
TYPED_TEST_P(ComplaintRepositoryContract, AListPageTokenIsBoundToItsQuery) {
  const std::string station = absl::StrCat("bound-", this->repo().NewId("", this->env_->Now()));
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ports::NewComplaint r = this->Record();
    r.complaint.location.station = station;
    r.complaint.received_at = this->env_->Now() + absl::Seconds(i);
    ASSERT_TRUE(this->repo().Create(r).ok());
    ids.push_back(r.complaint.id);
  }
  ports::ListQuery query;
  query.station = station;
  query.statuses = {domain::Status::kReceived};
  query.page_size = 2;
  auto first = this->repo().List(query);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->complaints.size(), 2u);
  ASSERT_FALSE(first->next_page_token.empty());

  // The same filters with another page size: the next page, from where the first stopped.
  ports::ListQuery next = query;
  next.page_token = first->next_page_token;
  next.page_size = 3;
  auto rest = this->repo().List(next);
  ASSERT_TRUE(rest.ok()) << rest.status();
  std::vector<std::string> seen;
  for (const auto& c : first->complaints) seen.push_back(c.id);
  for (const auto& c : rest->complaints) seen.push_back(c.id);
  EXPECT_EQ(seen, ids);

  // Any one filter changed, with the token: refused on page_token.
  const std::vector<std::function<void(ports::ListQuery&)>> changes = {
      [](ports::ListQuery& q) { q.station = absl::StrCat(q.station, "-other"); },
      [](ports::ListQuery& q) { q.statuses.push_back(domain::Status::kAssigned); },
      [](ports::ListQuery& q) { q.created_after = absl::UnixEpoch(); },
      [](ports::ListQuery& q) { q.complainant_key = "ck-someone"; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    ports::ListQuery changed = next;
    changes[i](changed);
    auto refused = this->repo().List(changed);
    ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << "change " << i;
    const std::vector<runtime::FieldViolation> violations =
        runtime::FieldViolations(refused.status());
    ASSERT_EQ(violations.size(), 1u) << refused.status();
    EXPECT_EQ(violations[0].field, "page_token");
    EXPECT_THAT(violations[0].description, ::testing::HasSubstr("belongs to other filters"));
  }
}

TYPED_TEST_P(ComplaintRepositoryContract, ListFindsAComplainantsComplaintsByKey) {
  const std::string key = absl::StrCat("ck-", this->repo().NewId("", this->env_->Now()));
  std::set<std::string> theirs;
  for (int i = 0; i < 3; ++i) {
    ports::NewComplaint r = this->Record();
    if (i < 2) r.complainant_key = key;
    ASSERT_TRUE(this->repo().Create(r).ok());
    if (i < 2) theirs.insert(r.complaint.id);
  }
  ports::ListQuery query;
  query.complainant_key = key;
  query.page_size = 500;
  const std::vector<std::string> found = this->ListAllIds(query);
  EXPECT_EQ(std::set<std::string>(found.begin(), found.end()), theirs);
}

TYPED_TEST_P(ComplaintRepositoryContract, ListFindsTheComplaintsOfAKnownIssueAndItSurvivesAWrite) {
  const std::string incident = absl::StrCat("inc-", this->repo().NewId("", this->env_->Now()));
  std::set<std::string> linked;
  for (int i = 0; i < 3; ++i) {
    ports::NewComplaint r = this->Record();
    if (i < 2) {
      r.complaint.known_issue = domain::KnownIssue{.incident_id = incident,
                                                   .title = "smoke at Changsha South",
                                                   .plan_id = "safety-complaint",
                                                   .level = "I",
                                                   .linked_at = this->env_->Now(),
                                                   .released_at = std::nullopt};
      linked.insert(r.complaint.id);
    }
    ASSERT_TRUE(this->repo().Create(r).ok());
  }
  ports::ListQuery query;
  query.incident_id = incident;
  query.page_size = 500;
  const std::vector<std::string> found = this->ListAllIds(query);
  EXPECT_EQ(std::set<std::string>(found.begin(), found.end()), linked);

  // The link reads back as written, and an update keeps it.
  auto stored = this->repo().Get(*linked.begin(), /*with_audit=*/false);
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_TRUE(stored->known_issue.has_value());
  EXPECT_EQ(stored->known_issue->incident_id, incident);
  EXPECT_EQ(stored->known_issue->level, "I");
  EXPECT_TRUE(stored->known_issue->active());
  ports::ComplaintUpdate u = this->Change(*stored);
  u.complaint.known_issue->released_at = this->env_->Now();
  ASSERT_TRUE(*this->repo().Update(u));
  auto after = this->repo().Get(*linked.begin(), /*with_audit=*/false);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_TRUE(after->known_issue.has_value());
  EXPECT_FALSE(after->known_issue->active());
  EXPECT_TRUE(after->known_issue->released_at.has_value());
  EXPECT_EQ(this->ListAllIds(query).size(), 2u) << "released complaints stay listed";
}

// Received times are whole milliseconds; a created_after (inclusive) or
// created_before (exclusive) inside a millisecond compares as the instant
// it is, in both orders (Redis used to floor both bounds).
TYPED_TEST_P(ComplaintRepositoryContract, ACreatedBoundInsideAMillisecondComparesExactly) {
  const std::string station = absl::StrCat("range-", this->repo().NewId("", this->env_->Now()));
  const absl::Time at = absl::FromUnixMillis(absl::ToUnixMillis(this->env_->Now()));
  ports::NewComplaint r = this->Record();
  r.complaint.location.station = station;
  r.complaint.received_at = at;
  domain::SlaDeadline due;  // listed in the next-due order too
  due.target = domain::SlaTarget::kFirstResponse;
  due.due = at + absl::Hours(1);
  r.complaint.sla.deadlines.push_back(due);
  ASSERT_TRUE(this->repo().Create(r).ok());
  const absl::Duration half = absl::Microseconds(500);
  for (ports::ListOrder order : {ports::ListOrder::kReceived, ports::ListOrder::kNextDue}) {
    SCOPED_TRACE(order == ports::ListOrder::kNextDue ? "next due" : "received");
    ports::ListQuery query;
    query.station = station;
    query.order = order;
    query.created_after = at - half;
    EXPECT_EQ(this->ListAllIds(query).size(), 1u) << "after: received later than the bound";
    query.created_after = at + half;
    EXPECT_EQ(this->ListAllIds(query).size(), 0u) << "after: received before the bound";
    query.created_after.reset();
    query.created_before = at + half;
    EXPECT_EQ(this->ListAllIds(query).size(), 1u) << "before: received before the bound";
    query.created_before = at - half;
    EXPECT_EQ(this->ListAllIds(query).size(), 0u) << "before: received after the bound";
  }
}

TYPED_TEST_P(ComplaintRepositoryContract, ListInNextDueOrderIsAQueueMostUrgentFirst) {
  const std::string station = absl::StrCat("due-", this->repo().NewId("", this->env_->Now()));
  const absl::Time now = this->env_->Now();
  // Received in this order; due in another; the last has nothing due.
  const std::vector<int> due_hours = {5, 1, 3, -1};
  std::vector<std::string> ids;
  std::vector<domain::Complaint> created;
  for (size_t i = 0; i < due_hours.size(); ++i) {
    ports::NewComplaint r = this->Record();
    r.complaint.location.station = station;
    r.complaint.received_at = now + absl::Seconds(i);
    if (due_hours[i] >= 0) {
      domain::SlaDeadline d;
      d.target = domain::SlaTarget::kFirstResponse;
      d.due = now + absl::Hours(due_hours[i]);
      r.complaint.sla.deadlines.push_back(d);
    }
    ASSERT_TRUE(this->repo().Create(r).ok());
    ids.push_back(r.complaint.id);
    created.push_back(r.complaint);
  }
  auto list = [this](const ports::ListQuery& query) { return this->ListAllIds(query); };
  ports::ListQuery query;
  query.station = station;
  query.order = ports::ListOrder::kNextDue;
  query.page_size = 1;
  EXPECT_EQ(list(query), (std::vector<std::string>{ids[1], ids[2], ids[0]}));
  query.created_after = now + absl::Seconds(1);  // received range, in due order
  EXPECT_EQ(list(query), (std::vector<std::string>{ids[1], ids[2]}));
  query.created_after.reset();

  // Meeting the first deadline takes the complaint out of the queue.
  ports::ComplaintUpdate met = this->Change(created[1]);
  met.complaint.sla.deadlines[0].met_at = now;
  ASSERT_TRUE(*this->repo().Update(met));
  EXPECT_EQ(list(query), (std::vector<std::string>{ids[2], ids[0]}));

  // A token belongs to its order.
  auto first = this->repo().List(query);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_page_token.empty());
  query.order = ports::ListOrder::kReceived;
  query.page_token = first->next_page_token;
  EXPECT_EQ(this->repo().List(query).status().code(), absl::StatusCode::kInvalidArgument);
}

// The filters a store may check on the record rather than an index
// (assignee, escalated, at risk) select exactly their complaints, and a
// query paged a complaint at a time still reaches the last of them.
TYPED_TEST_P(ComplaintRepositoryContract, ListFiltersByAssignee) {
  const std::string station = absl::StrCat("assignee-", this->repo().NewId("", this->env_->Now()));
  auto assigned = [](const std::string& who) {
    return [who](domain::Complaint& c) { c.assignee = who; };
  };
  const std::vector<std::string> ids = this->CreateAtStation(
      station, {assigned("agent-b"), assigned("agent-a"), assigned(""), assigned("agent-a2"),
                assigned("agent-a"), assigned("agent-b")});
  ports::ListQuery query;
  query.station = station;
  query.assignee = "agent-a";
  this->ExpectListed(query, {ids[1], ids[4]});
  query.assignee = "agent-b";
  this->ExpectListed(query, {ids[0], ids[5]});
}

// Escalated: an escalation level above 0.
TYPED_TEST_P(ComplaintRepositoryContract, ListFiltersEscalatedOnly) {
  const std::string station = absl::StrCat("escalated-", this->repo().NewId("", this->env_->Now()));
  auto level = [](int n) { return [n](domain::Complaint& c) { c.escalation_level = n; }; };
  const std::vector<std::string> ids =
      this->CreateAtStation(station, {level(0), level(1), level(0), level(0), level(2), level(0)});
  ports::ListQuery query;
  query.station = station;
  query.escalated_only = true;
  this->ExpectListed(query, {ids[1], ids[4]});
  query.escalated_only = false;
  this->ExpectListed(query, ids);
}

// At risk (domain::SlaClock::AnyAtRisk): a deadline whose at-risk moment has
// fired (its flag, set by the SLA timer, not the clock) and that is neither
// breached nor met.
TYPED_TEST_P(ComplaintRepositoryContract, ListFiltersSlaAtRiskOnly) {
  const std::string station = absl::StrCat("at-risk-", this->repo().NewId("", this->env_->Now()));
  const absl::Time now = this->env_->Now();
  auto deadline = [now](bool at_risk, bool breached, bool met) {
    domain::SlaDeadline d;
    d.target = domain::SlaTarget::kFirstResponse;
    d.at_risk_at = now - absl::Hours(1);
    d.due = now + absl::Hours(1);
    d.at_risk = at_risk;
    d.breached = breached;
    if (met) d.met_at = now;
    return d;
  };
  auto with = [](std::vector<domain::SlaDeadline> deadlines) {
    return [deadlines](domain::Complaint& c) { c.sla.deadlines = deadlines; };
  };
  domain::SlaDeadline resolution = deadline(/*at_risk=*/true, false, false);
  resolution.target = domain::SlaTarget::kResolution;
  const std::vector<std::string> ids = this->CreateAtStation(
      station, {
                   with({}),                                          // no deadlines
                   with({deadline(true, false, false)}),              // at risk
                   with({deadline(false, false, false)}),             // moment passed, not fired
                   with({deadline(true, true, false)}),               // breached
                   with({deadline(true, false, true)}),               // met
                   with({deadline(false, false, true), resolution}),  // another deadline at risk
                   with({deadline(false, false, false)}),             // nothing fired
               });
  ports::ListQuery query;
  query.station = station;
  query.sla_at_risk_only = true;
  this->ExpectListed(query, {ids[1], ids[5]});
}

// The filters combine: a complaint is listed only when it passes each.
TYPED_TEST_P(ComplaintRepositoryContract, ListCombinesAssigneeEscalatedAndAtRisk) {
  const std::string station = absl::StrCat("combined-", this->repo().NewId("", this->env_->Now()));
  auto shape = [](const std::string& who, int level, bool at_risk) {
    return [who, level, at_risk](domain::Complaint& c) {
      c.assignee = who;
      c.escalation_level = level;
      domain::SlaDeadline d;
      d.target = domain::SlaTarget::kFirstResponse;
      d.at_risk = at_risk;
      c.sla.deadlines.push_back(d);
    };
  };
  const std::vector<std::string> ids = this->CreateAtStation(
      station, {shape("agent-a", 1, true), shape("agent-b", 1, true), shape("agent-a", 0, true),
                shape("agent-a", 1, false), shape("agent-a", 2, true)});
  ports::ListQuery query;
  query.station = station;
  query.assignee = "agent-a";
  query.escalated_only = true;
  query.sla_at_risk_only = true;
  this->ExpectListed(query, {ids[0], ids[4]});
}

// The store may hold complaints of other tests: counts are compared as
// differences.
TYPED_TEST_P(ComplaintRepositoryContract, CountsFollowEachComplaintsStatusAndPriority) {
  using domain::Priority;
  using domain::Status;
  auto before = this->repo().CountByStatusAndPriority();
  ASSERT_TRUE(before.ok()) << before.status();
  const ports::NewComplaint a = this->Record();
  const ports::NewComplaint b = this->Record();
  ASSERT_TRUE(this->repo().Create(a).ok());
  ASSERT_TRUE(this->repo().Create(b).ok());
  ASSERT_TRUE(*this->repo().Update(this->Change(a.complaint)));  // received → assigned
  ports::ComplaintUpdate lost = this->Change(a.complaint);       // stale version: no change
  lost.complaint.priority = Priority::kP1;
  ASSERT_FALSE(*this->repo().Update(lost));
  auto after = this->repo().CountByStatusAndPriority();
  ASSERT_TRUE(after.ok()) << after.status();
  auto delta = [&](Status s, Priority p) {
    auto count = [&](const ports::StatusCounts& c) {
      auto it = c.find({s, p});
      return it == c.end() ? int64_t{0} : it->second;
    };
    return count(*after) - count(*before);
  };
  EXPECT_EQ(delta(Status::kReceived, Priority::kP3), 1);
  EXPECT_EQ(delta(Status::kAssigned, Priority::kP3), 1);
  EXPECT_EQ(delta(Status::kAssigned, Priority::kP1), 0) << "a lost compare-and-set counts nothing";
}

// The asynchronous forms (the blocking ones above are built on them): each
// calls back exactly once with what the blocking form answers, whether the
// store calls back inline or from its I/O thread.
TYPED_TEST_P(ComplaintRepositoryContract, AsyncOperationsCallBackOnceWithTheBlockingAnswers) {
  // Collects one callback's answer; counts the calls.
  struct Answer {
    absl::Mutex mu;
    int calls = 0;
    absl::StatusOr<ports::CreateResult> create;
    absl::StatusOr<ports::IdempotencyReservation> reserve;
    absl::StatusOr<domain::Complaint> get;
  };
  auto wait_for = [](Answer& a, int calls) {
    std::pair<Answer*, int> want(&a, calls);
    absl::MutexLock lock(&a.mu);
    return a.mu.AwaitWithTimeout(
        absl::Condition(
            +[](std::pair<Answer*, int>* p) { return p->first->calls >= p->second; }, &want),
        absl::Seconds(10));
  };
  auto answer = std::make_shared<Answer>();
  // The argument is read before the call returns: it may go at once.
  auto record = std::make_unique<ports::NewComplaint>(this->Record("", "", "subject-a/async"));
  const std::string id = record->complaint.id;
  this->repo().CreateAsync(*record, [answer](absl::StatusOr<ports::CreateResult> r) {
    absl::MutexLock lock(&answer->mu);
    answer->create = std::move(r);
    ++answer->calls;
  });
  record.reset();
  ASSERT_TRUE(wait_for(*answer, 1));
  {
    absl::MutexLock lock(&answer->mu);
    ASSERT_TRUE(answer->create.ok()) << answer->create.status();
    EXPECT_EQ(answer->create->outcome, ports::CreateOutcome::kCreated);
    EXPECT_EQ(answer->create->id, id);
  }
  this->repo().GetAsync(id, /*with_audit=*/true, [answer](absl::StatusOr<domain::Complaint> c) {
    absl::MutexLock lock(&answer->mu);
    answer->get = std::move(c);
    ++answer->calls;
  });
  ASSERT_TRUE(wait_for(*answer, 2));
  {
    absl::MutexLock lock(&answer->mu);
    ASSERT_TRUE(answer->get.ok()) << answer->get.status();
    EXPECT_EQ(answer->get->id, id);
    EXPECT_EQ(answer->get->audit.size(), 1u);
  }
  this->repo().GetAsync(this->repo().NewId("", this->env_->Now()), false,
                        [answer](absl::StatusOr<domain::Complaint> c) {
                          absl::MutexLock lock(&answer->mu);
                          answer->get = std::move(c);
                          ++answer->calls;
                        });
  ASSERT_TRUE(wait_for(*answer, 3));
  {
    absl::MutexLock lock(&answer->mu);
    EXPECT_EQ(answer->get.status().code(), absl::StatusCode::kNotFound);
  }
  const std::string scope = absl::StrCat("subject/", id);
  ASSERT_TRUE(this->repo().Reserve(scope, "fp1", "id-1", absl::Hours(1)).ok());
  this->repo().ReserveAsync(scope, "fp2", "id-2", absl::Hours(1),
                            [answer](absl::StatusOr<ports::IdempotencyReservation> r) {
                              absl::MutexLock lock(&answer->mu);
                              answer->reserve = std::move(r);
                              ++answer->calls;
                            });
  ASSERT_TRUE(wait_for(*answer, 4));
  absl::SleepFor(absl::Milliseconds(50));  // a second callback would come now
  absl::MutexLock lock(&answer->mu);
  EXPECT_EQ(answer->calls, 4) << "a callback ran more than once";
  ASSERT_TRUE(answer->reserve.ok()) << answer->reserve.status();
  EXPECT_FALSE(answer->reserve->reserved_now);
  EXPECT_EQ(answer->reserve->request_fingerprint, "fp1");
  EXPECT_EQ(answer->reserve->complaint_id, "id-1");
}

REGISTER_TYPED_TEST_SUITE_P(ComplaintRepositoryContract, NewIdsAreDistinct,
                            AsyncOperationsCallBackOnceWithTheBlockingAnswers,
                            ACreatedComplaintReadsBackWithAndWithoutAudit, UnknownAndMalformedIds,
                            TheSameIdAndKeyReplaysAnotherKeyCollides,
                            TheFirstOfAFingerprintWinsOthersAreToldIt, ReserveBindsAKeyOnce,
                            UpdateIsACompareAndSetOnTheVersion,
                            ARecordedRequestIdChangesNothingTheSecondTime, ListFiltersAndPages,
                            CountsFollowEachComplaintsStatusAndPriority,
                            AListPageTokenIsBoundToItsQuery, ListFindsAComplainantsComplaintsByKey,
                            ListFindsTheComplaintsOfAKnownIssueAndItSurvivesAWrite,
                            ListInNextDueOrderIsAQueueMostUrgentFirst, ListFiltersByAssignee,
                            ListFiltersEscalatedOnly, ListFiltersSlaAtRiskOnly,
                            ListCombinesAssigneeEscalatedAndAtRisk,
                            ACreatedBoundInsideAMillisecondComparesExactly);

}  // namespace sqms::complaints::contract
