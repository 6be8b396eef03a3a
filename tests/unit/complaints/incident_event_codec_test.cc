// sqms.incidents.v1 payloads → known-issue changes, and the registry's
// stored form of an active incident.
#include "services/complaints/codec/incident_event_codec.h"

#include <gtest/gtest.h>

#include "sqms/events/v1/incident_event.pb.h"

namespace sqms::complaints::codec {
namespace {

namespace ev = ::sqms::events::v1;

ev::IncidentEvent Opened() {
  ev::IncidentEvent e;
  e.set_event_id("e-1");
  e.set_type(ev::INCIDENT_EVENT_TYPE_OPENED);
  e.set_incident_id("inc-1");
  e.set_plan_id("safety-complaint");
  e.set_level("I");
  e.set_state("triggered");
  e.set_title("Safety complaint — 长沙南");
  (*e.mutable_labels())["station"] = "长沙南";
  e.mutable_opened_at()->set_seconds(1'790'000'000);
  e.add_known_issue_categories("safety");
  e.add_known_issue_categories("no-such-category");
  return e;
}

TEST(IncidentEventCodecTest, AnActiveIncidentWithItsKnownCategories) {
  auto change = DecodeIncidentEvent(Opened().SerializeAsString());
  ASSERT_TRUE(change.ok()) << change.status();
  ASSERT_TRUE(change->has_value());
  const domain::IncidentChange& c = **change;
  EXPECT_FALSE(c.ended);
  EXPECT_EQ(c.incident.id, "inc-1");
  EXPECT_EQ(c.incident.plan_id, "safety-complaint");
  EXPECT_EQ(c.incident.level, "I");
  EXPECT_EQ(c.incident.labels.at("station"), "长沙南");
  EXPECT_EQ(c.incident.categories, std::vector<domain::Category>{domain::Category::kSafety})
      << "a category this build does not know is dropped";
  EXPECT_EQ(c.incident.opened_at, absl::FromUnixSeconds(1'790'000'000));
}

TEST(IncidentEventCodecTest, ResolvedAndClosedEndTheIncident) {
  for (const char* state : {"resolved", "closed"}) {
    ev::IncidentEvent e = Opened();
    e.set_state(state);
    auto change = DecodeIncidentEvent(e.SerializeAsString());
    ASSERT_TRUE(change.ok() && change->has_value()) << state;
    EXPECT_TRUE((*change)->ended) << state;
  }
  ev::IncidentEvent acked = Opened();
  acked.set_state("acknowledged");
  EXPECT_FALSE((**DecodeIncidentEvent(acked.SerializeAsString())).ended);
}

TEST(IncidentEventCodecTest, DrillsAndPlansWithoutCategoriesAreNothingToKeep) {
  ev::IncidentEvent drill = Opened();
  drill.set_drill(true);
  auto d = DecodeIncidentEvent(drill.SerializeAsString());
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->has_value());
  ev::IncidentEvent none = Opened();
  none.clear_known_issue_categories();
  auto n = DecodeIncidentEvent(none.SerializeAsString());
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n->has_value());
}

TEST(IncidentEventCodecTest, MalformedPayloadsAreInvalidArgument) {
  EXPECT_EQ(DecodeIncidentEvent("\xff\xff not a proto").status().code(),
            absl::StatusCode::kInvalidArgument);
  ev::IncidentEvent no_id = Opened();
  no_id.clear_incident_id();
  EXPECT_EQ(DecodeIncidentEvent(no_id.SerializeAsString()).status().code(),
            absl::StatusCode::kInvalidArgument);
  ev::IncidentEvent no_opening = Opened();
  no_opening.clear_opened_at();
  EXPECT_EQ(DecodeIncidentEvent(no_opening.SerializeAsString()).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(IncidentEventCodecTest, TheStoredFormRoundTrips) {
  const domain::ActiveIncident in = (**DecodeIncidentEvent(Opened().SerializeAsString())).incident;
  auto out = DecodeActiveIncident(EncodeActiveIncident(in));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->id, in.id);
  EXPECT_EQ(out->title, in.title);
  EXPECT_EQ(out->labels, in.labels);
  EXPECT_EQ(out->categories, in.categories);
  EXPECT_EQ(out->opened_at, in.opened_at);
  EXPECT_EQ(DecodeActiveIncident("").status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace sqms::complaints::codec
