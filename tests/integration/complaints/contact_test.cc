// StreamContactEvents: a realistic call → one ack per event, in order, each
// published once to sqms.contact.v1; a retried event_id is acked, not
// republished; a bad event gets an error ack naming the field and the stream
// goes on.

#include <map>

#include "absl/strings/match.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

class ContactTest : public StackTest {};

ev::ContactEvent Base(const std::string& contact_id, absl::Duration ago) {
  ev::ContactEvent e = ValidContactEvent();
  e.set_contact_id(contact_id);
  e.set_agent("agent-ann");
  e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now() - ago));
  e.clear_call_offered();
  return e;
}

TEST_F(ContactTest, RealisticCallIsAckedInOrderAndPublishedOnce) {
  const std::string call = Unique("call");
  std::vector<ev::ContactEvent> sent;
  ev::ContactEvent offered = Base(call, absl::Seconds(300));
  offered.mutable_call_offered()->set_queue("95598-billing");
  sent.push_back(offered);
  ev::ContactEvent answered = Base(call, absl::Seconds(280));
  answered.mutable_call_answered()->set_wait_seconds(20);
  sent.push_back(answered);
  sent.push_back(answered);  // a retry of the same event: acked, not published again
  ev::ContactEvent bad = Base(call, absl::Seconds(270));
  bad.mutable_survey_answered()->set_csat(9);  // 1..5
  bad.mutable_survey_answered()->set_nps(5);
  sent.push_back(bad);
  ev::ContactEvent ended = Base(call, absl::Seconds(40));
  ended.mutable_call_ended()->set_handle_seconds(240);
  ended.mutable_call_ended()->set_resolved_first_contact(true);
  sent.push_back(ended);
  ev::ContactEvent survey = Base(call, absl::Seconds(10));
  survey.mutable_survey_answered()->set_unsatisfied(false);
  survey.mutable_survey_answered()->set_csat(5);
  survey.mutable_survey_answered()->set_nps(9);
  survey.mutable_survey_answered()->set_comment("call me back on 13912345678, thanks");
  sent.push_back(survey);
  ev::ContactEvent no_id = Base(call, absl::Seconds(5));  // the server makes an id
  no_id.clear_event_id();
  no_id.mutable_consultation_created()->set_topic("refund rules");
  sent.push_back(no_id);
  const size_t kBad = 3, kDup = 2;

  std::vector<contact::v1::ContactEventAck> acks = StreamContact(stack(), sent);
  ASSERT_EQ(acks.size(), sent.size());
  for (size_t i = 0; i < acks.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(acks[i].sequence(), static_cast<int64_t>(i));
    if (i == kBad) {
      EXPECT_EQ(acks[i].status().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      EXPECT_THAT(ViolationFields(acks[i].status()), ::testing::Contains("survey_answered.csat"));
      continue;
    }
    EXPECT_EQ(acks[i].status().code(), 0) << acks[i].status().message();
    if (!sent[i].event_id().empty()) {
      EXPECT_EQ(acks[i].event_id(), sent[i].event_id());
    }
  }
  const std::string made_id = acks.back().event_id();
  EXPECT_FALSE(made_id.empty());

  // Published: offered, answered, ended, survey, consultation — in order (one key).
  const std::vector<std::string> expected_ids = {offered.event_id(), answered.event_id(),
                                                 ended.event_id(), survey.event_id(), made_id};
  const std::vector<std::string> expected_types = {
      "sqms.contact.v1.call_offered", "sqms.contact.v1.call_answered",
      "sqms.contact.v1.call_ended", "sqms.contact.v1.survey_answered",
      "sqms.contact.v1.consultation_created"};
  testing::TopicReader reader(stack().kafka().bootstrap(), kContactTopic);
  auto mine = [&](const std::vector<runtime::ConsumedRecord>& rs) {
    std::vector<runtime::ConsumedRecord> out;
    for (const auto& r : rs) {
      if (r.key == call) out.push_back(r);
    }
    return out;
  };
  auto records = mine(reader.ReadUntil(
      [&](const auto& rs) {
        auto m = mine(rs);
        return !m.empty() && m.back().Header("ce_id") == made_id;
      },
      absl::Seconds(20)));
  std::vector<std::string> got_ids, got_types;
  for (const auto& r : records) {
    ev::ContactEvent e;
    ASSERT_TRUE(e.ParseFromString(r.value));
    got_ids.push_back(e.event_id());
    got_types.push_back(r.Header("ce_type").value_or(""));
    EXPECT_EQ(r.Header("ce_id").value_or(""), e.event_id());
    EXPECT_EQ(r.Header("ce_specversion").value_or(""), "1.0");
    EXPECT_FALSE(r.Header("ce_source").value_or("").empty());
    EXPECT_FALSE(r.Header("ce_time").value_or("").empty());
    EXPECT_EQ(r.Header("content-type").value_or(""), "application/protobuf");
    EXPECT_EQ(e.contact_id(), call);
    EXPECT_FALSE(absl::StrContains(r.value, "13912345678")) << "phone number in a survey comment";
    if (e.has_call_answered()) {
      EXPECT_EQ(e.call_answered().wait_seconds(), 20);
    }
    if (e.has_call_ended()) {
      EXPECT_EQ(e.call_ended().handle_seconds(), 240);
    }
    if (e.has_survey_answered()) {
      EXPECT_EQ(e.survey_answered().csat(), 5);
      EXPECT_EQ(e.survey_answered().nps(), 9);
    }
  }
  EXPECT_EQ(got_ids, expected_ids) << "acked " << acks.size() << ", dup at " << kDup;
  EXPECT_EQ(got_types, expected_types);
}

TEST_F(ContactTest, RetryInALaterStreamIsAckedNotRepublished) {
  ev::ContactEvent e = ValidContactEvent();
  auto send = [&](const std::vector<ev::ContactEvent>& events) {
    auto contact = stack().Contact();
    auto ctx = Ctx(Role::kService);
    auto stream = contact->StreamContactEvents(ctx.get());
    for (const auto& x : events) stream->Write(x);
    stream->WritesDone();
    contact::v1::ContactEventAck ack;
    int ok = 0;
    while (stream->Read(&ack)) ok += ack.status().code() == 0;
    EXPECT_TRUE(stream->Finish().ok());
    return ok;
  };
  EXPECT_EQ(send({e}), 1);
  ev::ContactEvent marker = ValidContactEvent();  // same key, after the retry
  marker.set_contact_id(e.contact_id());
  marker.mutable_call_answered()->set_wait_seconds(3);
  EXPECT_EQ(send({e, marker}), 2);
  testing::TopicReader reader(stack().kafka().bootstrap(), kContactTopic);
  auto records = reader.ReadUntil(
      [&](const auto& rs) {
        for (const auto& r : rs) {
          if (r.Header("ce_id") == marker.event_id()) return true;
        }
        return false;
      },
      absl::Seconds(20));
  int copies = 0;
  for (const auto& r : records) copies += r.Header("ce_id") == e.event_id();
  EXPECT_EQ(copies, 1);
}

}  // namespace
}  // namespace sqms::complaints::it
