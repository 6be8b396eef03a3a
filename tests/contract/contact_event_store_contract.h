#pragma once
// The contract of ports::ContactEventStore, as typed tests every
// implementation runs: the in-memory fake (tests/unit/complaints,
// in_memory_contact_event_store_contract_test.cc) and the Redis store against
// a real redis-server
// (tests/integration/complaints/redis_contact_event_store_contract_test.cc).
// The intake's unit tests trust the fake only as far as these hold for both.
//
// Instantiate with a traits type T:
//   struct T { static std::unique_ptr<ContactStoreEnv> Make(); };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Name, ContactEventStoreContract, ::testing::Types<T>);
// Times are whole seconds: the Redis store keeps milliseconds.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/complaints/domain/contact_record.h"
#include "services/complaints/ports/contact_event_store.h"

namespace sqms::complaints::contract {

class ContactStoreEnv {
 public:
  virtual ~ContactStoreEnv() = default;
  virtual ports::ContactEventStore& store() = 0;
};

template <typename Traits>
class ContactEventStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = Traits::Make();
    ASSERT_NE(env_, nullptr);
  }
  ports::ContactEventStore& store() { return env_->store(); }

  // An outage event of `contact_id`, `seconds` after a fixed start.
  domain::ContactEvent Outage(const std::string& contact_id, domain::ContactKind kind,
                              int64_t seconds,
                              domain::Platform platform = domain::Platform::kBackboneNetwork) {
    domain::ContactEvent e;
    e.event_id = absl::StrCat("ev-", ++events_);
    e.contact_id = contact_id;
    e.kind = kind;
    e.occurred_at = absl::FromUnixSeconds(1'790'000'000 + seconds);
    e.platform = platform;
    if (kind == domain::ContactKind::kOutageEnded) e.outage_seconds = seconds;
    return e;
  }

  // A call's or survey's event of `contact_id`, `seconds` after a fixed start.
  domain::ContactEvent Call(const std::string& contact_id, domain::ContactKind kind,
                            int64_t seconds) {
    domain::ContactEvent e = Outage(contact_id, kind, seconds);
    e.platform = domain::Platform::kUnspecified;
    e.outage_seconds.reset();
    return e;
  }

  // Appended with the fingerprint "fp-<event id>".
  ports::AppendResult Append(const domain::ContactEvent& e, const domain::ContactRecord& basis) {
    auto outcome = store().Append(e, basis, absl::StrCat("fp-", e.event_id));
    EXPECT_TRUE(outcome.ok()) << outcome.status();
    return outcome.ok() ? outcome->result : ports::AppendResult::kStale;
  }

  domain::ContactRecord Record(const std::string& contact_id) {
    auto lookup = store().Load(contact_id, "no-such-event");
    EXPECT_TRUE(lookup.ok()) << lookup.status();
    return lookup.ok() ? lookup->record : domain::ContactRecord{};
  }

 private:
  std::unique_ptr<ContactStoreEnv> env_;
  int events_ = 0;
};

TYPED_TEST_SUITE_P(ContactEventStoreContract);

TYPED_TEST_P(ContactEventStoreContract, AnEventIdIsAppendedOnce) {
  auto start = this->Outage("outage-a", domain::ContactKind::kOutageStarted, 0);
  start.department = "network-operations";
  EXPECT_EQ(this->Append(start, {}), ports::AppendResult::kAppended);
  EXPECT_EQ(this->Append(start, {}), ports::AppendResult::kDuplicate);
  auto lookup = this->store().Load("outage-a", start.event_id);
  ASSERT_TRUE(lookup.ok()) << lookup.status();
  EXPECT_TRUE(lookup->seen);
  EXPECT_EQ(lookup->record.department, "network-operations");
}

