// sqmsctl incident watch against a fake alerts service whose first stream
// is established and ends UNAVAILABLE (its replica shutting down) — after
// one change, or quiet, before any — : the command watches again and
// prints the changes of both streams, one line each, until --count.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "sqms/runtime/watch_established.h"
#include "tests/unit/tools/sqmsctl_harness.h"

namespace sqms::tools {
namespace {

namespace av1 = ::sqms::alerts::v1;
using ::testing::HasSubstr;

class RestartingAlertService final : public av1::AlertService::Service {
 public:
  explicit RestartingAlertService(bool quiet_first = false) : quiet_first_(quiet_first) {}

  grpc::Status WatchIncidents(grpc::ServerContext* context,
                              const av1::WatchIncidentsRequest* request,
                              grpc::ServerWriter<av1::Incident>* writer) override {
    active_only_ = request->active_only();
    const int stream = ++streams_;
    // As the service's FanOutWriteReactor: established before any event.
    context->AddInitialMetadata(runtime::kWatchEstablishedKey, "1");
    writer->SendInitialMetadata();
    if (stream == 1 && quiet_first_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server is shutting down");
    }
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
  const bool quiet_first_;
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

// The usual case for incident watch: nothing happened while the replica
// served the stream.
TEST(IncidentWatchTest, AQuietWatchIsOpenedAgainWhenItsReplicaShutsDown) {
  RestartingAlertService service(/*quiet_first=*/true);
  testing::FakeServer server(service);
  const testing::CliResult result = testing::RunAlertsCommand("incident watch --count 1", server);
  EXPECT_EQ(result.code, kExitOk) << result.err;
  EXPECT_EQ(service.streams(), 2);
  EXPECT_THAT(result.out, HasSubstr("INC-1 "));
  EXPECT_THAT(result.err, HasSubstr("reconnecting"));
}

}  // namespace
}  // namespace sqms::tools
