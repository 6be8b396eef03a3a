// The contact event contract through the real gateway, Redis and Kafka
// (docs/api.md, "Contact events"): durations required, survey answers
// published only when present, one set of dimensions per contact (inherited
// by later events, a different value refused), department ids only,
// consultations with category and agent, a dispatch dated and filed as its
// consultation, outage durations from the start,
// one platform per outage.

#include <map>

#include "services/complaints/adapters/redis_keys.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

class ContactRulesTest : public StackTest {
 protected:
  std::vector<contact::v1::ContactEventAck> Send(const std::vector<ev::ContactEvent>& events) {
    auto acks = StreamContact(stack(), events);
    EXPECT_EQ(acks.size(), events.size());
    return acks;
  }

  // The published events of `contact_id`, in topic order, up to and
  // including the one with `last_event_id`.
  std::vector<ev::ContactEvent> Published(const std::string& contact_id,
                                          const std::string& last_event_id) {
    testing::TopicReader reader(stack().kafka().bootstrap(), kContactTopic);
    auto records = reader.ReadUntil(
        [&](const auto& rs) {
          for (const auto& r : rs) {
            if (r.key == contact_id && r.Header("ce_id") == last_event_id) return true;
          }
          return false;
        },
        absl::Seconds(20));
    std::vector<ev::ContactEvent> out;
    for (const auto& r : records) {
      if (r.key != contact_id) continue;
      ev::ContactEvent e;
      EXPECT_TRUE(e.ParseFromString(r.value));
      out.push_back(std::move(e));
    }
    return out;
  }
};

// An event of `contact_id` at `ago`, with no dimensions and no kind.
ev::ContactEvent Bare(const std::string& contact_id, absl::Duration ago) {
  ev::ContactEvent e;
  e.set_event_id(Unique("evt"));
  e.set_contact_id(contact_id);
  e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now() - ago));
  return e;
}

std::string Code(const contact::v1::ContactEventAck& ack) {
  return std::to_string(ack.status().code()) + " " + ack.status().message();
}

TEST_F(ContactRulesTest, MissingDurationsAreRefusedNamingTheirField) {
  const std::string call = Unique("call");
  ev::ContactEvent answered = Bare(call, absl::Seconds(60));
  answered.mutable_call_answered();  // no wait_seconds
  ev::ContactEvent abandoned = Bare(call, absl::Seconds(60));
  abandoned.mutable_call_abandoned();
  ev::ContactEvent ended = Bare(call, absl::Seconds(60));
  ended.mutable_call_ended()->set_resolved_first_contact(true);
  ev::ContactEvent outage = Bare(Unique("outage"), absl::Seconds(60));  // no start known
  outage.mutable_outage_ended()->set_platform(ev::PLATFORM_CALL_PLATFORM);
  auto acks = Send({answered, abandoned, ended, outage});
  ASSERT_EQ(acks.size(), 4u);
  const char* fields[] = {"call_answered.wait_seconds", "call_abandoned.wait_seconds",
                          "call_ended.handle_seconds", "outage_ended.outage_seconds"};
  for (size_t i = 0; i < acks.size(); ++i) {
    EXPECT_EQ(acks[i].status().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT))
        << Code(acks[i]);
    EXPECT_THAT(ViolationFields(acks[i].status()), ElementsAre(fields[i]));
  }
}

