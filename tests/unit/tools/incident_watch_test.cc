// sqmsctl incident watch against a fake alerts service whose first stream
// ends UNAVAILABLE after one change (its replica shutting down): the
// command watches again and prints the changes of both streams, one line
// each, until --count.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "tests/unit/tools/sqmsctl_harness.h"

namespace sqms::tools {
namespace {

namespace av1 = ::sqms::alerts::v1;
using ::testing::HasSubstr;

class RestartingAlertService final : public av1::AlertService::Service {
 public:
  grpc::Status WatchIncidents(grpc::ServerContext*, const av1::WatchIncidentsRequest* request,
                              grpc::ServerWriter<av1::Incident>* writer) override {
    active_only_ = request->active_only();
    const int stream = ++streams_;
    av1::Incident incident;
    incident.set_id("INC-1");
    incident.set_level("I");
    incident.set_plan_id("safety-complaint");
    incident.set_title("Safety complaint");
    incident.set_version(stream);
    incident.set_state(stream == 1 ? av1::INCIDENT_STATE_TRIGGERED
                                   : av1::INCIDENT_STATE_ACKNOWLEDGED);
    writer->Write(incident);
    if (stream == 1) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down");
    }
    incident.set_id("INC-2");
    incident.set_version(1);
    writer->Write(incident);
    return grpc::Status::OK;
  }
  int streams() const { return streams_.load(); }
  bool active_only() const { return active_only_.load(); }

 private:
  std::atomic<int> streams_{0};
  std::atomic<bool> active_only_{false};
};

TEST(IncidentWatchTest, PrintsEachChangeAndWatchesAgainWhenItsReplicaShutsDown) {
  RestartingAlertService service;
  testing::FakeServer server(service);
  const testing::CliResult result =
      testing::RunAlertsCommand("incident watch --active --count 3", server);
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(service.streams(), 2);
  EXPECT_TRUE(service.active_only());
  EXPECT_THAT(result.out, HasSubstr("AT "));
  EXPECT_THAT(result.out, HasSubstr("INC-1                  I      triggered"));
  EXPECT_THAT(result.out, HasSubstr("INC-1                  I      acknowledged"));
  EXPECT_THAT(result.out, HasSubstr("INC-2 "));
  EXPECT_THAT(result.err, HasSubstr("watch ended (the server is shutting down); reconnecting"));
}

}  // namespace
}  // namespace sqms::tools
