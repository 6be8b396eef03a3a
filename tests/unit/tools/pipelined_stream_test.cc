// The load generator's stream driver (tools/loadgen/pipelined_stream.h)
// against an in-process server that answers each event in order, or ends
// the stream with an error after a number of answers.
#include "tools/loadgen/pipelined_stream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "sqms/contact/v1/service.grpc.pb.h"

namespace sqms::loadgen {
namespace {

namespace cpb = ::sqms::contact::v1;
using events::v1::ContactEvent;

// Acknowledges each event with its id, in order; after `fail_after`
// answers (if >= 0) ends the stream with RESOURCE_EXHAUSTED instead.
class AckingService final : public cpb::ContactEventService::Service {
 public:
  explicit AckingService(int fail_after) : fail_after_(fail_after) {}

  grpc::Status StreamContactEvents(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<cpb::ContactEventAck, ContactEvent>* stream) override {
    ContactEvent event;
    for (int n = 0; stream->Read(&event); ++n) {
      if (n == fail_after_) return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "enough");
      cpb::ContactEventAck ack;
      ack.set_sequence(n);
      ack.set_event_id(event.event_id());
      if (!stream->Write(ack)) break;
    }
    return grpc::Status::OK;
  }

 private:
  const int fail_after_;
};

class PipelinedStreamTest : public ::testing::Test {
 protected:
  void Serve(int fail_after) {
    server_.reset();  // the last one first: it serves service_
    service_ = std::make_unique<AckingService>(fail_after);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    stub_ = cpb::ContactEventService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // Runs `plan` and records every answer's event id and latency.
  StreamOutcome Run(const StreamPlan& plan) {
    grpc::ClientContext context;
    return RunPipelinedStream<ContactEvent, cpb::ContactEventAck>(
        context,
        [this](grpc::ClientContext* c, auto* r) { stub_->async()->StreamContactEvents(c, r); },
        plan, [](int64_t i, ContactEvent* e) { e->set_event_id("e-" + std::to_string(i)); },
        [this](const cpb::ContactEventAck& ack, int64_t latency_ns) {
          answered_ids_.push_back(ack.event_id());
          latencies_ns_.push_back(latency_ns);
        });
  }

  std::unique_ptr<AckingService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<cpb::ContactEventService::Stub> stub_;
  std::vector<std::string> answered_ids_;
  std::vector<int64_t> latencies_ns_;
};

TEST_F(PipelinedStreamTest, EveryRequestIsAnsweredInOrderWithItsLatency) {
  Serve(/*fail_after=*/-1);
  const StreamOutcome outcome = Run(StreamPlan{.count = 2000, .inflight = 8, .rate_per_s = 0});
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  EXPECT_EQ(outcome.sent, 2000);
  EXPECT_EQ(outcome.answered, 2000);
  ASSERT_EQ(answered_ids_.size(), 2000u);
  for (size_t i = 0; i < answered_ids_.size(); ++i) {
    ASSERT_EQ(answered_ids_[i], "e-" + std::to_string(i));
    ASSERT_GT(latencies_ns_[i], 0) << "answer " << i;
  }
}

TEST_F(PipelinedStreamTest, AWindowOfOneStillAnswersEverything) {
  Serve(/*fail_after=*/-1);
  const StreamOutcome outcome = Run(StreamPlan{.count = 50, .inflight = 1, .rate_per_s = 0});
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  EXPECT_EQ(outcome.answered, 50);
}

TEST_F(PipelinedStreamTest, APacedStreamSpreadsItsRequestsOverTheirMoments) {
  Serve(/*fail_after=*/-1);
  const auto start = std::chrono::steady_clock::now();
  // Request i goes out no earlier than i / 2,000 s after the start.
  const StreamOutcome outcome = Run(StreamPlan{.count = 201, .inflight = 8, .rate_per_s = 2000});
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  EXPECT_TRUE(outcome.status.ok()) << outcome.status.error_message();
  EXPECT_EQ(outcome.answered, 201);
}

TEST_F(PipelinedStreamTest, AStreamTheServerEndsReturnsItsStatusAndWhatWasAnswered) {
  for (double rate : {0.0, 5000.0}) {  // the pacer stops too
    SCOPED_TRACE(rate);
    Serve(/*fail_after=*/10);
    answered_ids_.clear();
    const StreamOutcome outcome =
        Run(StreamPlan{.count = 1000, .inflight = 4, .rate_per_s = rate});
    EXPECT_EQ(outcome.status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_EQ(outcome.answered, 10);
    EXPECT_EQ(answered_ids_.size(), 10u);
    EXPECT_GE(outcome.sent, 10);
    EXPECT_LT(outcome.sent, 1000);
  }
}

}  // namespace
}  // namespace sqms::loadgen
