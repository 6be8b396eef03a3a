// The service on a Redis Cluster (issue 6 §4): complaints submitted
// continuously while a shard's slot migrates to another primary and while a
// primary fails over; every complaint the service acknowledged is readable
// afterwards; retries stay exact though an idempotency key and its
// complaint live in different slots.

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "libs/runtime/src/redis_slot.h"
#include "tests/integration/complaints/service_fixture.h"
#include "tests/support/redis_cluster.h"

namespace sqms::complaints::it {
namespace {

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    auto cluster = testing::RedisCluster::Start(testing::MakeTestDir(name + "-cluster"));
    ASSERT_TRUE(cluster.ok()) << cluster.status();
    cluster_ = *std::move(cluster);
    StackOptions options;
    options.name = name;
    options.shards = 8;
    options.redis_mode = "cluster";
    options.redis_address = cluster_->Seeds();
    auto stack = ComplaintsStack::Start(options);
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
  }
  void TearDown() override {
    stack_.reset();  // the service first, while its Redis is still there
    cluster_.reset();
  }

  std::unique_ptr<testing::RedisCluster> cluster_;
  std::unique_ptr<ComplaintsStack> stack_;
};

TEST_F(ClusterTest, AcknowledgedComplaintsSurviveASlotMigrationAndAFailover) {
  std::atomic<bool> stop{false};
  std::atomic<int> failed{0};
  std::mutex mu;
  std::vector<std::string> acked;
  std::vector<std::thread> submitters;
  for (int t = 0; t < 3; ++t) {
    submitters.emplace_back([&] {
      auto stub = stack_->Complaints();
      while (!stop.load()) {
        v1::SubmitComplaintResponse out;
        auto ctx = Ctx(Role::kService, absl::Seconds(5));
        grpc::Status s = stub->SubmitComplaint(ctx.get(), ValidSubmission("cluster"), &out);
        if (s.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          acked.push_back(out.complaint().id());
        } else {
          failed.fetch_add(1);  // allowed (unknown or refused), never lost if acked
        }
      }
    });
  }
  auto acked_count = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return acked.size();
  };
  ASSERT_TRUE(testing::Await([&] { return acked_count() > 100; }, absl::Seconds(20)));

  // Shard 0's slot ({c0}) moves to another primary, keys and all.
  const int slot = runtime::internal::RedisKeySlot("c0");
  auto owner = cluster_->OwnerOf(slot);
  ASSERT_TRUE(owner.ok()) << owner.status();
  int target = 0;
  for (int port : cluster_->Primaries()) {
    if (port != *owner) target = port;
  }
  ASSERT_TRUE(cluster_->MigrateSlot(slot, target).ok());
  size_t mark = acked_count();
  ASSERT_TRUE(testing::Await([&] { return acked_count() > mark + 100; }, absl::Seconds(20)))
      << "no submissions after the migration";

  // The primary of shard 1 fails over to its replica.
  auto primary = cluster_->OwnerOf(runtime::internal::RedisKeySlot("c1"));
  ASSERT_TRUE(primary.ok()) << primary.status();
  auto promoted = cluster_->Failover(*primary);
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  mark = acked_count();
  ASSERT_TRUE(testing::Await([&] { return acked_count() > mark + 100; }, absl::Seconds(20)))
      << "no submissions after the failover";
  stop = true;
  for (auto& t : submitters) t.join();

  auto stub = stack_->Complaints();
  int missing = 0;
  std::lock_guard<std::mutex> lock(mu);
  for (const std::string& id : acked) {
    v1::GetComplaintRequest get;
    get.set_id(id);
    v1::Complaint c;
    auto ctx = Ctx(Role::kService);
    grpc::Status s = stub->GetComplaint(ctx.get(), get, &c);
    if (!s.ok() && ++missing <= 5) ADD_FAILURE() << id << ": " << StatusText(s);
  }
  EXPECT_EQ(missing, 0) << "of " << acked.size() << " acknowledged complaints";
  RecordProperty("acknowledged", static_cast<int>(acked.size()));
  RecordProperty("failed", failed.load());
}

// Idempotency keys live in their own slot (not the complaint's): on a
// cluster the reservation and the create go to different slots and the
// retry semantics hold; request ids live in the complaint's slot.
TEST_F(ClusterTest, RetriesAreExactAcrossSlots) {
  auto stub = stack_->Complaints();
  const v1::SubmitComplaintRequest request = ValidSubmission("cluster-retry");
  v1::SubmitComplaintResponse first, again, refused;
  auto ctx1 = Ctx(Role::kService);
  ASSERT_TRUE(stub->SubmitComplaint(ctx1.get(), request, &first).ok());
  auto ctx2 = Ctx(Role::kService);
  ASSERT_TRUE(stub->SubmitComplaint(ctx2.get(), request, &again).ok());
  EXPECT_TRUE(again.replayed());
  EXPECT_EQ(again.complaint().id(), first.complaint().id());
  v1::SubmitComplaintRequest changed = request;
  changed.set_content("I was charged twice for my ticket and want a refund.");
  auto ctx3 = Ctx(Role::kService);
  EXPECT_EQ(stub->SubmitComplaint(ctx3.get(), changed, &refused).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::LifecycleRequest note = Cmd(first.complaint().id(), 0, "once");
  note.set_request_id(Unique("rid"));
  v1::Complaint a, b;
  auto ctx4 = Ctx(Role::kSupervisor);
  ASSERT_TRUE(stub->AddNote(ctx4.get(), note, &a).ok());
  auto ctx5 = Ctx(Role::kSupervisor);
  ASSERT_TRUE(stub->AddNote(ctx5.get(), note, &b).ok());
  EXPECT_EQ(a.version(), 2);
  EXPECT_EQ(b.version(), 2);
}

}  // namespace
}  // namespace sqms::complaints::it
