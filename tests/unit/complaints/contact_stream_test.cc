// The ordered, pipelined bidi machinery (rpc/ordered_bidi_reactor.h) through
// StreamContactEvents on an in-process gRPC server: no port, no Redis (a
// fake store with random delays so items finish out of order).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "grpcpp/grpcpp.h"
#include "services/complaints/app/contact_intake.h"
#include "services/complaints/codec/contact_codec.h"
#include "services/complaints/codec/complaint_codec.h"
#include "services/complaints/rpc/contact_grpc_service.h"
#include "sqms/contact/v1/service.grpc.pb.h"
#include "tests/unit/complaints/domain/test_config.h"
#include "tests/unit/complaints/in_memory_contact_event_store.h"

namespace sqms::complaints::rpc {
namespace {

namespace ev = ::sqms::events::v1;
namespace cpb = ::sqms::contact::v1;

// The in-memory store behind a random delay, so items finish out of order.
class SlowStore : public complaints::testing::InMemoryContactEventStore {
 public:
  absl::StatusOr<ports::AppendOutcome> Append(const domain::ContactEvent& event,
                                              const domain::ContactRecord& basis,
                                              const std::string& fingerprint) override {
    int delay_us = 0;
    {
      std::lock_guard<std::mutex> lock(random_mu_);
      delay_us = static_cast<int>(random_() % 2000);
    }
    std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
    return InMemoryContactEventStore::Append(event, basis, fingerprint);
  }

 private:
  std::mutex random_mu_;
  std::mt19937 random_{42};
};

class ContactStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    stub_ = cpb::ContactEventService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override { server_->Shutdown(); }

  static ev::ContactEvent Event(int i, bool valid) {
    ev::ContactEvent e;
    e.set_event_id("e-" + std::to_string(i));
    e.set_contact_id(valid ? "call-" + std::to_string(i) : "");
    codec::ToProto(absl::Now(), e.mutable_occurred_at());
    e.mutable_call_answered()->set_wait_seconds(i);
    return e;
  }

  SlowStore store_;
  runtime::SystemClock clock_;
  app::TriageSource triage_{
      std::make_shared<const domain::Triage>(domain::test_support::TestTriageConfig())};
  app::ContactIntake intake_{store_, clock_, "test-pii-key", triage_};
  runtime::WorkerPool pool_{4};
  prometheus::Registry registry_;
  runtime::RpcMetrics metrics_{registry_};
  std::unique_ptr<runtime::TokenAuthenticator> auth_ = runtime::TokenAuthenticator::FromMap(
      {{"svc", {"gateway", runtime::Role::kService}}, {"agt", {"agent-1", runtime::Role::kAgent}}});
  ContactGrpcService service_{intake_, *auth_, pool_, metrics_};
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<cpb::ContactEventService::Stub> stub_;
};

TEST_F(ContactStreamTest, AcksEveryEventInOrderAndBadOnesDoNotEndTheStream) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer svc");
  auto stream = stub_->StreamContactEvents(&context);
  constexpr int kEvents = 300;
  std::thread writer([&] {
    for (int i = 0; i < kEvents; ++i) ASSERT_TRUE(stream->Write(Event(i, i % 7 != 3)));
    stream->WritesDone();
  });
  cpb::ContactEventAck ack;
  int received = 0;
  while (stream->Read(&ack)) {
    EXPECT_EQ(ack.sequence(), received);
    EXPECT_EQ(ack.event_id(), "e-" + std::to_string(received));
    const bool valid = received % 7 != 3;
    EXPECT_EQ(ack.status().code(), valid ? 0 : grpc::StatusCode::INVALID_ARGUMENT) << received;
    EXPECT_EQ(ack.status().details_size(), valid ? 0 : 1);  // BadRequest
    ++received;
  }
  writer.join();
  EXPECT_EQ(received, kEvents);
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(store_.size(), static_cast<size_t>(kEvents - (kEvents + 3) / 7));
}

TEST_F(ContactStreamTest, RoleAndTokenAreChecked) {
  for (const auto& [token, code] : {std::pair{"agt", grpc::StatusCode::PERMISSION_DENIED},
                                    std::pair{"nope", grpc::StatusCode::UNAUTHENTICATED}}) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", std::string("Bearer ") + token);
    auto stream = stub_->StreamContactEvents(&context);
    cpb::ContactEventAck ack;
    EXPECT_FALSE(stream->Read(&ack));
    EXPECT_EQ(stream->Finish().error_code(), code);
  }
}

TEST_F(ContactStreamTest, ClientCancelMidStreamIsClean) {
  for (int round = 0; round < 20; ++round) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer svc");
    auto stream = stub_->StreamContactEvents(&context);
    // A real client reads while it writes (the server reads at most 32
    // ahead of its answers), so write from another thread.
    std::thread writer([&] {
      for (int i = 0; i < 40 && stream->Write(Event(round * 100 + i, true)); ++i) {
      }
    });
    cpb::ContactEventAck ack;
    EXPECT_TRUE(stream->Read(&ack));
    context.TryCancel();
    while (stream->Read(&ack)) {
    }
    writer.join();
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
}

}  // namespace
}  // namespace sqms::complaints::rpc
