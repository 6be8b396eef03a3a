// GrpcServer: port 0, grpc.health.v1 via the default health service, and the
// drain on Shutdown. Health is called as a raw method (no health proto is
// shipped): HealthCheckRequest{} is empty; HealthCheckResponse{status:
// SERVING} is the bytes 08 01 (NOT_SERVING: 08 02).

#include "sqms/runtime/grpc_server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "gtest/gtest.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

using sqms::testing::Await;

// A raw callback service with one unary method, /test.Slow/Wait, that
// finishes `delay` after it starts (or when cancelled).
class SlowService : public grpc::Service {
 public:
  explicit SlowService(std::chrono::milliseconds delay) : delay_(delay) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        "/test.Slow/Wait", grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
    MarkMethodRawCallback(
        0, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
               [this](grpc::CallbackServerContext*, const grpc::ByteBuffer*,
                      grpc::ByteBuffer* response) {
                 grpc::Slice empty("", 0);
                 *response = grpc::ByteBuffer(&empty, 1);
                 return Start();
               }));
  }
  ~SlowService() override {
    for (auto& t : finishers_) t.join();
  }
  std::atomic<int> started{0};

 private:
  class Reactor : public grpc::ServerUnaryReactor {
   public:
    void FinishOnce(const grpc::Status& status) {
      if (!finished_.exchange(true)) Finish(status);
    }
    void OnCancel() override { FinishOnce(grpc::Status::CANCELLED); }
    void OnDone() override { delete this; }

   private:
    std::atomic<bool> finished_{false};
  };

  grpc::ServerUnaryReactor* Start() {
    auto* reactor = new Reactor();
    started.fetch_add(1);
    if (delay_.count() >= 0) {
      // Simulated work on its own thread, as a service's worker would do it.
      finishers_.emplace_back([reactor, delay = delay_] {
        std::this_thread::sleep_for(delay);
        reactor->FinishOnce(grpc::Status::OK);
      });
    }
    return reactor;
  }

  std::chrono::milliseconds delay_;  // negative: only cancellation ends a call
  std::vector<std::thread> finishers_;
};

class GrpcServerTest : public ::testing::Test {
 protected:
  void Connect(int port) {
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  // Calls `method` with an empty request; returns status and response bytes.
  std::pair<grpc::Status, std::string> Call(const std::string& method,
                                            std::chrono::seconds timeout = std::chrono::seconds(5)) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    grpc::Slice empty("", 0);
    grpc::ByteBuffer request(&empty, 1), response;  // a valid, empty message
    std::promise<grpc::Status> done;
    stub_->UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                     [&done](grpc::Status status) { done.set_value(std::move(status)); });
    grpc::Status status = done.get_future().get();
    std::string bytes;
    std::vector<grpc::Slice> slices;
    if (status.ok() && response.Dump(&slices).ok()) {
      for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
    return {status, bytes};
  }

  std::string Health() {
    auto [status, bytes] = Call("/grpc.health.v1.Health/Check");
    return status.ok() ? bytes : "error: " + status.error_message();
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

TEST_F(GrpcServerTest, PortZeroHealthServingAndNotServing) {
  GrpcServerOptions options;
  options.bind_address = "127.0.0.1:0";
  auto server = GrpcServer::Start(options, {});
  ASSERT_TRUE(server.ok()) << server.status();
  ASSERT_GT((*server)->port(), 0);
  Connect((*server)->port());
  EXPECT_EQ(Health(), std::string("\x08\x01", 2));
  (*server)->SetServing(false);
  EXPECT_EQ(Health(), std::string("\x08\x02", 2));
}

TEST_F(GrpcServerTest, BindFailureIsUnavailable) {
  GrpcServerOptions options;
  options.bind_address = "127.0.0.1:0";
  auto first = GrpcServer::Start(options, {});
  ASSERT_TRUE(first.ok());
  options.bind_address = "127.0.0.1:" + std::to_string((*first)->port());
  auto second = GrpcServer::Start(options, {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(GrpcServerTest, ShutdownDrainsCallsInFlight) {
  SlowService slow(std::chrono::milliseconds(300));
  GrpcServerOptions options;
  options.bind_address = "127.0.0.1:0";
  auto server = GrpcServer::Start(options, {&slow});
  ASSERT_TRUE(server.ok()) << server.status();
  Connect((*server)->port());
  auto call = std::async(std::launch::async, [&] { return Call("/test.Slow/Wait").first; });
  ASSERT_TRUE(Await([&] { return slow.started.load() == 1; }, absl::Seconds(5)));
  (*server)->Shutdown();  // returns once the call in flight has finished
  grpc::Status status = call.get();
  EXPECT_TRUE(status.ok()) << status.error_message();
  (*server)->Shutdown();  // idempotent
  EXPECT_FALSE(Call("/grpc.health.v1.Health/Check", std::chrono::seconds(1)).first.ok());
}

TEST_F(GrpcServerTest, ShutdownCancelsWhatOutlivesTheDrainTimeout) {
  SlowService stuck(std::chrono::milliseconds(-1));
  GrpcServerOptions options;
  options.bind_address = "127.0.0.1:0";
  options.drain_timeout = std::chrono::seconds(1);
  auto server = GrpcServer::Start(options, {&stuck});
  ASSERT_TRUE(server.ok()) << server.status();
  Connect((*server)->port());
  auto call = std::async(std::launch::async, [&] { return Call("/test.Slow/Wait").first; });
  ASSERT_TRUE(Await([&] { return stuck.started.load() == 1; }, absl::Seconds(5)));
  auto start = std::chrono::steady_clock::now();
  (*server)->Shutdown();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  EXPECT_FALSE(call.get().ok());
}

}  // namespace
}  // namespace sqms::runtime
