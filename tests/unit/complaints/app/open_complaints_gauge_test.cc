// OpenComplaintsGauge: every open (status, priority) pair at 0 when the
// store has none, closed complaints left out, and the last counts shown
// again while the store does not answer.
#include "services/complaints/adapters/open_complaints_gauge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/support/fake_clock.h"
#include "tests/unit/complaints/app/in_memory_complaint_repository.h"

namespace sqms::complaints::adapters {
namespace {

using domain::Priority;
using domain::Status;

// "status/priority" → value.
std::map<std::string, double> ByPair(const runtime::MetricsServer::GaugeSeries& series) {
  std::map<std::string, double> out;
  for (const auto& [labels, value] : series) {
    out[labels.at("status") + "/" + labels.at("priority")] = value;
  }
  return out;
}

TEST(OpenComplaintsGaugeTest, EveryOpenPairIsPresentAndClosedIsLeftOut) {
  const auto series = ByPair(OpenComplaintsGauge::Series(
      {{{Status::kReceived, Priority::kP1}, 3}, {{Status::kClosed, Priority::kP1}, 9}}));
  EXPECT_EQ(series.size(), 7u * 4u) << "7 open statuses x 4 priorities";
  EXPECT_EQ(series.at("received/p1"), 3);
  EXPECT_EQ(series.at("followed_up/p4"), 0);
  EXPECT_EQ(series.count("closed/p1"), 0u);
}

TEST(OpenComplaintsGaugeTest, AStoreThatDoesNotAnswerShowsTheLastCounts) {
  ::sqms::testing::FakeClock clock{absl::FromUnixSeconds(1'773'000'000)};
  app::testing::InMemoryComplaintRepository repo{clock};
  ports::NewComplaint record;
  record.complaint.id = repo.NewId("", clock.Now());
  record.complaint.version = 1;
  record.complaint.status = Status::kReceived;
  record.complaint.priority = Priority::kP2;
  ASSERT_TRUE(repo.Create(record).ok());

  OpenComplaintsGauge gauge(repo);
  EXPECT_EQ(ByPair(gauge.Read()).at("received/p2"), 1);
  repo.SetDown(absl::UnavailableError("redis down"));
  EXPECT_EQ(ByPair(gauge.Read()).at("received/p2"), 1);
}

}  // namespace
}  // namespace sqms::complaints::adapters
