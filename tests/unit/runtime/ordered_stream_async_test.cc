// OrderedBidiReactor with an asynchronous handler (OrderedStreamSpec::
// handle_async), on an in-process gRPC server (127.0.0.1, port 0) with a
// test-only bidi method, /test.Stream/Go (google.protobuf.StringValue both
// ways). The handler parks each item's `done`; the test completes them from
// a thread of its own, as a Redis I/O thread would. Shows, for a handler
// started on the pool and on the gRPC thread: answers in read order however
// the completions come, the bound on outstanding work refusing an item
// started on the gRPC thread, and a client that leaves with items pending.

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/wrappers.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/impl/rpc_method.h"
#include "grpcpp/impl/service_type.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/ordered_bidi_reactor.h"
#include "tests/support/metric_value.h"
#include "tests/support/support.h"

namespace sqms::runtime {
namespace {

using google::protobuf::StringValue;
using sqms::testing::Await;
using Reactor = OrderedBidiReactor<StringValue, StringValue>;

const Roles kServices{Role::kService};
constexpr RpcMethod kGo{"test.Stream", "Go", &kServices};

// Echoes each item ("<sequence>:<value>", or "<sequence>:error <code>")
// once the test completes it.
class StreamService : public grpc::Service {
 public:
  StreamService(const TokenAuthenticator& auth, WorkerPool& pool, RpcMetrics& metrics,
                Reactor::StartOn start_on, size_t max_outstanding)
      : support_{auth, pool_, metrics}, pool_(pool, max_outstanding) {
    AddMethod(new grpc::internal::RpcServiceMethod(
        "/test.Stream/Go", grpc::internal::RpcMethod::BIDI_STREAMING, nullptr));
    MarkMethodCallback(
        0, new grpc::internal::CallbackBidiHandler<StringValue, StringValue>(
               [this, start_on](grpc::CallbackServerContext* call) {
                 OrderedStreamSpec<StringValue, StringValue> spec;
                 spec.handle_async = [this](const Principal&, StringValue& request,
                                            StringValue& response, Reactor::ItemDone done) {
                   response.set_value(request.value());
                   absl::MutexLock lock(&mu_);
                   parked_.emplace_back(request.value(), std::move(done));
                 };
                 spec.answer = [](int64_t sequence, const absl::Status& status,
                                  StringValue& response) {
                   const std::string value =
                       status.ok() ? response.value()
                                   : absl::StrCat("error ", static_cast<int>(status.code()));
                   response.set_value(absl::StrCat(sequence, ":", value));
                 };
                 spec.start_on = start_on;
                 return OpenOrderedStream(support_, call, kGo, std::move(spec));
               }));
  }

  int parked() {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(parked_.size());
  }
  // The completion of the index-th item parked.
  Reactor::ItemDone Take(size_t index) {
    absl::MutexLock lock(&mu_);
    Reactor::ItemDone done = std::move(parked_[index].second);
    parked_[index].second = nullptr;
    return done;
  }
  // The completion of the item `value`. Items read back to back may park in
  // another order: on the gRPC thread the next read starts while an item is
  // being handled, and two gRPC threads may run two items at once.
  Reactor::ItemDone Take(const std::string& value) {
    absl::MutexLock lock(&mu_);
    for (auto& [parked_value, done] : parked_) {
      if (parked_value == value && done) return std::move(done);
    }
    return nullptr;
  }
  // Completes every item not completed yet (CANCELLED).
  void CompleteRest() {
    std::vector<std::pair<std::string, Reactor::ItemDone>> rest;
    {
      absl::MutexLock lock(&mu_);
      rest.swap(parked_);
    }
    for (auto& [value, done] : rest) {
      if (done) done(absl::CancelledError("test over"));
    }
  }

 private:
  absl::Mutex mu_;
  std::vector<std::pair<std::string, Reactor::ItemDone>> parked_ ABSL_GUARDED_BY(mu_);
  const CallSupport support_;
  TrackedPool pool_;  // last: waits for the tasks and completions
};

class OrderedStreamAsyncTest : public ::testing::TestWithParam<Reactor::StartOn> {
 protected:
  void Build(size_t max_outstanding = WorkerPool::kUnbounded) {
    service_ = std::make_unique<StreamService>(*auth_, pool_, metrics_, GetParam(),
                                               max_outstanding);
    GrpcServerOptions options;
    options.bind_address = "127.0.0.1:0";
    auto server = GrpcServer::Start(options, {service_.get()});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_->port()),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override {
    if (service_) service_->CompleteRest();
    server_.reset();
    service_.reset();  // waits for every completion
  }

  using Stream = grpc::ClientReaderWriter<StringValue, StringValue>;
  std::unique_ptr<Stream> Open(grpc::ClientContext& context) {
    context.AddMetadata("authorization", "Bearer tok-svc");
    const grpc::internal::RpcMethod method(
        "/test.Stream/Go", grpc::internal::RpcMethod::BIDI_STREAMING, channel_);
    return std::unique_ptr<Stream>(
        grpc::internal::ClientReaderWriterFactory<StringValue, StringValue>::Create(
            channel_.get(), method, &context));
  }
  static StringValue Item(const std::string& value) {
    StringValue v;
    v.set_value(value);
    return v;
  }
  double Count(const std::string& code) {
    return sqms::testing::MetricValue(
        registry_, "sqms_rpc_requests_total",
        {{"service", "test.Stream"}, {"method", "Go.item"}, {"code", code}});
  }