TEST_F(ContactRulesTest, SurveyAnswersArePublishedOnlyWhenPresent) {
  const std::string call = Unique("call");
  ev::ContactEvent partial = ValidContactEvent();
  partial.set_contact_id(call);
  partial.clear_call_offered();
  partial.mutable_survey_answered()->set_unsatisfied(false);
  partial.mutable_survey_answered()->set_nps(0);  // asked, answered 0
  ev::ContactEvent full = partial;                // another caller's: a contact is rated once
  const std::string other_call = Unique("call");
  full.set_contact_id(other_call);
  full.set_event_id(Unique("evt"));
  full.mutable_survey_answered()->set_csat(4);
  (*full.mutable_survey_answered()->mutable_csi())["attitude"] = 5;
  (*full.mutable_survey_answered()->mutable_csi())["speed"] = 3;
  auto acks = Send({partial, full});
  for (const auto& ack : acks) EXPECT_EQ(ack.status().code(), 0) << Code(ack);

  auto published = Published(call, partial.event_id());
  ASSERT_EQ(published.size(), 1u);
  auto published_full = Published(other_call, full.event_id());
  ASSERT_EQ(published_full.size(), 1u);
  const ev::SurveyAnswered& p = published[0].survey_answered();
  EXPECT_TRUE(p.has_unsatisfied());
  EXPECT_FALSE(p.unsatisfied());
  EXPECT_TRUE(p.has_nps());
  EXPECT_EQ(p.nps(), 0);
  EXPECT_FALSE(p.has_csat()) << "not asked stays unset";
  EXPECT_TRUE(p.csi().empty());
  const ev::SurveyAnswered& f = published_full[0].survey_answered();
  EXPECT_EQ(f.csat(), 4);
  EXPECT_EQ((std::map<std::string, int32_t>(f.csi().begin(), f.csi().end())),
            (std::map<std::string, int32_t>{{"attitude", 5}, {"speed", 3}}));
}

TEST_F(ContactRulesTest, LaterEventsInheritTheFirstEventsDimensions) {
  const std::string call = Unique("call");
  ev::ContactEvent offered = Bare(call, absl::Seconds(300));
  offered.set_channel("hotline");
  offered.set_department("ticketing-center");
  offered.set_region("北京");
  offered.set_station("北京南");
  offered.set_line("京沪高铁");
  offered.set_drill(true);
  offered.mutable_call_offered()->set_queue("12306");
  ev::ContactEvent answered = Bare(call, absl::Seconds(280));  // no dimensions at all
  answered.set_agent("agent-7");
  answered.set_drill(true);
  answered.mutable_call_answered()->set_wait_seconds(20);
  ev::ContactEvent ended = Bare(call, absl::Seconds(40));
  ended.set_department("ticketing-center");  // the same value again: fine
  ended.mutable_call_ended()->set_handle_seconds(240);
  auto acks = Send({offered, answered, ended});
  for (const auto& ack : acks) EXPECT_EQ(ack.status().code(), 0) << Code(ack);

  auto published = Published(call, ended.event_id());
  ASSERT_EQ(published.size(), 3u);
  for (const auto& e : published) {
    SCOPED_TRACE(e.event_id());
    EXPECT_EQ(e.channel(), "hotline");
    EXPECT_EQ(e.department(), "ticketing-center");
    EXPECT_EQ(e.region(), "北京");
    EXPECT_EQ(e.station(), "北京南");
    EXPECT_EQ(e.line(), "京沪高铁");
  }
  EXPECT_TRUE(published[0].drill());
  EXPECT_TRUE(published[1].drill());
  EXPECT_FALSE(published[2].drill()) << "drill is passed through as sent";
  EXPECT_TRUE(published[1].call_answered().has_wait_seconds());
  EXPECT_EQ(published[1].agent(), "agent-7");
}

TEST_F(ContactRulesTest, AConflictingDimensionIsRefusedAndNothingIsPublished) {
  const std::string call = Unique("call");
  ev::ContactEvent offered = ValidContactEvent();  // department customer-service
  offered.set_contact_id(call);
  ev::ContactEvent moved = Bare(call, absl::Seconds(1));
  moved.set_department("billing-center");
  moved.mutable_call_answered()->set_wait_seconds(5);
  ev::ContactEvent marker = Bare(call, absl::Seconds(0));
  marker.mutable_call_ended()->set_handle_seconds(60);
  auto acks = Send({offered, moved, marker});
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(acks[0].status().code(), 0) << Code(acks[0]);
  EXPECT_EQ(acks[1].status().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(ViolationFields(acks[1].status()), ElementsAre("department"));
  EXPECT_EQ(acks[2].status().code(), 0) << Code(acks[2]);

  auto published = Published(call, marker.event_id());
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].event_id(), marker.event_id());
  EXPECT_EQ(published[1].department(), "customer-service");
}

