// sqmsctl's watch commands across a rolling deploy: a stream that was
// established and then ended UNAVAILABLE (its server shutting down) is
// opened again, as are the failed connects after it; a server unreachable
// from the start, or a stream ending any other way, ends the command with
// that status.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "tools/sqmsctl/commands.h"

namespace sqms::tools {
namespace {

// A scripted watch: each attempt connects or not and ends with a status.
struct Attempt {
  bool connects;
  grpc::StatusCode code;
};

std::pair<grpc::Status, int> RunWatch(std::vector<Attempt> script) {
  GlobalOptions global;
  int calls = 0;
  grpc::Status status = WatchWithReconnects(global, [&](grpc::ClientContext&, bool& connected) {
    const Attempt& a = script.at(static_cast<size_t>(calls++));
    connected = a.connects;
    return grpc::Status(a.code, "scripted");
  });
  return {status, calls};
}

TEST(WatchReconnectTest, AStreamEndedByItsServersShutdownIsOpenedAgain) {
  auto [status, calls] = RunWatch({{true, grpc::StatusCode::UNAVAILABLE},
                                   {false, grpc::StatusCode::UNAVAILABLE},
                                   {true, grpc::StatusCode::OK}});
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(calls, 3);
}

TEST(WatchReconnectTest, AServerUnreachableFromTheStartEndsTheWatch) {
  auto [status, calls] = RunWatch({{false, grpc::StatusCode::UNAVAILABLE}});
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(calls, 1);
}

TEST(WatchReconnectTest, OtherEndsAreFinal) {
  for (grpc::StatusCode code : {grpc::StatusCode::CANCELLED, grpc::StatusCode::PERMISSION_DENIED,
                                grpc::StatusCode::DEADLINE_EXCEEDED}) {
    auto [status, calls] = RunWatch({{true, code}});
    EXPECT_EQ(status.error_code(), code);
    EXPECT_EQ(calls, 1);
  }
}

}  // namespace
}  // namespace sqms::tools
