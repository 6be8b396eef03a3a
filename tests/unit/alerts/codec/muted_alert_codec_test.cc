#include "services/alerts/codec/muted_alert_codec.h"

#include "gtest/gtest.h"

namespace sqms::alerts::codec {
namespace {

namespace pb = ::sqms::alerts::v1;

const absl::Time kStart = absl::FromUnixSeconds(1'700'000'000);

ports::MutedAlert Kept() {
  ports::MutedAlert kept;
  kept.fingerprint = "fp-1";
  kept.alert.id = "api|req-1";
  kept.alert.source = "api";
  kept.alert.labels = {{"alertname", "complaint_submitted"}, {"station", "S1"}};
  kept.alert.annotations = {{"summary", "platform 3"}};
  kept.alert.at = kStart;
  kept.kept_at = kStart + absl::Milliseconds(1500);
  kept.mutes = {{.plan_id = "safety", .silence_id = "sil-1", .inhibited_by = ""},
                {.plan_id = "outage", .silence_id = "", .inhibited_by = "INC-7"}};
  return kept;
}

TEST(MutedAlertCodecTest, CarriesTheAlertAndEveryMuteInOrder) {
  const pb::MutedAlert out = MutedAlertToProto(Kept());
  EXPECT_EQ(out.fingerprint(), "fp-1");
  ASSERT_EQ(out.labels_size(), 2);
  EXPECT_EQ(out.labels().at("station"), "S1");
  EXPECT_EQ(out.annotations().at("summary"), "platform 3");
  EXPECT_EQ(out.source(), "api");
  EXPECT_EQ(out.starts_at().seconds(), 1'700'000'000);
  EXPECT_EQ(out.kept_at().seconds(), 1'700'000'001);
  EXPECT_EQ(out.kept_at().nanos(), 500'000'000);
  ASSERT_EQ(out.mutes_size(), 2);
  EXPECT_EQ(out.mutes(0).plan_id(), "safety");
  EXPECT_EQ(out.mutes(0).silence_id(), "sil-1");
  EXPECT_EQ(out.mutes(0).inhibited_by(), "");
  EXPECT_EQ(out.mutes(1).plan_id(), "outage");
  EXPECT_EQ(out.mutes(1).silence_id(), "");
  EXPECT_EQ(out.mutes(1).inhibited_by(), "INC-7");
}

TEST(MutedAlertCodecTest, AnInfiniteTimeLeavesItsTimestampUnset) {
  ports::MutedAlert kept = Kept();
  kept.alert.at = absl::InfinitePast();
  kept.kept_at = absl::InfiniteFuture();
  const pb::MutedAlert out = MutedAlertToProto(kept);
  EXPECT_FALSE(out.has_starts_at());
  EXPECT_FALSE(out.has_kept_at());
}

}  // namespace
}  // namespace sqms::alerts::codec