  std::unique_ptr<TokenAuthenticator> auth_ =
      TokenAuthenticator::FromMap({{"tok-svc", {"gateway", Role::kService}}});
  prometheus::Registry registry_;
  RpcMetrics metrics_{registry_};
  WorkerPool pool_{1};
  std::unique_ptr<StreamService> service_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_P(OrderedStreamAsyncTest, AnswersInReadOrderHoweverTheCompletionsCome) {
  Build();
  grpc::ClientContext context;
  auto stream = Open(context);
  for (const char* value : {"a", "b", "c"}) ASSERT_TRUE(stream->Write(Item(value)));
  // One pool thread, three items pending at once: none holds a thread.
  ASSERT_TRUE(Await([&] { return service_->parked() == 3; }, absl::Seconds(10)));
  Reactor::ItemDone a = service_->Take("a"), b = service_->Take("b"), c = service_->Take("c");
  ASSERT_TRUE(a && b && c);
  std::thread io([&] {
    c(absl::OkStatus());
    a(absl::OkStatus());
    b(absl::NotFoundError("no b"));
  });
  io.join();
  ASSERT_TRUE(stream->WritesDone());
  StringValue answer;
  std::vector<std::string> answers;
  while (stream->Read(&answer)) answers.push_back(answer.value());
  EXPECT_EQ(answers, (std::vector<std::string>{"0:a", "1:error 5", "2:c"}));
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(Count("OK"), 2);
  EXPECT_EQ(Count("NOT_FOUND"), 1);
}

// Started on the gRPC thread only: on the pool an item's task and its hold
// overlap for a moment, so the count at the next read is not deterministic
// there; the bound itself is TrackedPoolTest's (rpc_call_async_test.cc).
using OrderedStreamAsyncOnGrpcThreadTest = OrderedStreamAsyncTest;

TEST_P(OrderedStreamAsyncOnGrpcThreadTest, BeyondTheOutstandingBoundAnItemIsRefused) {
  Build(/*max_outstanding=*/2);
  grpc::ClientContext context;
  auto stream = Open(context);
  ASSERT_TRUE(stream->Write(Item("a")));
  ASSERT_TRUE(Await([&] { return service_->parked() == 1; }, absl::Seconds(10)));
  ASSERT_TRUE(stream->Write(Item("b")));
  ASSERT_TRUE(Await([&] { return service_->parked() == 2; }, absl::Seconds(10)));
  ASSERT_TRUE(stream->Write(Item("c")));  // two completions still to come
  ASSERT_TRUE(Await([&] { return Count("RESOURCE_EXHAUSTED") == 1; }, absl::Seconds(10)));
  EXPECT_EQ(service_->parked(), 2) << "the refused item reached the handler";
  service_->Take(0)(absl::OkStatus());
  service_->Take(1)(absl::OkStatus());
  ASSERT_TRUE(stream->WritesDone());
  StringValue answer;
  std::vector<std::string> answers;
  while (stream->Read(&answer)) answers.push_back(answer.value());
  EXPECT_EQ(answers, (std::vector<std::string>{"0:a", "1:b", "2:error 8"}));
  EXPECT_TRUE(stream->Finish().ok()) << "a refused item must not end the stream";
}

TEST_P(OrderedStreamAsyncTest, AClientThatLeftIsNotAnsweredAndItsCompletionsAreSafe) {
  Build();
  grpc::ClientContext context;
  auto stream = Open(context);
  ASSERT_TRUE(stream->Write(Item("a")));
  ASSERT_TRUE(Await([&] { return service_->parked() == 1; }, absl::Seconds(10)));
  context.TryCancel();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The reactor outlives the call until its last item is answered: a
  // completion after the client left touches no freed memory (ASan).
  Reactor::ItemDone a = service_->Take(0);
  std::thread io([&] { a(absl::OkStatus()); });
  io.join();
  ASSERT_TRUE(Await([&] { return Count("OK") == 1; }, absl::Seconds(10)));
}

INSTANTIATE_TEST_SUITE_P(StartOn, OrderedStreamAsyncTest,
                         ::testing::Values(Reactor::StartOn::kPool,
                                           Reactor::StartOn::kGrpcThread),
                         [](const ::testing::TestParamInfo<Reactor::StartOn>& info) {
                           return info.param == Reactor::StartOn::kPool ? std::string("Pool")
                                                                        : std::string("GrpcThread");
                         });

INSTANTIATE_TEST_SUITE_P(StartOn, OrderedStreamAsyncOnGrpcThreadTest,
                         ::testing::Values(Reactor::StartOn::kGrpcThread),
                         [](const ::testing::TestParamInfo<Reactor::StartOn>&) {
                           return std::string("GrpcThread");
                         });

}  // namespace
}  // namespace sqms::runtime
