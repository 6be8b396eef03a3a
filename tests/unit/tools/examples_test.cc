// Every shipped example file (tools/sqmsctl/examples/*.jsonl) is read by
// sqmsctl's parser without a bad line and passes the service's own
// validation (the codec, then the domain checks the RPCs run; contact events
// through the gateway's intake on an in-memory store): an example that the
// service would reject fails here. Contact events are replayed the
// way the example's header says (--shift-to-now).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "absl/time/clock.h"
#include "services/complaints/app/contact_intake.h"
#include "services/complaints/codec/complaint_codec.h"
#include "services/complaints/codec/contact_codec.h"
#include "services/complaints/config/triage_config.h"
#include "services/complaints/domain/contact_event.h"
#include "services/complaints/domain/validation.h"
#include "sqms/complaints/v1/service.pb.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "tests/unit/complaints/in_memory_contact_event_store.h"
#include "tools/sqmsctl/jsonl.h"
#include "tools/sqmsctl/replay.h"

namespace sqms::tools {
namespace {

namespace fs = std::filesystem;
namespace domain = ::sqms::complaints::domain;
namespace codec = ::sqms::complaints::codec;

const fs::path kExamples = fs::path(SQMS_TEST_SOURCE_DIR) / "tools/sqmsctl/examples";

template <typename T>
std::vector<T> ReadClean(const fs::path& path) {
  auto file = ReadJsonLines<T>(path.string());
  EXPECT_TRUE(file.ok()) << file.status();
  if (!file.ok()) return {};
  for (const BadLine& bad : file->bad) ADD_FAILURE() << FormatBadLine(path.string(), bad);
  EXPECT_FALSE(file->messages.empty()) << path;
  return file->messages;
}

TEST(ShippedExamplesTest, EveryExampleFileIsKnownToThisTest) {
  for (const auto& entry : fs::directory_iterator(kExamples)) {
    std::string name = entry.path().filename().string();
    EXPECT_TRUE(name == "complaints.jsonl" || name == "contact_events.jsonl")
        << name << ": a new example needs its check in examples_test.cc";
  }
}

TEST(ShippedExamplesTest, ComplaintsPassTheServiceValidation) {
  auto requests = ReadClean<complaints::v1::SubmitComplaintRequest>(kExamples / "complaints.jsonl");
  for (size_t i = 0; i < requests.size(); ++i) {
    absl::Status s = domain::ValidateSubmission(codec::FromProto(requests[i]), absl::Now());
    EXPECT_TRUE(s.ok()) << "complaint " << i + 1 << ": " << s;
  }
}

class ShortlyAfter : public runtime::Clock {
 public:
  absl::Time Now() const override { return now_; }

 private:
  absl::Time now_ = absl::Now() + absl::Seconds(1);
};

// Through the gateway's intake (validation, then completion from each
// contact's record), in file order, as `contact stream` sends them.
TEST(ShippedExamplesTest, ContactEventsAreAcceptedByTheIntakeWhenReplayedNow) {
  auto events = ReadClean<events::v1::ContactEvent>(kExamples / "contact_events.jsonl");
  ShiftToNow(events, absl::Now());
  complaints::testing::InMemoryContactEventStore store;
  ShortlyAfter clock;
  // The shipped triage config: the examples name only its departments.
  auto config = complaints::config::LoadTriageConfig(
      (fs::path(SQMS_TEST_SOURCE_DIR) / "services/complaints/config/triage.yaml").string());
  ASSERT_TRUE(config.ok()) << config.status();
  complaints::app::TriageSource triage(std::make_shared<const domain::Triage>(*std::move(config)));
  complaints::app::ContactIntake intake(store, clock, "test-pii-key", triage);
  for (const auto& event : events) {
    absl::StatusOr<complaints::app::ContactAccepted> accepted =
        intake.Accept(codec::FromProto(event));
    EXPECT_TRUE(accepted.ok()) << event.event_id() << ": " << accepted.status();
  }
  EXPECT_EQ(store.size(), events.size());
}

TEST(ShippedExamplesTest, ShiftToNowKeepsTheGaps) {
  std::vector<events::v1::ContactEvent> events(3);
  events[0].mutable_occurred_at()->set_seconds(100);
  events[1].mutable_occurred_at()->set_seconds(160);
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  ShiftToNow(events, now);
  EXPECT_EQ(events[0].occurred_at().seconds(), 1'800'000'000 - 60);
  EXPECT_EQ(events[1].occurred_at().seconds(), 1'800'000'000);
  EXPECT_FALSE(events[2].has_occurred_at());
}

}  // namespace
}  // namespace sqms::tools
