// Connection plumbing shared by sqmsctl and sqms-loadgen: one channel to the
// SQMS gRPC endpoint and per-call contexts carrying the bearer token.
#pragma once

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace sqms::tools {

struct ClientOptions {
  std::string server = "127.0.0.1:50051";  // host:port, plaintext
  std::string token;                       // bearer token; empty: none sent
  double timeout_seconds = 10;             // per unary call; <= 0: none
};

// Returns an insecure channel to options.server with message limits large
// enough for a full ListComplaints page. Never fails; connection errors
// surface on the first call (UNAVAILABLE).
std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options);

// Like MakeChannel, but with its own TCP connection instead of one shared
// with other channels to the same server: load generators use one per
// stream to spread work over the server's I/O threads.
std::shared_ptr<grpc::Channel> MakeDedicatedChannel(const ClientOptions& options);

// Adds "authorization: Bearer <token>" when a token is set, and a deadline of
// options.timeout_seconds from now when with_deadline and it is positive.
void PrepareContext(const ClientOptions& options, bool with_deadline, grpc::ClientContext& context);

// Drives a bidirectional stream: a writer thread sends every request then
// half-closes while the calling thread hands each response to on_response in
// order. Returns the stream's final status. Writing stops early when the
// stream breaks; the remaining requests are never sent.
template <typename Request, typename Response>
grpc::Status RunBidiStream(grpc::ClientReaderWriter<Request, Response>& stream,
                           const std::vector<Request>& requests,
                           const std::function<void(const Response&)>& on_response) {
  std::thread writer([&stream, &requests] {
    for (const Request& request : requests) {
      if (!stream.Write(request)) break;
    }
    stream.WritesDone();
  });
  Response response;
  while (stream.Read(&response)) on_response(response);
  writer.join();
  return stream.Finish();
}

}  // namespace sqms::tools
