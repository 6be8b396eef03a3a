#include "libs/runtime/src/outbox_shard_state.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "sqms/runtime/kafka_producer.h"

namespace sqms::runtime {
namespace {

using std::chrono::milliseconds;
using Time = OutboxShardState::Time;

const Time kT0 = Time{} + std::chrono::hours(1);

// A shard granted at kT0 for 10 s and drained of its initial rewind.
OutboxShardState Granted(int max_in_flight = 100) {
  OutboxShardState s(max_in_flight);
  EXPECT_TRUE(s.Granted(1, kT0 + milliseconds(10000)));
  EXPECT_TRUE(s.MaybeFinishRewind());
  return s;
}

TEST(OutboxShardStateTest, SendsNothingWithoutALease) {
  OutboxShardState s(100);
  EXPECT_FALSE(s.MaySend(kT0));
  EXPECT_EQ(s.ReadStart(), "-");
}

TEST(OutboxShardStateTest, ANewTenureStartsFromTheFirstEntryStillInTheStream) {
  OutboxShardState s = Granted();
  EXPECT_TRUE(s.MaySend(kT0));
  EXPECT_EQ(s.ReadStart(), "-");
  s.Sent("5-0");
  s.Sent("6-0");
  EXPECT_EQ(s.ReadStart(), "(6-0");
}

TEST(OutboxShardStateTest, RenewalWithTheSameTokenKeepsTheCursor) {
  OutboxShardState s = Granted();
  s.Sent("5-0");
  EXPECT_FALSE(s.Granted(1, kT0 + milliseconds(20000)));
  EXPECT_TRUE(s.MaySend(kT0 + milliseconds(15000)));
  EXPECT_EQ(s.ReadStart(), "(5-0");
}

TEST(OutboxShardStateTest, StopsSendingWhenTheLeaseExpiresByTheMonotonicClock) {
  OutboxShardState s = Granted();
  EXPECT_TRUE(s.MaySend(kT0 + milliseconds(9999)));
  EXPECT_FALSE(s.MaySend(kT0 + milliseconds(10000)));
  EXPECT_FALSE(s.held(kT0 + milliseconds(10000)));
}

TEST(OutboxShardStateTest, AFailureStopsTheShardUntilEverythingInFlightHasAnOutcome) {
  OutboxShardState s = Granted();
  s.Sent("1-0");
  s.Sent("2-0");
  s.Sent("3-0");
  s.Failed(kT0);  // 1-0 failed; 2-0 and 3-0 still in flight
  EXPECT_FALSE(s.MaySend(kT0));
  EXPECT_FALSE(s.MaybeFinishRewind());
  s.Confirmed();
  EXPECT_FALSE(s.MaybeFinishRewind());
  EXPECT_FALSE(s.MaySend(kT0));
  s.Confirmed();
  EXPECT_TRUE(s.MaybeFinishRewind());
  // Resend from the first unconfirmed entry: the read starts at the
  // stream's head (confirmed entries were deleted).
  EXPECT_EQ(s.ReadStart(), "-");
  EXPECT_TRUE(s.MaySend(kT0));
}

TEST(OutboxShardStateTest, ResendsOnlyAfterTheRetryBackoff) {
  OutboxShardState s = Granted();
  s.Sent("1-0");
  s.Failed(kT0 + milliseconds(200));
  EXPECT_TRUE(s.MaybeFinishRewind());
  EXPECT_FALSE(s.MaySend(kT0 + milliseconds(199)));
  EXPECT_TRUE(s.MaySend(kT0 + milliseconds(200)));
}

TEST(OutboxShardStateTest, ALostLeaseDrainsBeforeANewTenureResends) {
  OutboxShardState s = Granted();
  s.Sent("1-0");
  s.Lost();
  EXPECT_EQ(s.token(), 0);
  EXPECT_TRUE(s.Granted(7, kT0 + milliseconds(10000)));
  EXPECT_FALSE(s.MaySend(kT0));  // 1-0 is still in flight from the old tenure
  EXPECT_FALSE(s.MaybeFinishRewind());
  s.Confirmed();
  EXPECT_TRUE(s.MaybeFinishRewind());
  EXPECT_TRUE(s.MaySend(kT0));
  EXPECT_EQ(s.token(), 7);
}

TEST(OutboxShardStateTest, ATokenChangeWithoutALossIsANewTenure) {
  OutboxShardState s = Granted();
  s.Sent("1-0");
  EXPECT_TRUE(s.Granted(2, kT0 + milliseconds(10000)));  // expired and retaken in between
  EXPECT_FALSE(s.MaySend(kT0));
  s.Confirmed();
  EXPECT_TRUE(s.MaybeFinishRewind());
  EXPECT_EQ(s.ReadStart(), "-");
}

TEST(OutboxShardStateTest, BoundsTheRecordsInFlight) {
  OutboxShardState s = Granted(/*max_in_flight=*/2);
  s.Sent("1-0");
  s.Sent("2-0");
  EXPECT_FALSE(s.MaySend(kT0));
  s.Confirmed();
  EXPECT_TRUE(s.MaySend(kT0));
}

TEST(ClassifyKafkaErrorTest, AStatusWithoutAKafkaCodeIsTransient) {
  EXPECT_EQ(ClassifyKafkaError(absl::UnavailableError("x")), KafkaErrorKind::kTransient);
  EXPECT_EQ(ClassifyKafkaError(absl::InvalidArgumentError("x")), KafkaErrorKind::kTransient);
}

}  // namespace
}  // namespace sqms::runtime
