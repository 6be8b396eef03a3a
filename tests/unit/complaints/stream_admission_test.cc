// Back-pressure and departed clients on an ordered intake stream
// (runtime::OpenOrderedStream through StreamContactEvents, in-process, no
// Redis): an item read while the worker queue is full is answered
// RESOURCE_EXHAUSTED with RetryInfo (not queued, the stream goes on), and
// items still queued when the client leaves are never handled.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include "tests/support/metric_value.h"
#include "absl/synchronization/notification.h"
#include "google/rpc/error_details.pb.h"
#include "grpcpp/grpcpp.h"
#include "services/complaints/app/contact_intake.h"
#include "services/complaints/codec/complaint_codec.h"
#include "services/complaints/rpc/contact_grpc_service.h"
#include "sqms/contact/v1/service.grpc.pb.h"
#include "tests/support/support.h"
#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::rpc {
namespace {

namespace ev = ::sqms::events::v1;
namespace cpb = ::sqms::contact::v1;
using sqms::testing::Await;

// Every Append waits for the gate; counts the appends that started.
class GatedStore : public ports::ContactEventStore {
 public:
  absl::StatusOr<ports::ContactLookup> Load(const std::string&, const std::string&) override {
    return ports::ContactLookup{};
  }
  absl::StatusOr<ports::AppendOutcome> Append(const domain::ContactEvent&,
                                              const domain::ContactRecord&,
                                              const std::string&) override {
    appends.fetch_add(1);
    gate.WaitForNotification();
    return ports::AppendOutcome{};
  }
  absl::StatusOr<ports::EventIdBinding> BindEventId(const std::string&,
                                                    const std::string& contact_id) override {
    return ports::EventIdBinding{contact_id, true};
  }
  absl::Status ReleaseEventId(const std::string&, const std::string&) override {
    return absl::OkStatus();
  }
  std::atomic<int> appends{0};
  absl::Notification gate;
};

class StreamAdmissionTest : public ::testing::Test {
 protected:
  void Build(size_t max_queued) {
    pool_ = std::make_unique<runtime::WorkerPool>(1, max_queued);
    service_ = std::make_unique<ContactGrpcService>(intake_, *auth_, *pool_, metrics_);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = cpb::ContactEventService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    if (!store_.gate.HasBeenNotified()) store_.gate.Notify();
    if (server_) server_->Shutdown();
    service_.reset();  // waits for its pool tasks
    pool_.reset();
  }

  static ev::ContactEvent Event(int i) {
    ev::ContactEvent e;
    e.set_event_id("e-" + std::to_string(i));
    e.set_contact_id("call-" + std::to_string(i));  // all different: no ordering waits
    codec::ToProto(absl::Now(), e.mutable_occurred_at());
    e.mutable_call_answered()->set_wait_seconds(i);
    return e;
  }

  // sqms_rpc_requests_total for StreamContactEvents<suffix> with `code`.
  double Count(const std::string& suffix, const std::string& code) {
    return sqms::testing::MetricValue(registry_, "sqms_rpc_requests_total",
                                      {{"method", "StreamContactEvents" + suffix}, {"code", code}});
  }

  GatedStore store_;
  runtime::SystemClock clock_;
  app::TriageSource triage_{
      std::make_shared<const domain::Triage>(domain::test_support::TestTriageConfig())};
  app::ContactIntake intake_{store_, clock_, "test-pii-key", triage_};
  prometheus::Registry registry_;
  runtime::RpcMetrics metrics_{registry_};
  std::unique_ptr<runtime::TokenAuthenticator> auth_ =
      runtime::TokenAuthenticator::FromMap({{"svc", {"gateway", runtime::Role::kService}}});
  std::unique_ptr<runtime::WorkerPool> pool_;
  std::unique_ptr<ContactGrpcService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<cpb::ContactEventService::Stub> stub_;
};

TEST_F(StreamAdmissionTest, ItemReadWhileThePoolIsFullIsRefusedWithRetryInfo) {
  Build(/*max_queued=*/1);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer svc");
  auto stream = stub_->StreamContactEvents(&context);
  ASSERT_TRUE(stream->Write(Event(0)));  // occupies the only worker
  ASSERT_TRUE(Await([&] { return store_.appends.load() == 1; }, absl::Seconds(10)));
  ASSERT_TRUE(stream->Write(Event(1)));  // fills the queue
  ASSERT_TRUE(Await([&] { return pool_->queued() == 1; }, absl::Seconds(10)));
  ASSERT_TRUE(stream->Write(Event(2)));  // refused
  ASSERT_TRUE(Await([&] { return Count(".item", "RESOURCE_EXHAUSTED") == 1; }, absl::Seconds(10)));
  EXPECT_EQ(pool_->queued(), 1u) << "the refused item was queued";
  store_.gate.Notify();
  ASSERT_TRUE(stream->WritesDone());

  cpb::ContactEventAck ack;
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(stream->Read(&ack));
    EXPECT_EQ(ack.sequence(), i);
    EXPECT_EQ(ack.status().code(), 0) << ack.status().message();
  }
  ASSERT_TRUE(stream->Read(&ack));
  EXPECT_EQ(ack.sequence(), 2);
  EXPECT_EQ(ack.status().code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  ASSERT_EQ(ack.status().details_size(), 1);
  google::rpc::RetryInfo retry;
  EXPECT_TRUE(ack.status().details(0).UnpackTo(&retry));
  EXPECT_FALSE(stream->Read(&ack));
  EXPECT_TRUE(stream->Finish().ok()) << "a refused item must not end the stream";
  EXPECT_EQ(store_.appends.load(), 2);
  EXPECT_EQ(Count(".item", "OK"), 2);
}

TEST_F(StreamAdmissionTest, ItemsQueuedWhenTheClientLeftAreNeverHandled) {
  Build(runtime::WorkerPool::kUnbounded);
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer svc");
  auto stream = stub_->StreamContactEvents(&context);
  ASSERT_TRUE(stream->Write(Event(0)));  // occupies the only worker
  ASSERT_TRUE(Await([&] { return store_.appends.load() == 1; }, absl::Seconds(10)));
  ASSERT_TRUE(stream->Write(Event(1)));
  ASSERT_TRUE(stream->Write(Event(2)));
  ASSERT_TRUE(Await([&] { return pool_->queued() == 2; }, absl::Seconds(10)));

  context.TryCancel();
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  // The server saw the cancellation (the stream's own observation is made
  // in OnDone, after it did) before the queued items get a worker.
  ASSERT_TRUE(Await([&] { return Count("", "CANCELLED") == 1; }, absl::Seconds(10)));
  store_.gate.Notify();
  ASSERT_TRUE(Await([&] { return Count(".item", "CANCELLED") == 2; }, absl::Seconds(10)));
  EXPECT_EQ(store_.appends.load(), 1) << "an item of a departed client was handled";
}

}  // namespace
}  // namespace sqms::complaints::rpc
