// A replica SIGKILLed between claim and completion: its claim blocks other
// replicas until claim_ttl, then the timer fires again (at least once).

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/integration/runtime_timers/timers_fixture.h"

namespace sqms::runtime::testing {
namespace {

using sqms::testing::Await;

TEST_F(DurableTimersTest, SigkilledMidFireIsFiredAgainAfterClaimTtl) {
  const DurableTimersOptions options = Options();
  const std::string key = options.shard_keys[0];
  ASSERT_TRUE(probe_->Command({"ZADD", key, absl::StrCat(absl::ToUnixMillis(absl::Now())), "victim"}).ok());
  auto crasher = sqms::testing::Process::Start(
      {sqms::testing::BuildPath("tests/timers_crasher"), "--port",
       std::to_string(redis_server_->port()), "--key", key, "--claim-ttl-ms",
       std::to_string(absl::ToInt64Milliseconds(options.claim_ttl))},
      sqms::testing::MakeTestDir("timers-crasher") + "/crasher.log");
  ASSERT_TRUE(crasher.ok()) << crasher.status();
  ASSERT_TRUE(Await([&] { return !(*crasher)->Running(); }, absl::Seconds(10)))
      << "the handler ran and killed its process";

  // Left claimed: a fractional score, the claim's end.
  double claim = 0;
  ASSERT_TRUE(absl::SimpleAtod(Score(key, "victim"), &claim)) << Score(key, "victim");
  EXPECT_NE(claim, static_cast<double>(static_cast<int64_t>(claim))) << "not a claim";
  const absl::Time claim_end = absl::FromUnixMillis(static_cast<int64_t>(claim));

  auto client = Client();
  FireLog log;
  auto survivor = Timers(*client, log, options);
  survivor->Start();
  ASSERT_TRUE(Await([&] { return log.Calls("victim") == 1; }, absl::Seconds(10)));
  EXPECT_GE(log.FirstCall("victim"), claim_end) << "fired while the dead replica's claim held";
  ASSERT_TRUE(Await([&] { return Left() == 0; }, absl::Seconds(5)));
}

}  // namespace
}  // namespace sqms::runtime::testing
