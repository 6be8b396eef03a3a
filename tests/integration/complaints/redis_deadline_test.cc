// A Redis reply that comes after the deadline is an unknown outcome: the
// service answers DEADLINE_EXCEEDED (not UNAVAILABLE), and a retry with the
// same idempotency key is safe: it never makes a second complaint.

#include <vector>

#include "sqms/runtime/redis_client.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

TEST(RedisDeadlineTest, ALateRedisIsDeadlineExceededAndTheRetryIsSafe) {
  StackOptions options;
  options.name = "redis-deadline";
  options.redis_timeout_ms = 300;
  auto stack = ComplaintsStack::Start(options);
  ASSERT_TRUE(stack.ok()) << stack.status();
  runtime::RedisOptions redis;
  redis.port = (*stack)->redis().port();
  redis.command_timeout = std::chrono::milliseconds(5000);
  runtime::RedisClient blocker(redis);
  ASSERT_TRUE(testing::Await([&] { return blocker.connected(); }, absl::Seconds(5)));

  auto stub = (*stack)->Complaints();
  // Redis busy for 3 s with a script. Submissions during it are either sent
  // behind the script (DEADLINE_EXCEEDED: unknown outcome) or, when queued
  // behind another stalled command until their deadline, never sent
  // (UNAVAILABLE); never a success, and at least some are sent.
  blocker.CommandAsync({"EVAL",
                        "local s = redis.call('TIME') repeat local t = redis.call('TIME') "
                        "until (t[1] - s[1]) * 1000000 + (t[2] - s[2]) > 3000000 return 1",
                        "0"},
                       [](absl::StatusOr<runtime::RedisReply>) {});
  std::vector<v1::SubmitComplaintRequest> timed_out;
  for (int i = 0; i < 4; ++i) {
    const v1::SubmitComplaintRequest request = ValidSubmission("late");
    v1::SubmitComplaintResponse first;
    auto ctx = Ctx(Role::kService, absl::Seconds(5));
    grpc::Status s = stub->SubmitComplaint(ctx.get(), request, &first);
    if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
      timed_out.push_back(request);
    } else {
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << StatusText(s);
    }
  }
  ASSERT_FALSE(timed_out.empty()) << "no submission was answered DEADLINE_EXCEEDED";

  // A retry with the same idempotency key finds the complaint the timed-out
  // attempt created, or creates it: never two.
  for (const v1::SubmitComplaintRequest& request : timed_out) {
    grpc::Status last;
    v1::SubmitComplaintResponse retry;
    ASSERT_TRUE(testing::Await(
        [&] {
          auto again = Ctx(Role::kService, absl::Seconds(5));
          last = stub->SubmitComplaint(again.get(), request, &retry);
          return last.ok();
        },
        absl::Seconds(15), absl::Milliseconds(100)))
        << StatusText(last);
    v1::SubmitComplaintResponse third;
    auto ctx3 = Ctx(Role::kService);
    ASSERT_TRUE(stub->SubmitComplaint(ctx3.get(), request, &third).ok());
    EXPECT_TRUE(third.replayed());
    EXPECT_EQ(third.complaint().id(), retry.complaint().id());
  }
}

}  // namespace
}  // namespace sqms::complaints::it
