// Reliability (issue §6): Kafka down for 10 s, the service SIGKILLed
// mid-stream, Redis stopped. Each test runs on a fresh stack of its own.

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

class ReliabilityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StackOptions options;
    options.name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    options.redis_timeout_ms = 2000;
    auto stack = ComplaintsStack::Start(options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
  }
  // Submitted events of `ids` on the topic: id → their ce_ids.
  std::map<std::string, std::vector<std::string>> AwaitSubmitted(
      const std::set<std::string>& ids, absl::Duration timeout) {
    testing::TopicReader reader(stack_->kafka().bootstrap(), kComplaintsTopic);
    std::map<std::string, std::vector<std::string>> found;
    size_t scanned = 0;
    reader.ReadUntil(
        [&](const std::vector<runtime::ConsumedRecord>& rs) {
          for (; scanned < rs.size(); ++scanned) {
            const auto& r = rs[scanned];
            if (!ids.count(r.key)) continue;
            ev::ComplaintEvent e;
            if (!e.ParseFromString(r.value) || e.type() != ev::COMPLAINT_EVENT_TYPE_SUBMITTED) {
              continue;
            }
            EXPECT_EQ(r.Header("ce_id").value_or(""), e.event_id());
            found[r.key].push_back(e.event_id());
          }
          return found.size() == ids.size();
        },
        timeout);
    return found;
  }
  std::unique_ptr<ComplaintsStack> stack_;
};

TEST_F(ReliabilityTest, KafkaDownTenSecondsWhileThousandArriveAllDeliveredOnce) {
  constexpr int kCount = 1000, kThreads = 4;
  ASSERT_TRUE(stack_->kafka().AllBrokersDown().ok());
  const absl::Time down_at = absl::Now();
  std::vector<std::string> ids(kCount);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto stub = stack_->Complaints();
      // Spread over ~8 s, so they arrive during the outage, not in one burst.
      const absl::Duration gap = absl::Milliseconds(8000 * kThreads / kCount);
      for (int i = t; i < kCount; i += kThreads) {
        v1::SubmitComplaintResponse out;
        auto ctx = Ctx(Role::kService);
        grpc::Status s = stub->SubmitComplaint(ctx.get(), ValidSubmission("outage"), &out);
        if (!s.ok()) {
          ++failures;
          ADD_FAILURE() << "submission " << i << " during the outage: " << StatusText(s);
        }
        ids[i] = out.complaint().id();
        absl::SleepFor(gap);  // pacing the load, not waiting for a result
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  // Keep the brokers down for the full 10 s.
  absl::SleepFor(std::max(absl::ZeroDuration(), down_at + absl::Seconds(10) - absl::Now()));
  ASSERT_TRUE(stack_->kafka().AllBrokersUp().ok());

  std::set<std::string> wanted(ids.begin(), ids.end());
  wanted.erase("");
  ASSERT_EQ(wanted.size(), static_cast<size_t>(kCount));
  auto found = AwaitSubmitted(wanted, absl::Seconds(90));
  EXPECT_EQ(found.size(), wanted.size()) << "submitted events delivered after recovery";
  std::set<std::string> ce_ids;
  for (const auto& [id, events] : found) {
    EXPECT_EQ(events.size(), 1u) << id << " has " << events.size() << " submitted events";
    for (const auto& ce : events) EXPECT_TRUE(ce_ids.insert(ce).second) << "ce_id twice: " << ce;
  }
}

TEST_F(ReliabilityTest, SigkillMidStreamLosesNoAcknowledgedComplaint) {
  constexpr int kMax = 5000, kKillAfter = 300;
  auto stub = stack_->Complaints();
  auto ctx = Ctx(Role::kService, absl::Seconds(60));
  auto stream = stub->StreamComplaints(ctx.get());
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; i < kMax && !stop; ++i) {
      if (!stream->Write(ValidSubmission("kill"))) break;
    }
    stream->WritesDone();
  });
  std::set<std::string> acked;
  v1::StreamComplaintsResponse answer;
  while (stream->Read(&answer)) {
    if (answer.has_accepted()) acked.insert(answer.accepted().complaint().id());
    if (acked.size() == kKillAfter) stack_->KillService();  // mid-stream, acks in flight
  }
  stop = true;
  ctx->TryCancel();
  writer.join();
  stream->Finish();
  ASSERT_GE(acked.size(), static_cast<size_t>(kKillAfter));
  ASSERT_LT(acked.size(), static_cast<size_t>(kMax)) << "the kill came after the stream ended";

  ASSERT_TRUE(stack_->StartService().ok());
  auto after = stack_->Complaints();
  int missing = 0;
  for (const std::string& id : acked) {
    v1::GetComplaintRequest get;
    get.set_id(id);
    v1::Complaint c;
    auto get_ctx = Ctx(Role::kService);
    grpc::Status s = after->GetComplaint(get_ctx.get(), get, &c);
    if (!s.ok() && ++missing <= 5) ADD_FAILURE() << id << ": " << StatusText(s);
  }
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged complaints";
  auto found = AwaitSubmitted(acked, absl::Seconds(30));
  EXPECT_EQ(found.size(), acked.size()) << "acknowledged complaints whose event reached Kafka";
}

TEST_F(ReliabilityTest, RedisDownIsUnavailableWithinTheDeadlineAndRecovers) {
  auto stub = stack_->Complaints();
  v1::Complaint before = SubmitOk(*stub, ValidSubmission("redis-before"));
  ASSERT_FALSE(before.id().empty());
  stack_->redis().Stop();

  for (int attempt = 0; attempt < 3; ++attempt) {  // also once the client noticed
    SCOPED_TRACE(attempt);
    const absl::Time start = absl::Now();
    v1::SubmitComplaintResponse out;
    auto ctx = Ctx(Role::kService, absl::Seconds(5));
    grpc::Status s = stub->SubmitComplaint(ctx.get(), ValidSubmission("redis-down"), &out);
    const absl::Duration took = absl::Now() - start;
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << StatusText(s);
    EXPECT_LT(took, absl::Milliseconds(3500)) << "took " << took;
  }
  {
    v1::GetComplaintRequest get;
    get.set_id(before.id());
    v1::Complaint c;
    auto ctx = Ctx(Role::kService, absl::Seconds(5));
    grpc::Status s = stub->GetComplaint(ctx.get(), get, &c);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << StatusText(s);
  }

  ASSERT_TRUE(stack_->redis().Restart().ok());
  grpc::Status last;
  bool recovered = testing::Await(
      [&] {
        v1::SubmitComplaintResponse out;
        auto ctx = Ctx(Role::kService, absl::Seconds(5));
        last = stub->SubmitComplaint(ctx.get(), ValidSubmission("redis-after"), &out);
        return last.ok();
      },
      absl::Seconds(20), absl::Milliseconds(200));
  EXPECT_TRUE(recovered) << "still failing 20 s after Redis came back: " << StatusText(last);
  v1::GetComplaintRequest get;
  get.set_id(before.id());
  v1::Complaint c;
  auto ctx = Ctx(Role::kService);
  grpc::Status s = stub->GetComplaint(ctx.get(), get, &c);
  EXPECT_TRUE(s.ok()) << "the complaint acknowledged before the outage: " << StatusText(s);
}

}  // namespace
}  // namespace sqms::complaints::it