// A CTI that reports a transferred call answered twice, or answered and
// then abandoned, under new event ids: each would count the call again
// (the answer rate above 100 %). The second outcome is refused naming the
// contact, nothing of it is published, the call's other events go on.
TEST_F(ContactRulesTest, ACallHasOneOutcomeAndOneSurvey) {
  const std::string call = Unique("call");
  ev::ContactEvent offered = ValidContactEvent();
  offered.set_contact_id(call);
  ev::ContactEvent answered = Bare(call, absl::Seconds(3));
  answered.mutable_call_answered()->set_wait_seconds(5);
  ev::ContactEvent answered_again = Bare(call, absl::Seconds(2));
  answered_again.mutable_call_answered()->set_wait_seconds(40);
  ev::ContactEvent abandoned = Bare(call, absl::Seconds(2));
  abandoned.mutable_call_abandoned()->set_wait_seconds(40);
  ev::ContactEvent survey = Bare(call, absl::Seconds(1));
  survey.mutable_survey_answered()->set_unsatisfied(false);
  ev::ContactEvent survey_again = Bare(call, absl::Seconds(1));
  survey_again.mutable_survey_answered()->set_unsatisfied(true);
  ev::ContactEvent marker = Bare(call, absl::Seconds(0));
  marker.mutable_call_ended()->set_handle_seconds(60);
  auto acks = Send({offered, answered, answered_again, abandoned, survey, survey_again, marker});
  ASSERT_EQ(acks.size(), 7u);
  for (int ok : {0, 1, 4, 6}) EXPECT_EQ(acks[ok].status().code(), 0) << ok << " " << Code(acks[ok]);
  for (int refused : {2, 3, 5}) {
    EXPECT_EQ(acks[refused].status().code(),
              static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION))
        << refused << " " << Code(acks[refused]);
    EXPECT_THAT(ViolationFields(acks[refused].status()), ElementsAre("contact_id"));
  }
  EXPECT_THAT(acks[3].status().message(), ::testing::HasSubstr("already answered"));

  auto published = Published(call, marker.event_id());
  std::vector<std::string> ids;
  for (const auto& e : published) ids.push_back(e.event_id());
  EXPECT_THAT(ids, ElementsAre(offered.event_id(), answered.event_id(), survey.event_id(),
                               marker.event_id()));
  // The answer is published with its offer's own time, the end with the
  // call's outcome (what the metrics service dates and counts them by).
  ASSERT_EQ(published.size(), 4u);
  EXPECT_EQ(published[1].call_answered().call_offered_at().seconds(),
            offered.occurred_at().seconds());
  EXPECT_EQ(published[1].call_answered().call_offered_at().nanos(), offered.occurred_at().nanos());
  EXPECT_EQ(published[3].call_ended().call_outcome(), ev::CALL_OUTCOME_ANSWERED);
}

// The switch sends the offer with its queue only; the shipped triage.yaml
// gives queue 12306 to customer-service, so the offer — and the answer that
// follows without a department — are that department's.
TEST_F(ContactRulesTest, AnOfferToAMappedQueueIsPublishedUnderItsDepartment) {
  const std::string call = Unique("call");
  ev::ContactEvent offered = Bare(call, absl::Seconds(2));
  offered.mutable_call_offered()->set_queue("12306");
  ev::ContactEvent answered = Bare(call, absl::Seconds(1));
  answered.mutable_call_answered()->set_wait_seconds(5);
  auto acks = Send({offered, answered});
  ASSERT_EQ(acks.size(), 2u);
  for (const auto& ack : acks) EXPECT_EQ(ack.status().code(), 0) << Code(ack);
  auto published = Published(call, answered.event_id());
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[0].department(), "customer-service");
  EXPECT_EQ(published[1].department(), "customer-service");
}

