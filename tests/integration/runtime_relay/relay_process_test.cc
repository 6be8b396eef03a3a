// The relay across processes (relay_runner): lease takeover when the owner
// is SIGKILLed, two relays racing for one shard, a stale (SIGSTOPped) owner,
// and order per key across a takeover.

#include <signal.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "tests/integration/runtime_relay/relay_fixture.h"

namespace sqms::runtime {
namespace {

constexpr char kTaken[] = "outbox lease taken";

TEST_F(RelayTest, AnotherProcessTakesTheShardOverWhenTheOwnerIsKilled) {
  auto a = StartRunner("owner-a");
  ASSERT_NE(a, nullptr);
  Append(0, 50);
  testing::TopicReader reader(kafka_->bootstrap(), kTopic);
  EXPECT_TRUE(Missing(ReadAll(reader, 0, 50), 0, 50).empty());
  ASSERT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(20)));
  EXPECT_TRUE(absl::StartsWith(LeaseValue(), "owner-a-")) << LeaseValue();
  EXPECT_TRUE(absl::EndsWith(LeaseValue(), " 1")) << LeaseValue();

  a->Kill();
  Append(50, 100);
  auto b = StartRunner("owner-b");
  ASSERT_NE(b, nullptr);
  // b takes the shard once a's lease expired (1 s), with a larger token,
  // and relays what a left.
  EXPECT_TRUE(Missing(ReadAll(reader, 50, 100), 50, 100).empty());
  ASSERT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(20)));
  EXPECT_TRUE(absl::StartsWith(LeaseValue(), "owner-b-")) << LeaseValue();
  EXPECT_TRUE(absl::EndsWith(LeaseValue(), " 2")) << LeaseValue();
  EXPECT_EQ(CountInLog(*b, kTaken), 1u);
}

TEST_F(RelayTest, TwoRelaysRacingForOneShardHaveOneSenderAndAPausedOneStaysOff) {
  auto a = StartRunner("racer-a");
  auto b = StartRunner("racer-b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  Append(0, 100);
  testing::TopicReader reader(kafka_->bootstrap(), kTopic);
  EXPECT_TRUE(Missing(ReadAll(reader, 0, 100), 0, 100).empty());
  ASSERT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(20)));
  // Exactly one of them ever held the shard.
  ASSERT_EQ(CountInLog(*a, kTaken) + CountInLog(*b, kTaken), 1u);
  testing::Process& holder = CountInLog(*a, kTaken) == 1 ? *a : *b;
  testing::Process& other = &holder == a.get() ? *b : *a;
  const std::string other_name = &other == a.get() ? "racer-a-" : "racer-b-";

  // The holder stalls (SIGSTOP): the other takes over once its lease expired.
  ASSERT_EQ(kill(holder.pid(), SIGSTOP), 0);
  Append(100, 200);
  ASSERT_TRUE(testing::Await([&] { return CountInLog(other, kTaken) == 1; }, absl::Seconds(20)));
  EXPECT_TRUE(Missing(ReadAll(reader, 100, 200), 100, 200).empty());

  // Resumed, the stale owner finds by its monotonic clock that its lease
  // expired and stops; it does not take the shard back.
  ASSERT_EQ(kill(holder.pid(), SIGCONT), 0);
  ASSERT_TRUE(testing::Await(
      [&] {
        return CountInLog(holder, "outbox lease expired") + CountInLog(holder, "outbox lease lost") >
               0;
      },
      absl::Seconds(20)));
  Append(200, 250);
  EXPECT_TRUE(Missing(ReadAll(reader, 200, 250), 200, 250).empty());
  ASSERT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(20)));
  EXPECT_EQ(CountInLog(holder, kTaken), 1u);
  EXPECT_TRUE(absl::StartsWith(LeaseValue(), other_name)) << LeaseValue();
  EXPECT_TRUE(absl::EndsWith(LeaseValue(), " 2")) << LeaseValue();
}

TEST_F(RelayTest, OrderPerKeyIsPreservedAcrossATakeoverFromAStaleOwner) {
  auto a = StartRunner("order-a");
  ASSERT_NE(a, nullptr);
  Append(0, 100);
  testing::TopicReader reader(kafka_->bootstrap(), kTopic);
  EXPECT_TRUE(Missing(ReadAll(reader, 0, 100), 0, 100).empty());

  // Kafka goes away; a hands the next events to its producer, which cannot
  // deliver them (several read rounds pass: Redis counts a's XRANGEs).
  ASSERT_TRUE(kafka_->AllBrokersDown().ok());
  Append(100, 300);
  const int64_t reads = XrangeCalls();
  ASSERT_TRUE(testing::Await([&] { return XrangeCalls() >= reads + 5; }, absl::Seconds(10)));
  // a stalls with them in flight; b takes over and sends them again.
  ASSERT_EQ(kill(a->pid(), SIGSTOP), 0);
  auto b = StartRunner("order-b");
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(testing::Await([&] { return CountInLog(*b, kTaken) == 1; }, absl::Seconds(20)));
  Append(300, 400);
  // Both producers deliver now: a's stale in-flight records and b's.
  ASSERT_TRUE(kafka_->AllBrokersUp().ok());
  ASSERT_EQ(kill(a->pid(), SIGCONT), 0);
  ASSERT_TRUE(Missing(ReadAll(reader, 0, 400), 0, 400).empty());
  ASSERT_TRUE(testing::Await([&] { return StreamLength() == 0; }, absl::Seconds(30)));
  // Every event arrived; the stale owner's copies may still be on their way
  // (its producer retries after its own backoff): read on until one is in.
  auto has_copy = [](const std::vector<ConsumedRecord>& records) {
    std::set<std::string> ids;
    for (const auto& r : records) {
      if (auto id = r.Header("ce_id"); id && !ids.insert(*id).second) return true;
    }
    return false;
  };
  const auto records = reader.ReadUntil(has_copy, absl::Seconds(30));

  // Per key, the first occurrence of each event follows commit order.
  std::map<std::string, int> last_first_seq;  // key -> highest seq seen first so far
  std::set<std::string> seen;
  int duplicates = 0;
  for (const auto& r : records) {
    auto id = r.Header("ce_id");
    ASSERT_TRUE(id.has_value());
    if (!seen.insert(*id).second) {
      ++duplicates;  // consumers dedupe by ce_id
      continue;
    }
    int seq = 0;
    ASSERT_TRUE(absl::SimpleAtoi(r.value, &seq));
    auto [it, first] = last_first_seq.emplace(r.key, seq);
    if (!first) {
      EXPECT_GT(seq, it->second) << "key " << r.key << ": event " << seq << " after " << it->second;
      it->second = seq;
    }
  }
  EXPECT_EQ(last_first_seq.size(), 5u);
  // The scenario happened: both the stale owner and the new one delivered.
  EXPECT_GT(duplicates, 0);
}

}  // namespace
}  // namespace sqms::runtime
