// codec::DecodeContactEvent: what the KPIs read of a contact event that the
// other decoders' tests do not cover — a dispatch's consultation creation,
// a call outcome's offer.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "services/metrics/codec/event_codec.h"
#include "sqms/events/v1/contact_event.pb.h"

namespace sqms::metrics::codec {
namespace {

namespace ev = ::sqms::events::v1;

const absl::Time kCreated = absl::FromUnixSeconds(1'790'000'000);
const absl::Time kDispatched = kCreated + absl::Minutes(50);

void SetTime(absl::Time t, google::protobuf::Timestamp* out) {
  out->set_seconds(absl::ToUnixSeconds(t));
}

ev::ContactEvent Dispatch() {
  ev::ContactEvent e;
  e.set_event_id("dispatch-1");
  e.set_contact_id("cons-1");
  e.set_agent("agent-7");
  e.set_category("ticketing");
  SetTime(kDispatched, e.mutable_occurred_at());
  e.mutable_consultation_dispatched()->set_work_order_id("wo-1");
  return e;
}

std::optional<absl::Time> CreatedAt(const ev::ContactEvent& e) {
  auto events = DecodeContactEvent(e.SerializeAsString());
  EXPECT_TRUE(events.ok()) << events.status();
  if (!events.ok() || events->size() != 1) return std::nullopt;
  const auto* dispatched = std::get_if<domain::ConsultationDispatched>(&(*events)[0].body);
  EXPECT_NE(dispatched, nullptr);
  EXPECT_EQ((*events)[0].occurred_at, kDispatched);
  return dispatched == nullptr ? std::nullopt : dispatched->created_at;
}

TEST(ContactCodecTest, ADispatchCarriesItsConsultationsCreation) {
  ev::ContactEvent e = Dispatch();
  SetTime(kCreated, e.mutable_consultation_dispatched()->mutable_consultation_created_at());
  EXPECT_EQ(CreatedAt(e), kCreated);
}

// An older producer's dispatch has none: it counts at its own time.
TEST(ContactCodecTest, ADispatchWithoutTheCreationHasNone) {
  EXPECT_EQ(CreatedAt(Dispatch()), std::nullopt);
}

// The offer the gateway stamped on an answer or abandonment, to the
// nanosecond; none from an older producer.
TEST(ContactCodecTest, AnOutcomeCarriesItsCallsOffer) {
  const absl::Time offered = kCreated + absl::Milliseconds(600);
  ev::ContactEvent answered;
  answered.set_event_id("answer-1");
  answered.set_contact_id("call-1");
  SetTime(kDispatched, answered.mutable_occurred_at());
  answered.mutable_call_answered()->set_wait_seconds(10);
  answered.mutable_call_answered()->mutable_call_offered_at()->set_seconds(
      absl::ToUnixSeconds(kCreated));
  answered.mutable_call_answered()->mutable_call_offered_at()->set_nanos(600'000'000);
  auto events = DecodeContactEvent(answered.SerializeAsString());
  ASSERT_TRUE(events.ok() && events->size() == 1) << events.status();
  const auto* body = std::get_if<domain::CallAnswered>(&(*events)[0].body);
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->offered_at, offered);

  ev::ContactEvent abandoned = answered;
  abandoned.mutable_call_abandoned()->set_wait_seconds(10);  // no offer: an older producer
  events = DecodeContactEvent(abandoned.SerializeAsString());
  ASSERT_TRUE(events.ok() && events->size() == 1) << events.status();
  const auto* left = std::get_if<domain::CallAbandoned>(&(*events)[0].body);
  ASSERT_NE(left, nullptr);
  EXPECT_EQ(left->offered_at, std::nullopt);
}

}  // namespace
}  // namespace sqms::metrics::codec