// A gateway that reuses an event id for another event is refused on that
// field; the first event stands, its exact retry is acknowledged, and only
// it is published.
TEST_F(ContactRulesTest, AnEventIdReusedForADifferentEventIsRefusedNamingIt) {
  const std::string call = Unique("call");
  ev::ContactEvent offered = ValidContactEvent();
  offered.set_contact_id(call);
  ev::ContactEvent reused = Bare(call, absl::Seconds(1));
  reused.set_event_id(offered.event_id());
  reused.mutable_call_answered()->set_wait_seconds(5);
  ev::ContactEvent marker = Bare(call, absl::Seconds(0));
  marker.mutable_call_ended()->set_handle_seconds(60);
  auto acks = Send({offered, reused, offered, marker});
  ASSERT_EQ(acks.size(), 4u);
  EXPECT_EQ(acks[0].status().code(), 0) << Code(acks[0]);
  EXPECT_EQ(acks[1].status().code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION))
      << Code(acks[1]);
  EXPECT_THAT(ViolationFields(acks[1].status()), ElementsAre("event_id"));
  EXPECT_EQ(acks[2].status().code(), 0) << Code(acks[2]);  // the retry
  EXPECT_EQ(acks[3].status().code(), 0) << Code(acks[3]);

  auto published = Published(call, marker.event_id());
  ASSERT_EQ(published.size(), 2u);
  EXPECT_TRUE(published[0].has_call_offered());
  EXPECT_EQ(published[1].event_id(), marker.event_id());
}

// A CTI retry that changed the contact id (a reconnect that made a new
// session id) under the same event id is another event: refused on
// event_id, not published a second time under the other contact — also
// when that contact's record lives in another shard than the first's,
// where the first attempt's seen marker is not. A refused event leaves no
// binding: corrected, it may be resent under its id.
TEST_F(ContactRulesTest, AnEventIdReusedForAnotherContactIsRefusedNamingIt) {
  const adapters::RedisKeys keys(StackOptions{}.shards);
  const std::string call = Unique("call");
  std::string elsewhere = Unique("call");
  while (keys.ShardOfSeed(elsewhere) == keys.ShardOfSeed(call)) elsewhere = Unique("call");
  ev::ContactEvent offered = ValidContactEvent();
  offered.set_contact_id(call);
  ev::ContactEvent moved = offered;
  moved.set_contact_id(elsewhere);
  ev::ContactEvent conflicting = Bare(call, absl::Seconds(1));
  conflicting.set_department("billing-center");  // the call's is customer-service
  conflicting.mutable_call_answered()->set_wait_seconds(5);
  ev::ContactEvent corrected = conflicting;
  corrected.set_contact_id(elsewhere);
  ev::ContactEvent marker = Bare(elsewhere, absl::Seconds(0));
  marker.mutable_call_ended()->set_handle_seconds(60);
  // One stream after the other: a stream keeps order per contact only, and
  // the client resends after it saw the answer.
  std::vector<contact::v1::ContactEventAck> acks;
  for (const auto& batch : std::vector<std::vector<ev::ContactEvent>>{
           {offered}, {moved, offered}, {conflicting}, {corrected, marker}}) {
    for (auto& ack : Send(batch)) acks.push_back(std::move(ack));
  }
  ASSERT_EQ(acks.size(), 6u);
  EXPECT_EQ(acks[0].status().code(), 0) << Code(acks[0]);
  EXPECT_EQ(acks[1].status().code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION))
      << Code(acks[1]);
  EXPECT_THAT(ViolationFields(acks[1].status()), ElementsAre("event_id"));
  EXPECT_EQ(acks[2].status().code(), 0) << Code(acks[2]) << " (the exact retry)";
  EXPECT_EQ(acks[3].status().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT))
      << Code(acks[3]);
  EXPECT_EQ(acks[4].status().code(), 0) << Code(acks[4]) << " (corrected, its id freed)";
  EXPECT_EQ(acks[5].status().code(), 0) << Code(acks[5]);

  auto there = Published(elsewhere, marker.event_id());
  ASSERT_EQ(there.size(), 2u) << "the corrected event and the marker, not the moved offer";
  EXPECT_EQ(there[0].event_id(), corrected.event_id());
  EXPECT_TRUE(there[0].has_call_answered());
  auto here = Published(call, offered.event_id());
  ASSERT_EQ(here.size(), 1u);
  EXPECT_TRUE(here[0].has_call_offered());
}