// The intake tells a retry from an event id reused for another event by
// the fingerprint kept with the id.
TYPED_TEST_P(ContactEventStoreContract, ASeenEventIdReportsTheFingerprintItWasAppendedWith) {
  auto start = this->Outage("outage-f", domain::ContactKind::kOutageStarted, 0);
  ASSERT_EQ(this->Append(start, {}), ports::AppendResult::kAppended);
  auto again = this->store().Append(start, {}, "another");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->result, ports::AppendResult::kDuplicate);
  EXPECT_EQ(again->fingerprint, absl::StrCat("fp-", start.event_id)) << "the first one's";
  auto lookup = this->store().Load("outage-f", start.event_id);
  ASSERT_TRUE(lookup.ok()) << lookup.status();
  EXPECT_TRUE(lookup->seen);
  EXPECT_EQ(lookup->fingerprint, absl::StrCat("fp-", start.event_id));
  auto unseen = this->store().Load("outage-f", "no-such-event");
  ASSERT_TRUE(unseen.ok()) << unseen.status();
  EXPECT_FALSE(unseen->seen);
  EXPECT_EQ(unseen->fingerprint, "");

  // Appended without one: unknown, as an id stored before fingerprints were.
  auto unknown = this->Outage("outage-f", domain::ContactKind::kOutageEnded, 60);
  auto appended = this->store().Append(unknown, this->Record("outage-f"), "");
  ASSERT_TRUE(appended.ok()) << appended.status();
  ASSERT_EQ(appended->result, ports::AppendResult::kAppended);
  auto repeated = this->store().Append(unknown, {}, "fp");
  ASSERT_TRUE(repeated.ok()) << repeated.status();
  EXPECT_EQ(repeated->result, ports::AppendResult::kDuplicate);
  EXPECT_EQ(repeated->fingerprint, "");
}

