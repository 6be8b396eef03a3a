#pragma once
// Test support for the runtime's RPC helpers (RunUnary, RunUnaryAsync),
// tested without a proto: a raw unary method (empty request and response)
// on an in-process GrpcServer bound to 127.0.0.1:0, called through gRPC's
// generic stub. Header-only; used by tests/unit/runtime/rpc_call_async_test
// and tests/integration/runtime/rpc_call_test.
//
//   RawUnaryServer server;
//   ASSERT_TRUE(server.Start(&service).ok());
//   auto call = server.Call("/test.Work/Do", "tok-admin");
//   EXPECT_TRUE(call->status.get().ok());

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "sqms/runtime/grpc_server.h"

namespace sqms::testing {

// One call in flight; `status` yields its outcome. Must outlive the call
// (wait for `status` before destroying it).
struct RawUnaryCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request, response;
  std::promise<grpc::Status> done;
  std::future<grpc::Status> status = done.get_future();
};

class RawUnaryServer {
 public:
  // Serves `service` (which must outlive this) on 127.0.0.1:0.
  absl::Status Start(grpc::Service* service) {
    runtime::GrpcServerOptions options;
    options.bind_address = "127.0.0.1:0";
    auto server = runtime::GrpcServer::Start(options, {service});
    if (!server.ok()) return server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
    return absl::OkStatus();
  }
  // Shuts the server down (waits for its calls, within its drain timeout).
  void Stop() { server_.reset(); }

  // Starts `method` ("/pkg.Service/Method") with a bearer `token`.
  std::unique_ptr<RawUnaryCall> Call(
      const std::string& method, const std::string& token,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto call = std::make_unique<RawUnaryCall>();
    call->context.set_deadline(std::chrono::system_clock::now() + timeout);
    call->context.AddMetadata("authorization", "Bearer " + token);
    grpc::Slice empty("", 0);
    call->request = grpc::ByteBuffer(&empty, 1);
    RawUnaryCall* raw = call.get();
    stub_->UnaryCall(&raw->context, method, grpc::StubOptions(), &raw->request, &raw->response,
                     [raw](grpc::Status status) { raw->done.set_value(std::move(status)); });
    return call;
  }

 private:
  std::unique_ptr<runtime::GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
};

}  // namespace sqms::testing
