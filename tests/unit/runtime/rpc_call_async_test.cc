// runtime::RunUnaryAsync on an in-process gRPC server (127.0.0.1, port 0)
// with a test-only raw method, /test.Async/Do, whose body parks its `done`
// for the test to call from a thread of its own — as a Redis I/O thread
// would. Shows that a pending call holds no pool thread, that the call is
// answered, counted and logged from the completion, that a second `done` is
// ignored, that admission is RunUnary's, and that TrackedPool waits for
// completions still to come and counts them against its bound.

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/rpc_call.h"
#include "tests/support/metric_value.h"
#include "tests/support/raw_unary.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

using sqms::testing::Await;
using sqms::testing::RawUnaryCall;

const Roles kAdminsOnly{Role::kAdmin};
constexpr RpcMethod kDo{"test.Async", "Do", &kAdminsOnly};

// The body fills the response and parks `done`; the test completes it.
class AsyncService : public grpc::Service {
 public:
  AsyncService(const TokenAuthenticator& auth, WorkerPool& pool, RpcMetrics& metrics)
      : support_{auth, pool_, metrics}, pool_(pool) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        "/test.Async/Do", grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
    MarkMethodRawCallback(
        0, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
               [this](grpc::CallbackServerContext* call, const grpc::ByteBuffer*,
                      grpc::ByteBuffer* response) {
                 return RunUnaryAsync(support_, call, kDo,
                                      [this, response](const Principal&, UnaryDone done) {
                                        grpc::Slice empty("", 0);
                                        *response = grpc::ByteBuffer(&empty, 1);
                                        absl::MutexLock lock(&mu_);
                                        parked_.push_back(std::move(done));
                                      });
               }));
  }

  int parked() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(parked_.size());
  }
  // Takes the oldest parked `done`.
  UnaryDone Take() {
    absl::MutexLock lock(&mu_);
    UnaryDone done = std::move(parked_.front());
    parked_.erase(parked_.begin());
    return done;
  }

 private:
  absl::Mutex mu_;
  std::vector<UnaryDone> parked_ ABSL_GUARDED_BY(mu_);
  const CallSupport support_;
  TrackedPool pool_;  // last: waits for the tasks and completions
};

class RpcCallAsyncTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start(&service_).ok()); }
  void TearDown() override {
    while (service_.parked() > 0) service_.Take()(absl::CancelledError("test over"));
    server_.Stop();
  }

  // An asynchronous call of /test.Async/Do; its `status` yields the outcome.
  std::unique_ptr<RawUnaryCall> Start(const std::string& token) {
    return server_.Call("/test.Async/Do", token);
  }

  double Count(const std::string& code) {
    return sqms::testing::MetricValue(registry_, "sqms_rpc_requests_total",
                                      {{"service", "test.Async"}, {"method", "Do"}, {"code", code}});
  }

  std::unique_ptr<TokenAuthenticator> auth_ = TokenAuthenticator::FromMap(
      {{"tok-admin", {"ada", Role::kAdmin}}, {"tok-agent", {"ann", Role::kAgent}}});
  prometheus::Registry registry_;
  RpcMetrics metrics_{registry_};
  WorkerPool pool_{1, /*max_queued=*/1};
  AsyncService service_{*auth_, pool_, metrics_};
  sqms::testing::RawUnaryServer server_;
};

TEST_F(RpcCallAsyncTest, PendingCallsHoldNoThreadAndFinishFromTheCompletion) {
  // One pool thread and a queue of one, yet three calls are pending at
  // once: a body gives its thread back as soon as it started its work (a
  // blocking body would hold the thread, queue the second call and refuse
  // the third).
  auto first = Start("tok-admin");
  ASSERT_TRUE(Await([&] { return service_.parked() == 1; }, absl::Seconds(10)));
  auto second = Start("tok-admin");
  ASSERT_TRUE(Await([&] { return service_.parked() == 2; }, absl::Seconds(10)));
  auto third = Start("tok-admin");
  ASSERT_TRUE(Await([&] { return service_.parked() == 3; }, absl::Seconds(10)));
  EXPECT_EQ(pool_.queued(), 0u);

  // Completed from another thread, out of order.
  UnaryDone a = service_.Take(), b = service_.Take(), c = service_.Take();
  std::thread io([&] {
    c(absl::NotFoundError("no such thing"));
    a(absl::OkStatus());
    b(absl::UnavailableError("store down"));
  });
  io.join();
  EXPECT_TRUE(first->status.get().ok());
  EXPECT_EQ(second->status.get().error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(third->status.get().error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Count("OK"), 1);
  EXPECT_EQ(Count("NOT_FOUND"), 1);
  EXPECT_EQ(Count("UNAVAILABLE"), 1);
}

TEST_F(RpcCallAsyncTest, ASecondDoneIsIgnored) {
  auto call = Start("tok-admin");
  ASSERT_TRUE(Await([&] { return service_.parked() == 1; }, absl::Seconds(10)));
  UnaryDone done = service_.Take();
  done(absl::OkStatus());
  done(absl::InternalError("again"));
  EXPECT_TRUE(call->status.get().ok());
  EXPECT_EQ(Count("OK"), 1);
  EXPECT_EQ(Count("INTERNAL"), 0);
}

TEST_F(RpcCallAsyncTest, AdmissionIsRunUnarys) {
  EXPECT_EQ(Start("tok-agent")->status.get().error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Start("tok-nobody")->status.get().error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(service_.parked(), 0) << "a refused call reached its body";
  EXPECT_EQ(Count("PERMISSION_DENIED"), 1);
  EXPECT_EQ(Count("UNAUTHENTICATED"), 1);
}

TEST(TrackedPoolTest, TheDestructorWaitsForEveryHold) {
  WorkerPool pool(1);
  auto tracked = std::make_unique<TrackedPool>(pool);
  std::shared_ptr<const void> hold = tracked->Hold();
  std::shared_ptr<const void> copy = hold;  // a completion may be copied
  std::atomic<bool> destroyed{false};
  std::thread owner([&] {
    tracked.reset();
    destroyed.store(true);
  });
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_FALSE(destroyed.load()) << "destroyed with a completion still to come";
  hold.reset();
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_FALSE(destroyed.load()) << "a copy of the hold still exists";
  copy.reset();
  owner.join();
  EXPECT_TRUE(destroyed.load());
}

TEST(TrackedPoolTest, OutstandingWorkIsBoundedHoldsIncluded) {
  WorkerPool pool(1);
  TrackedPool tracked(pool, /*max_outstanding=*/2);
  std::shared_ptr<const void> first = tracked.Hold();
  std::shared_ptr<const void> second = tracked.Hold();
  std::atomic<int> ran{0};
  EXPECT_FALSE(tracked.TrySubmit([&ran] { ran.fetch_add(1); }))
      << "two completions still to come: new work must be refused";
  second.reset();
  EXPECT_TRUE(tracked.TrySubmit([&ran] { ran.fetch_add(1); }));
  first.reset();
  ASSERT_TRUE(Await([&] { return ran.load() == 1; }, absl::Seconds(10)));
}

}  // namespace
}  // namespace sqms::runtime
