// --shards is fixed per deployment: a replica started with another count
// than the data in Redis was written with refuses to start, naming the flag
// and both counts, and every complaint stays reachable for the replicas
// started right.

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

TEST(ShardCountTest, AReplicaStartedWithAnotherShardCountRefusesToStart) {
  StackOptions options;
  options.name = "shard-count";
  options.shards = 4;
  auto stack = ComplaintsStack::Start(options);
  ASSERT_TRUE(stack.ok()) << stack.status();
  const v1::Complaint complaint = SubmitOk(*(*stack)->Complaints(), ValidSubmission("shards"));
  (*stack)->StopService();

  (*stack)->set_shards(2);
  absl::Status started = (*stack)->StartService();
  EXPECT_FALSE(started.ok()) << "a replica with 2 shards over data written with 4 started";
  const std::string log = testing::ReadFile((*stack)->dir() + "/service-1.log");
  EXPECT_TRUE(absl::StrContains(log,
                                "config: --shards (SQMS_SHARDS): 2, but the complaints in "
                                "Redis were written with 4 shards"))
      << log;

  (*stack)->set_shards(4);
  ASSERT_TRUE((*stack)->StartService().ok());
  v1::GetComplaintRequest get;
  get.set_id(complaint.id());
  v1::Complaint got;
  grpc::Status status = (*stack)->Complaints()->GetComplaint(Ctx(Role::kAgent).get(), get, &got);
  EXPECT_TRUE(status.ok()) << StatusText(status);
}

}  // namespace
}  // namespace sqms::complaints::it