TYPED_TEST_P(ContactEventStoreContract, TheFirstStartIsRecordedWithItsPlatform) {
  EXPECT_EQ(this->Append(this->Outage("outage-b", domain::ContactKind::kOutageStarted, 0), {}),
            ports::AppendResult::kAppended);
  const domain::ContactRecord started = this->Record("outage-b");
  EXPECT_EQ(started.outage_started_at, absl::FromUnixSeconds(1'790'000'000));
  EXPECT_EQ(started.outage_platform, domain::Platform::kBackboneNetwork);
  EXPECT_EQ(started.outage_ended_at, std::nullopt);
  // A second start on its platform changes nothing (the first start wins).
  EXPECT_EQ(this->Append(this->Outage("outage-b", domain::ContactKind::kOutageStarted, 60), {}),
            ports::AppendResult::kAppended);
  EXPECT_EQ(this->Record("outage-b"), started);
}

// One outage, one platform: a start on another platform than the recorded
// start's is stale (the caller refuses it from the record), in the same
// atomic step as the event, so nothing is written; the first start's retry
// is still a duplicate.
TYPED_TEST_P(ContactEventStoreContract, AStartOnAnotherPlatformIsStaleAndWritesNothing) {
  const auto start = this->Outage("outage-e", domain::ContactKind::kOutageStarted, 0);
  ASSERT_EQ(this->Append(start, {}), ports::AppendResult::kAppended);
  const domain::ContactRecord started = this->Record("outage-e");

  const auto elsewhere = this->Outage("outage-e", domain::ContactKind::kOutageStarted, 60,
                                      domain::Platform::kCallPlatform);
  auto outcome = this->store().Append(elsewhere, {}, "fp");
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->result, ports::AppendResult::kStale);
  EXPECT_EQ(outcome->current.outage_platform, domain::Platform::kBackboneNetwork);
  EXPECT_EQ(outcome->current, started);
  EXPECT_EQ(this->Record("outage-e"), started);
  auto lookup = this->store().Load("outage-e", elsewhere.event_id);
  ASSERT_TRUE(lookup.ok()) << lookup.status();
  EXPECT_FALSE(lookup->seen);

  EXPECT_EQ(this->Append(start, {}), ports::AppendResult::kDuplicate);
}

TYPED_TEST_P(ContactEventStoreContract, AnEndIsAppendedOnlyOnTheOutageItWasCompletedFrom) {
  auto start = this->Outage("outage-c", domain::ContactKind::kOutageStarted, 0);
  ASSERT_EQ(this->Append(start, {}), ports::AppendResult::kAppended);

  // Completed without the start (it was not known): completed again.
  auto end = this->Outage("outage-c", domain::ContactKind::kOutageEnded, 600);
  auto stale = this->store().Append(end, {}, "fp");
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_EQ(stale->result, ports::AppendResult::kStale);
  const domain::ContactRecord started = stale->current;
  EXPECT_EQ(started.outage_platform, domain::Platform::kBackboneNetwork);

  EXPECT_EQ(this->Append(end, started), ports::AppendResult::kAppended);
  EXPECT_EQ(this->Record("outage-c").outage_ended_at, absl::FromUnixSeconds(1'790'000'600));

  // Another end completed from the same (not yet ended) outage lost the race:
  // it is told the outage ended. The first end's retry is a duplicate.
  auto second = this->Outage("outage-c", domain::ContactKind::kOutageEnded, 900);
  auto lost = this->store().Append(second, started, "fp");
  ASSERT_TRUE(lost.ok()) << lost.status();
  EXPECT_EQ(lost->result, ports::AppendResult::kStale);
  EXPECT_EQ(lost->current.outage_ended_at, absl::FromUnixSeconds(1'790'000'600));
  EXPECT_EQ(this->Append(end, started), ports::AppendResult::kDuplicate);
}

TYPED_TEST_P(ContactEventStoreContract, AnEndWithoutAStartIsRecordedToo) {
  auto end = this->Outage("outage-d", domain::ContactKind::kOutageEnded, 120);
  ASSERT_EQ(this->Append(end, {}), ports::AppendResult::kAppended);
  const domain::ContactRecord ended = this->Record("outage-d");
  EXPECT_EQ(ended.outage_ended_at, absl::FromUnixSeconds(1'790'000'120));
  EXPECT_EQ(ended.outage_started_at, std::nullopt);
  auto again = this->Outage("outage-d", domain::ContactKind::kOutageEnded, 240);
  EXPECT_EQ(this->Append(again, {}), ports::AppendResult::kStale);
}

// A dispatch is dated and filed by its consultation's record: the first
// creation is recorded with its agent and category, and a dispatch is
// appended only on the consultation it was completed from (or none).
TYPED_TEST_P(ContactEventStoreContract,
             ADispatchIsAppendedOnlyOnTheConsultationItWasCompletedFrom) {
  auto consultation = [&](domain::ContactKind kind, int64_t seconds, const std::string& agent) {
    auto e = this->Outage("cons-a", kind, seconds);
    e.platform = domain::Platform::kUnspecified;
    e.outage_seconds.reset();
    e.agent = agent;
    e.category = agent.empty() ? "" : "ticketing";
    return e;
  };
  ASSERT_EQ(this->Append(consultation(domain::ContactKind::kConsultationCreated, 0, "agent-a"), {}),
            ports::AppendResult::kAppended);
  const domain::ContactRecord created = this->Record("cons-a");
  EXPECT_EQ(created.consultation_created_at, absl::FromUnixSeconds(1'790'000'000));
  EXPECT_EQ(created.consultation_agent, "agent-a");
  EXPECT_EQ(created.consultation_category, "ticketing");
  // Another creation, completed before the first was recorded (a race):
  // stale, nothing written — the caller then refuses it on the record.
  auto again = this->store().Append(
      consultation(domain::ContactKind::kConsultationCreated, 60, "agent-b"), {}, "fp-again");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->result, ports::AppendResult::kStale);
  EXPECT_EQ(again->current, created);
  EXPECT_EQ(this->Record("cons-a"), created);

  // Completed without the consultation (it was not known): completed again.
  const auto dispatch = consultation(domain::ContactKind::kConsultationDispatched, 600, "");
  auto stale = this->store().Append(dispatch, {}, "fp");
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_EQ(stale->result, ports::AppendResult::kStale);
  EXPECT_EQ(stale->current, created);
  EXPECT_EQ(this->Append(dispatch, created), ports::AppendResult::kAppended);
  const domain::ContactRecord dispatched = this->Record("cons-a");
  EXPECT_EQ(dispatched.consultation_dispatched_at, absl::FromUnixSeconds(1'790'000'600));
  // Another dispatch completed before that one was recorded: stale.
  auto twice = consultation(domain::ContactKind::kConsultationDispatched, 900, "");
  auto racing = this->store().Append(twice, created, "fp-twice");
  ASSERT_TRUE(racing.ok()) << racing.status();
  EXPECT_EQ(racing->result, ports::AppendResult::kStale);
  EXPECT_EQ(racing->current, dispatched);

  // A dispatch of a consultation never recorded, completed from none.
  auto unknown = consultation(domain::ContactKind::kConsultationDispatched, 600, "");
  unknown.contact_id = "cons-b";
  EXPECT_EQ(this->Append(unknown, {}), ports::AppendResult::kAppended);
  EXPECT_EQ(this->Record("cons-b").consultation_created_at, std::nullopt);
}

// A call's offer, outcome (answered or abandoned: one of them) and end, and
// a contact's survey, are recorded once: another one, under another event
// id, is stale in the same atomic step (the caller refuses it from the
// record) and writes nothing; the first one's retry is a duplicate.
TYPED_TEST_P(ContactEventStoreContract, ACallsEventsAndItsSurveyAreRecordedOnce) {
  auto call = [&](domain::ContactKind kind, int64_t seconds) {
    return this->Call("call-once", kind, seconds);
  };
  const domain::ContactKind kinds[] = {
      domain::ContactKind::kCallOffered, domain::ContactKind::kCallAnswered,
      domain::ContactKind::kCallEnded, domain::ContactKind::kSurveyAnswered};
  std::vector<domain::ContactEvent> firsts;
  for (size_t i = 0; i < std::size(kinds); ++i) {
    firsts.push_back(call(kinds[i], static_cast<int64_t>(i) * 60));
    ASSERT_EQ(this->Append(firsts.back(), this->Record("call-once")),
              ports::AppendResult::kAppended)
        << i;
  }
  const domain::ContactRecord recorded = this->Record("call-once");
  EXPECT_EQ(recorded.call_offered_at, absl::FromUnixSeconds(1'790'000'000));
  EXPECT_EQ(recorded.call_outcome_at, absl::FromUnixSeconds(1'790'000'060));
  EXPECT_EQ(recorded.call_outcome, domain::ContactKind::kCallAnswered);
  EXPECT_EQ(recorded.call_ended_at, absl::FromUnixSeconds(1'790'000'120));
  EXPECT_EQ(recorded.survey_answered_at, absl::FromUnixSeconds(1'790'000'180));

  for (domain::ContactKind kind :
       {domain::ContactKind::kCallOffered, domain::ContactKind::kCallAnswered,
        domain::ContactKind::kCallAbandoned, domain::ContactKind::kCallEnded,
        domain::ContactKind::kSurveyAnswered}) {
    const domain::ContactEvent again = call(kind, 600);
    auto outcome = this->store().Append(again, {}, "fp");
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    EXPECT_EQ(outcome->result, ports::AppendResult::kStale) << static_cast<int>(kind);
    EXPECT_EQ(outcome->current, recorded);
    auto lookup = this->store().Load("call-once", again.event_id);
    ASSERT_TRUE(lookup.ok()) << lookup.status();
    EXPECT_FALSE(lookup->seen) << "nothing written";
  }
  EXPECT_EQ(this->Record("call-once"), recorded);
  for (const domain::ContactEvent& first : firsts) {
    EXPECT_EQ(this->Append(first, {}), ports::AppendResult::kDuplicate);
  }
  // An abandoned call's outcome is recorded as such.
  domain::ContactEvent abandoned = call(domain::ContactKind::kCallAbandoned, 30);
  abandoned.contact_id = "call-abandoned";
  ASSERT_EQ(this->Append(abandoned, {}), ports::AppendResult::kAppended);
  EXPECT_EQ(this->Record("call-abandoned").call_outcome, domain::ContactKind::kCallAbandoned);
}

// An outcome is completed from its call's offer and an end from its
// outcome (domain::AgreesWith): completed before that was recorded — two
// streams sending a call's events at once — it is stale and writes
// nothing; completed again from the record, it is appended.
TYPED_TEST_P(ContactEventStoreContract, AnOutcomeOrEndIsAppendedOnlyOnTheCallItWasCompletedFrom) {
  auto call = [&](domain::ContactKind kind, int64_t seconds) {
    return this->Call("call-basis", kind, seconds);
  };
  const domain::ContactRecord before = this->Record("call-basis");
  const domain::ContactEvent abandoned = call(domain::ContactKind::kCallAbandoned, 40);
  const domain::ContactEvent ended = call(domain::ContactKind::kCallEnded, 40);
  ASSERT_EQ(this->Append(call(domain::ContactKind::kCallOffered, 0), before),
            ports::AppendResult::kAppended);
  const domain::ContactRecord offered = this->Record("call-basis");

  auto stale = [&](const domain::ContactEvent& e, const domain::ContactRecord& basis,
                   const domain::ContactRecord& current) {
    auto outcome = this->store().Append(e, basis, "fp");
    ASSERT_TRUE(outcome.ok()) << outcome.status();
    EXPECT_EQ(outcome->result, ports::AppendResult::kStale) << static_cast<int>(e.kind);
    EXPECT_EQ(outcome->current, current);
    auto lookup = this->store().Load("call-basis", e.event_id);
    ASSERT_TRUE(lookup.ok()) << lookup.status();
    EXPECT_FALSE(lookup->seen) << "nothing written";
  };
  stale(abandoned, before, offered);  // completed without the offer
  ASSERT_EQ(this->Append(abandoned, offered), ports::AppendResult::kAppended);
  const domain::ContactRecord outcome = this->Record("call-basis");
  EXPECT_EQ(outcome.call_outcome, domain::ContactKind::kCallAbandoned);
  stale(ended, offered, outcome);  // completed without the outcome
  ASSERT_EQ(this->Append(ended, outcome), ports::AppendResult::kAppended);
}

// An event id is bound to one contact whatever shard or slot the contacts'
// records live in, so the intake recognises a retry that changed its
// contact id; a binding released for its contact frees the id.
TYPED_TEST_P(ContactEventStoreContract, AnEventIdIsBoundToOneContact) {
  ports::ContactEventStore& store = this->store();
  // Contacts many apart, so that with shards some are in another shard.
  for (int other = 0; other < 8; ++other) {
    const std::string id = absl::StrCat("bound-ev-", other);
    auto first = store.BindEventId(id, "call-first");
    ASSERT_TRUE(first.ok()) << first.status();
    EXPECT_TRUE(first->created);
    EXPECT_EQ(first->contact_id, "call-first");
    auto moved = store.BindEventId(id, absl::StrCat("call-other-", other));
    ASSERT_TRUE(moved.ok()) << moved.status();
    EXPECT_FALSE(moved->created);
    EXPECT_EQ(moved->contact_id, "call-first") << "the first binding stands";
    auto again = store.BindEventId(id, "call-first");
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_FALSE(again->created);
    EXPECT_EQ(again->contact_id, "call-first");

    EXPECT_TRUE(store.ReleaseEventId(id, "call-elsewhere").ok());
    auto kept = store.BindEventId(id, "call-elsewhere");
    ASSERT_TRUE(kept.ok()) << kept.status();
    EXPECT_EQ(kept->contact_id, "call-first") << "released only for its own contact";
    EXPECT_TRUE(store.ReleaseEventId(id, "call-first").ok());
    auto freed = store.BindEventId(id, "call-elsewhere");
    ASSERT_TRUE(freed.ok()) << freed.status();
    EXPECT_TRUE(freed->created);
    EXPECT_EQ(freed->contact_id, "call-elsewhere");
  }
}

REGISTER_TYPED_TEST_SUITE_P(ContactEventStoreContract, AnEventIdIsAppendedOnce,
                            ASeenEventIdReportsTheFingerprintItWasAppendedWith,
                            AnEventIdIsBoundToOneContact, TheFirstStartIsRecordedWithItsPlatform,
                            AStartOnAnotherPlatformIsStaleAndWritesNothing,
                            AnEndIsAppendedOnlyOnTheOutageItWasCompletedFrom,
                            AnEndWithoutAStartIsRecordedToo,
                            ADispatchIsAppendedOnlyOnTheConsultationItWasCompletedFrom,
                            ACallsEventsAndItsSurveyAreRecordedOnce,
                            AnOutcomeOrEndIsAppendedOnlyOnTheCallItWasCompletedFrom);

}  // namespace sqms::complaints::contract