// Display names are not department ids, nor is an id the complaints
// service does not list (the metrics service would count it as "other").
TEST_F(ContactRulesTest, DisplayNamesAndUnlistedIdsAreNotDepartments) {
  ev::ContactEvent named = ValidContactEvent();
  named.set_department("票务中心");
  ev::ContactEvent upper = ValidContactEvent();
  upper.set_department("Ticketing-Center");
  ev::ContactEvent unlisted = ValidContactEvent();
  unlisted.set_department("no-such-dept");
  auto acks = Send({named, upper, unlisted});
  ASSERT_EQ(acks.size(), 3u);
  for (const auto& ack : acks) {
    EXPECT_EQ(ack.status().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
    EXPECT_THAT(ViolationFields(ack.status()), ElementsAre("department"));
  }
}

TEST_F(ContactRulesTest, AConsultationNeedsItsCategoryAndAgent) {
  ev::ContactEvent created = ValidContactEvent();
  created.clear_category();
  created.mutable_consultation_created()->set_topic("退改签规则");
  ev::ContactEvent with_both = created;
  with_both.set_event_id(Unique("evt"));
  with_both.set_category("ticketing");
  with_both.set_agent("agent-3");
  auto acks = Send({created, with_both});
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[0].status().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(ViolationFields(acks[0].status()),
              ::testing::UnorderedElementsAre("category", "agent"));
  EXPECT_EQ(acks[1].status().code(), 0) << Code(acks[1]);
}

// The one-time answer rate counts a dispatch in its consultation's period
// and units: through the real gateway and Redis script, a dispatch that
// omits them is published with its consultation's agent, category and
// creation time; one sent by another agent is filed under the
// consultation's, the sender kept as dispatched_by; a second dispatch of
// one consultation is refused.
TEST_F(ContactRulesTest, ADispatchIsPublishedAsItsConsultations) {
  const std::string consultation = Unique("cons");
  ev::ContactEvent created = Bare(consultation, absl::Seconds(900));
  created.set_department("customer-service");
  created.set_category("ticketing");
  created.set_agent("agent-3");
  created.mutable_consultation_created()->set_topic("退改签规则");
  ev::ContactEvent elsewhere = Bare(consultation, absl::Seconds(300));
  elsewhere.set_agent("agent-4");
  elsewhere.mutable_consultation_dispatched()->set_work_order_id("wo-x");
  ev::ContactEvent dispatched = Bare(consultation, absl::Seconds(300));
  dispatched.mutable_consultation_dispatched()->set_work_order_id("wo-1");
  auto acks = Send({created, elsewhere, dispatched});
  ASSERT_EQ(acks.size(), 3u);
  EXPECT_EQ(acks[0].status().code(), 0) << Code(acks[0]);
  EXPECT_EQ(acks[1].status().code(), 0) << Code(acks[1]);
  EXPECT_EQ(acks[2].status().code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION))
      << Code(acks[2]);
  EXPECT_THAT(ViolationFields(acks[2].status()), ElementsAre("contact_id"));

  auto published = Published(consultation, elsewhere.event_id());
  ASSERT_EQ(published.size(), 2u);
  const ev::ContactEvent& out = published[1];
  EXPECT_EQ(out.consultation_dispatched().dispatched_by(), "agent-4");
  EXPECT_EQ(out.agent(), "agent-3");
  EXPECT_EQ(out.category(), "ticketing");
  EXPECT_EQ(out.department(), "customer-service");
  ASSERT_TRUE(out.consultation_dispatched().has_consultation_created_at());
  EXPECT_EQ(out.consultation_dispatched().consultation_created_at().seconds(),
            created.occurred_at().seconds());
}

TEST_F(ContactRulesTest, AnOutageEndGetsItsDurationFromTheStoredStart) {
  const std::string outage = Unique("outage");
  ev::ContactEvent started = Bare(outage, absl::Seconds(900));
  started.mutable_outage_started()->set_platform(ev::PLATFORM_BACKBONE_NETWORK);
  ev::ContactEvent ended = Bare(outage, absl::Seconds(300));
  ended.mutable_outage_ended()->set_platform(ev::PLATFORM_BACKBONE_NETWORK);  // no seconds
  auto acks = Send({started, ended, ended});  // the last one a retry
  for (const auto& ack : acks) EXPECT_EQ(ack.status().code(), 0) << Code(ack);

  auto published = Published(outage, ended.event_id());
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].outage_ended().outage_seconds(), 600);
}

