// runtime::RunUnary on a real gRPC server (port 0) with a tiny test-only
// service: one raw unary method, /test.Work/Do (empty request and response,
// no proto needed), allowed to admins only, whose body blocks until the
// test opens a gate. Shows admission before work: a full pool refuses with
// RESOURCE_EXHAUSTED + RetryInfo, a call whose deadline passed (or whose
// client cancelled) while queued never reaches the body, a role not allowed
// is PERMISSION_DENIED — and each is counted in the RED metrics.

#include "tests/support/metric_value.h"
#include "tests/support/raw_unary.h"
#include "sqms/runtime/rpc_call.h"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/grpc_status.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

using sqms::testing::Await;
using sqms::testing::RawUnaryCall;

const Roles kAdminsOnly{Role::kAdmin};
constexpr RpcMethod kDo{"test.Work", "Do", &kAdminsOnly};

// The test service. The body counts its runs and waits for `gate`.
class WorkService : public grpc::Service {
 public:
  WorkService(const TokenAuthenticator& auth, WorkerPool& pool, RpcMetrics& metrics)
      : support_{auth, pool_, metrics, absl::Milliseconds(250)}, pool_(pool) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        "/test.Work/Do", grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
    MarkMethodRawCallback(
        0, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
               [this](grpc::CallbackServerContext* call, const grpc::ByteBuffer*,
                      grpc::ByteBuffer* response) {
                 last_call.store(call);
                 return RunUnary(support_, call, kDo, [this, response](const Principal&) {
                   body_runs.fetch_add(1);
                   gate.WaitForNotification();
                   grpc::Slice empty("", 0);
                   *response = grpc::ByteBuffer(&empty, 1);
                   return absl::OkStatus();
                 });
               }));
  }

  std::atomic<int> body_runs{0};
  absl::Notification gate;
  // The server side of the latest call (valid until that call finishes).
  std::atomic<grpc::CallbackServerContext*> last_call{nullptr};

 private:
  const CallSupport support_;
  TrackedPool pool_;  // last: waits for the tasks that use the rest
};

class RpcCallTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start(&service_).ok()); }
  void TearDown() override {
    if (!service_.gate.HasBeenNotified()) service_.gate.Notify();
    server_.Stop();
  }

  // An asynchronous call of /test.Work/Do; its `status` yields the outcome.
  std::unique_ptr<RawUnaryCall> Start(
      const std::string& token,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return server_.Call("/test.Work/Do", token, timeout);
  }

  // sqms_rpc_requests_total{service="test.Work",method="Do",code=<code>}.
  double Count(const std::string& code) {
    return sqms::testing::MetricValue(registry_, "sqms_rpc_requests_total",
                                      {{"service", "test.Work"}, {"method", "Do"}, {"code", code}});
  }

  // Occupies the pool's one thread with a call whose body waits for the gate.
  std::unique_ptr<RawUnaryCall> Occupy() {
    auto busy = Start("tok-admin");
    EXPECT_TRUE(Await([&] { return service_.body_runs.load() == 1; }, absl::Seconds(10)));
    return busy;
  }

  std::unique_ptr<TokenAuthenticator> auth_ = TokenAuthenticator::FromMap(
      {{"tok-admin", {"ada", Role::kAdmin}}, {"tok-agent", {"ann", Role::kAgent}}});
  prometheus::Registry registry_;
  RpcMetrics metrics_{registry_};
  WorkerPool pool_{1, /*max_queued=*/1};
  WorkService service_{*auth_, pool_, metrics_};
  sqms::testing::RawUnaryServer server_;
};

TEST_F(RpcCallTest, FullPoolRefusesWithResourceExhaustedAndRetryInfo) {
  auto busy = Occupy();
  auto queued = Start("tok-admin");
  ASSERT_TRUE(Await([&] { return pool_.queued() == 1; }, absl::Seconds(10)));

  auto refused = Start("tok-admin");
  const grpc::Status status = refused->status.get();  // answered while the pool is still full
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  std::optional<absl::Duration> retry = RetryDelay(FromGrpcStatus(status));
  ASSERT_TRUE(retry.has_value()) << "no google.rpc.RetryInfo in the status details";
  EXPECT_EQ(*retry, absl::Milliseconds(250));
  EXPECT_EQ(pool_.queued(), 1u) << "the refused call must not be queued";
  EXPECT_EQ(Count("RESOURCE_EXHAUSTED"), 1);

  service_.gate.Notify();
  EXPECT_TRUE(busy->status.get().ok());
  EXPECT_TRUE(queued->status.get().ok());
  EXPECT_EQ(service_.body_runs.load(), 2) << "the refused call's body ran";
  EXPECT_EQ(Count("OK"), 2);
}

TEST_F(RpcCallTest, DeadlinePassedWhileQueuedNeverReachesTheBody) {
  auto busy = Occupy();
  auto late = Start("tok-admin", std::chrono::milliseconds(300));
  ASSERT_TRUE(Await([&] { return pool_.queued() == 1; }, absl::Seconds(10)));
  grpc::CallbackServerContext* server_side = service_.last_call.load();
  EXPECT_EQ(late->status.get().error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // The client gives up on its own clock; wait until the server's deadline
  // (a little later: it counts from arrival) has passed too.
  ASSERT_TRUE(Await(
      [&] {
        return server_side->IsCancelled() &&
               server_side->deadline() <= std::chrono::system_clock::now();
      },
      absl::Seconds(10)));

  service_.gate.Notify();  // the pool now picks the expired call up
  EXPECT_TRUE(busy->status.get().ok());
  ASSERT_TRUE(Await([&] { return Count("DEADLINE_EXCEEDED") == 1; }, absl::Seconds(10)));
  EXPECT_EQ(service_.body_runs.load(), 1) << "the expired call's body ran";
  EXPECT_EQ(pool_.queued(), 0u);
}

TEST_F(RpcCallTest, ClientCancelledWhileQueuedNeverReachesTheBody) {
  auto busy = Occupy();
  auto gone = Start("tok-admin");
  ASSERT_TRUE(Await([&] { return pool_.queued() == 1; }, absl::Seconds(10)));
  grpc::CallbackServerContext* server_side = service_.last_call.load();
  gone->context.TryCancel();
  EXPECT_EQ(gone->status.get().error_code(), grpc::StatusCode::CANCELLED);
  // The cancellation reaches the server asynchronously.
  ASSERT_TRUE(Await([&] { return server_side->IsCancelled(); }, absl::Seconds(10)));

  service_.gate.Notify();
  EXPECT_TRUE(busy->status.get().ok());
  ASSERT_TRUE(Await([&] { return Count("CANCELLED") == 1; }, absl::Seconds(10)));
  EXPECT_EQ(service_.body_runs.load(), 1) << "the cancelled call's body ran";
}

TEST_F(RpcCallTest, RoleNotAllowedIsPermissionDeniedWithoutWork) {
  service_.gate.Notify();
  const grpc::Status denied = Start("tok-agent")->status.get();
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  const grpc::Status unknown = Start("tok-nobody")->status.get();
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(service_.body_runs.load(), 0);
  EXPECT_EQ(Count("PERMISSION_DENIED"), 1);
  EXPECT_EQ(Count("UNAUTHENTICATED"), 1);

  EXPECT_TRUE(Start("tok-admin")->status.get().ok());
  EXPECT_EQ(service_.body_runs.load(), 1);
  EXPECT_EQ(Count("OK"), 1);
}

}  // namespace
}  // namespace sqms::runtime