// The reliability KPI sums outage time: one outage, one end, through the
// real gateway and Redis script. A retry of the end is still acknowledged.
TEST_F(ContactRulesTest, AnOutageEndsOnceAtLeastASecondAfterItsStartOnItsPlatform) {
  const std::string outage = Unique("outage");
  ev::ContactEvent started = Bare(outage, absl::Seconds(900));
  started.mutable_outage_started()->set_platform(ev::PLATFORM_BACKBONE_NETWORK);
  ev::ContactEvent at_start = Bare(outage, absl::Seconds(900));
  at_start.mutable_outage_ended()->set_platform(ev::PLATFORM_BACKBONE_NETWORK);
  ev::ContactEvent elsewhere = Bare(outage, absl::Seconds(300));
  elsewhere.mutable_outage_ended()->set_platform(ev::PLATFORM_CALL_PLATFORM);
  ev::ContactEvent ended = Bare(outage, absl::Seconds(300));
  ended.mutable_outage_ended()->set_platform(ev::PLATFORM_BACKBONE_NETWORK);
  ev::ContactEvent again = Bare(outage, absl::Seconds(120));  // another end
  again.mutable_outage_ended()->set_platform(ev::PLATFORM_BACKBONE_NETWORK);
  again.mutable_outage_ended()->set_outage_seconds(780);
  auto acks = Send({started, at_start, elsewhere, ended, again, ended});
  ASSERT_EQ(acks.size(), 6u);
  EXPECT_EQ(acks[0].status().code(), 0) << Code(acks[0]);
  EXPECT_EQ(acks[1].status().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT))
      << Code(acks[1]);
  EXPECT_THAT(ViolationFields(acks[1].status()), ElementsAre("occurred_at"));
  EXPECT_EQ(acks[2].status().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT))
      << Code(acks[2]);
  EXPECT_THAT(ViolationFields(acks[2].status()), ElementsAre("outage_ended.platform"));
  EXPECT_EQ(acks[3].status().code(), 0) << Code(acks[3]);
  EXPECT_EQ(acks[4].status().code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION))
      << Code(acks[4]);
  EXPECT_THAT(ViolationFields(acks[4].status()), ElementsAre("contact_id"));
  EXPECT_EQ(acks[5].status().code(), 0) << Code(acks[5]);  // the retry

  auto published = Published(outage, ended.event_id());
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].outage_ended().outage_seconds(), 600);
}

// One outage, one platform, through the real gateway and Redis script: a
// start on another platform is refused naming the platform it started on,
// nothing is published; a retry of the first start is still acknowledged.
TEST_F(ContactRulesTest, AnOutageStartsOnOnePlatform) {
  const std::string outage = Unique("outage");
  ev::ContactEvent started = Bare(outage, absl::Seconds(900));
  started.mutable_outage_started()->set_platform(ev::PLATFORM_BACKBONE_NETWORK);
  ev::ContactEvent elsewhere = Bare(outage, absl::Seconds(600));
  elsewhere.mutable_outage_started()->set_platform(ev::PLATFORM_CALL_PLATFORM);
  ev::ContactEvent ended = Bare(outage, absl::Seconds(300));
  ended.mutable_outage_ended()->set_platform(ev::PLATFORM_BACKBONE_NETWORK);
  auto acks = Send({started, elsewhere, started, ended});
  ASSERT_EQ(acks.size(), 4u);
  EXPECT_EQ(acks[0].status().code(), 0) << Code(acks[0]);
  EXPECT_EQ(acks[1].status().code(), static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION))
      << Code(acks[1]);
  EXPECT_THAT(ViolationFields(acks[1].status()), ElementsAre("contact_id"));
  EXPECT_THAT(acks[1].status().message(),
              ::testing::HasSubstr("already started on PLATFORM_BACKBONE_NETWORK"));
  EXPECT_EQ(acks[2].status().code(), 0) << Code(acks[2]);  // the retry
  EXPECT_EQ(acks[3].status().code(), 0) << Code(acks[3]);

  auto published = Published(outage, ended.event_id());
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[0].outage_started().platform(), ev::PLATFORM_BACKBONE_NETWORK);
  EXPECT_EQ(published[1].outage_ended().outage_seconds(), 600);
}

}  // namespace
}  // namespace sqms::complaints::it
