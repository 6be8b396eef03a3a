// RedisCheckpointStore against a real redis-server: the epoch fences a
// stale owner as a whole, a retried write is recognised, nothing is half
// applied.

#include "sqms/runtime/checkpoint_store.h"

#include <limits>
#include <map>
#include <optional>
#include <random>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/integration/runtime_eo/eo_fixture.h"

namespace sqms::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

class CheckpointStoreTest : public EoTest {
 protected:
  Checkpoint Write(int64_t epoch, std::optional<int64_t> base, int64_t next, int64_t by,
                   std::vector<std::string> ids = {}) {
    return {{{kP0, epoch, base, next, std::move(ids)}},
            {RedisWrite::HIncrBy(std::string(kPrefix) + ":counts", "k", by)}};
  }
  // Claims kP0 as owner "a"; its epoch.
  int64_t ClaimP0(RedisCheckpointStore& store) {
    auto claimed = store.Claim({kP0}, "a");
    EXPECT_TRUE(claimed.ok()) << claimed.status();
    return claimed.ok() ? (*claimed)[0].epoch : -1;
  }
  // Each field of hash `state` holds `expected[field]` (C++ sums), and the
  // in-memory reference summed the same (`fake`); trailing zeros aside.
  void ExpectVectors(const std::string& state, std::map<std::string, std::vector<int64_t>> expected,
                     std::map<std::string, std::vector<int64_t>> fake) {
    const std::map<std::string, std::string> got = HashOf(state);
    ASSERT_EQ(got.size(), expected.size());
    for (auto& [field, sum] : expected) {
      while (!sum.empty() && sum.back() == 0) sum.pop_back();
      while (!fake[field].empty() && fake[field].back() == 0) fake[field].pop_back();
      EXPECT_EQ(fake[field], sum) << field;
      EXPECT_THAT(DecodeVector(got.at(field)), Optional(::testing::ElementsAreArray(sum))) << field;
    }
  }
  const TopicPartition kP0{"t", 0};
};

TEST_F(CheckpointStoreTest, StaleEpochIsRefusedAndNothingIsWritten) {
  RedisCheckpointStore store(*redis_, kPrefix, 4);
  auto first = store.Claim({kP0}, "a");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].next_offset, std::nullopt);
  int64_t old_epoch = (*first)[0].epoch;
  ASSERT_TRUE(store.Write(Write(old_epoch, std::nullopt, 10, 5, {"e1", "e2"})).ok());

  auto second = store.Claim({kP0}, "b");  // the partition's new owner
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_GT((*second)[0].epoch, old_epoch);
  EXPECT_THAT((*second)[0].next_offset, Optional(10));
  EXPECT_THAT((*second)[0].event_ids, ElementsAre("e1", "e2"));

  // The old owner's next checkpoint: refused whole — neither the counter
  // nor the offset nor the ids move.
  absl::Status fenced = store.Write(Write(old_epoch, 10, 20, 7, {"e3"}));
  EXPECT_EQ(fenced.code(), absl::StatusCode::kAborted) << fenced;
  EXPECT_THAT(std::string(fenced.message()), HasSubstr("fenced"));
  EXPECT_EQ(Counts()["k"], 5);
  EXPECT_EQ(StoredOffsetsTotal(), 10);
  EXPECT_EQ(redis_->Command({"LLEN", store.EventIdsKey(kP0)})->integer, 2);

  // The new owner writes on.
  ASSERT_TRUE(store.Write(Write((*second)[0].epoch, 10, 20, 7, {"e3"})).ok());
  EXPECT_EQ(Counts()["k"], 12);
  EXPECT_EQ(StoredOffsetsTotal(), 20);
  EXPECT_THAT(HashOf(store.CheckpointsKey()), ::testing::Contains(::testing::Pair("w:t:0", "b")));
}

TEST_F(CheckpointStoreTest, RetryOfAWriteThatLandedWritesNothingTwice) {
  RedisCheckpointStore store(*redis_, kPrefix, 4);
  auto claimed = store.Claim({kP0}, "a");
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  Checkpoint checkpoint = Write((*claimed)[0].epoch, std::nullopt, 3, 3, {"a", "b", "c"});
  ASSERT_TRUE(store.Write(checkpoint).ok());
  ASSERT_TRUE(store.Write(checkpoint).ok());  // as after an unknown outcome
  EXPECT_EQ(Counts()["k"], 3);
  EXPECT_EQ(redis_->Command({"LLEN", store.EventIdsKey(kP0)})->integer, 3);
}

// A refusal before any write (here NOREPLICAS: min-replicas-to-write with
// no replica) is UNAVAILABLE, to retry, not INTERNAL ("partly applied").
TEST_F(CheckpointStoreTest, AWriteRedisRefusesBeforeWritingIsUnavailableAndWritesNothing) {
  RedisCheckpointStore store(*redis_, kPrefix, 4);
  const int64_t epoch = ClaimP0(store);
  ASSERT_TRUE(redis_->Command({"CONFIG", "SET", "min-replicas-to-write", "1"}).ok());
  absl::Status refused = store.Write(Write(epoch, std::nullopt, 10, 5, {"e1"}));
  ASSERT_TRUE(redis_->Command({"CONFIG", "SET", "min-replicas-to-write", "0"}).ok());
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable) << refused;
  EXPECT_THAT(std::string(refused.message()), HasSubstr("NOREPLICAS"));
  EXPECT_EQ(Counts()["k"], 0);
  EXPECT_EQ(StoredOffsetsTotal(), 0);
  ASSERT_TRUE(store.Write(Write(epoch, std::nullopt, 10, 5, {"e1"})).ok()) << "the retry lands";
  EXPECT_EQ(Counts()["k"], 5);
}

TEST_F(CheckpointStoreTest, OffsetThatDoesNotContinueIsRefused) {
  RedisCheckpointStore store(*redis_, kPrefix, 4);
  auto claimed = store.Claim({kP0}, "a");
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  int64_t epoch = (*claimed)[0].epoch;
  ASSERT_TRUE(store.Write(Write(epoch, std::nullopt, 10, 1)).ok());
  EXPECT_EQ(store.Write(Write(epoch, 7, 12, 1)).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Counts()["k"], 1);
}

TEST_F(CheckpointStoreTest, DedupWindowIsTrimmedToItsSize) {
  RedisCheckpointStore store(*redis_, kPrefix, 3);
  auto claimed = store.Claim({kP0}, "a");
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  int64_t epoch = (*claimed)[0].epoch;
  ASSERT_TRUE(store.Write(Write(epoch, std::nullopt, 2, 1, {"a", "b"})).ok());
  ASSERT_TRUE(store.Write(Write(epoch, 2, 6, 1, {"c", "d", "e", "f"})).ok());
  auto again = store.Claim({kP0}, "a");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT((*again)[0].event_ids, ElementsAre("d", "e", "f"));
}

TEST_F(CheckpointStoreTest, CommandsOutsideTheAllowListAreNotSent) {
  RedisCheckpointStore store(*redis_, kPrefix, 4);
  auto claimed = store.Claim({kP0}, "a");
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  Checkpoint checkpoint = Write((*claimed)[0].epoch, std::nullopt, 1, 1);
  checkpoint.writes.push_back({"FLUSHALL", "x", {}});
  EXPECT_EQ(store.Write(checkpoint).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(StoredOffsetsTotal(), 0);
  EXPECT_EQ(store.Write({}).code(), absl::StatusCode::kInvalidArgument);
}

// The script sends a key's HINCRBYs as one HMGET and one HSET
// (checkpoint_delta.h): the hash must end exactly as HINCRBY, one write at a
// time, leaves it — here a reference hash written that way.
TEST_F(CheckpointStoreTest, GroupedIncrementsLeaveWhatHincrbyOneByOneLeaves) {
  const std::string state = std::string(kPrefix) + ":counts";
  const std::string reference = std::string(kPrefix) + ":reference";
  for (const std::string& key : {state, reference}) {
    ASSERT_TRUE(redis_->Command({"HSET", key, "long", "12345678901234567", "edge",
                                 "999999999999999", "neg", "-42"})
                    .ok());
  }
  StateDelta writes;
  for (int i = 0; i < 2500; ++i) {  // several groups of kMaxGroupFields
    writes.push_back(RedisWrite::HIncrBy(state, absl::StrCat("f", i % 1800), i % 7 - 3));
  }
  writes.push_back(RedisWrite::HIncrBy(state, "long", 3));   // beyond 15 digits: HINCRBY itself
  writes.push_back(RedisWrite::HIncrBy(state, "edge", 1));   // to 1e15
  writes.push_back(RedisWrite::HIncrBy(state, "neg", -9000000000000));
  writes.push_back(RedisWrite::HIncrBy(state, "big", 4611686018427387904));  // 2^62
  writes.push_back(RedisWrite::HSet(state, "neg", "5"));     // closes the group
  writes.push_back(RedisWrite::HIncrBy(state, "neg", 2));
  std::vector<RedisClient::Argv> one_by_one;
  for (const RedisWrite& w : writes) {
    RedisClient::Argv argv = {w.command, reference};
    argv.insert(argv.end(), w.args.begin(), w.args.end());
    one_by_one.push_back(std::move(argv));
  }
  for (const auto& reply : redis_->Pipeline(std::move(one_by_one))) {
    ASSERT_TRUE(reply.ok()) << reply.status();
    ASSERT_NE(reply->type, RedisReply::Type::kError) << reply->str;
  }

  RedisCheckpointStore store(*redis_, kPrefix, 0);
  auto claimed = store.Claim({kP0}, "a");
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  ASSERT_TRUE(store.Write({{{kP0, (*claimed)[0].epoch, std::nullopt, 1, {}}}, writes}).ok());
  std::map<std::string, std::string> got = HashOf(state);
  EXPECT_EQ(got, HashOf(reference));
  EXPECT_EQ(got.size(), 1804u);
  EXPECT_EQ(got["long"], "12345678901234570");
  EXPECT_EQ(got["edge"], "1000000000000000");
  EXPECT_EQ(got["neg"], "7");
}

TEST_F(CheckpointStoreTest, AnIncrementOfAValueThatIsNoIntegerFailsAsHincrbyDoes) {
  const std::string state = std::string(kPrefix) + ":counts";
  RedisCheckpointStore store(*redis_, kPrefix, 0);
  // Lua's tonumber reads each of these as a number; HINCRBY refuses them.
  for (const char* stored : {"1.5", "1e3", " 12", "12 ", "0x10", "01", "-0"}) {
    ASSERT_TRUE(redis_->Command({"HSET", state, "x", stored}).ok());
    auto claimed = store.Claim({kP0}, "a");
    ASSERT_TRUE(claimed.ok()) << claimed.status();
    absl::Status s = store.Write({{{kP0, (*claimed)[0].epoch, std::nullopt, 1, {}}},
                                  {RedisWrite::HIncrBy(state, "x", 1)}});
    EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << stored << ": " << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr("not an integer")) << stored;
    EXPECT_EQ(HashOf(state)["x"], stored);
    EXPECT_EQ(StoredOffsetsTotal(), 0) << stored;
  }
}

// HADDVECTOR adds element by element, exactly over the whole int64 range
// (the script adds 32-bit halves with their carry): here against sums
// computed in C++, over several checkpoints, vectors of differing lengths,
// negative values and sums that cross 2^32 and 2^53.
TEST_F(CheckpointStoreTest, VectorsAddUpExactlyOverTheWholeInt64Range) {
  const std::string state = std::string(kPrefix) + ":vectors";
  RedisCheckpointStore store(*redis_, kPrefix, 0);
  const int64_t epoch = ClaimP0(store);
  const std::vector<int64_t> values = {1,          -1,         4294967295,  4294967296,
                                       -4294967296, 9007199254740993, -9007199254740993,
                                       (int64_t{1} << 60), -(int64_t{1} << 60), 0, 7};
  std::map<std::string, std::vector<int64_t>> expected, fake;
  std::optional<int64_t> base;
  for (int round = 0; round < 4; ++round) {
    RedisWrite write = RedisWrite::HAddVector(state);
    for (int f = 0; f < 30; ++f) {
      std::vector<int64_t> delta(static_cast<size_t>((f + round) % 9 + 1));
      for (size_t i = 0; i < delta.size(); ++i) {
        delta[i] = values[(static_cast<size_t>(f) * 7 + i * 3 + static_cast<size_t>(round)) %
                          values.size()];
        if (round == 3) delta[i] = -delta[i];  // back towards zero: trailing zeros trimmed
      }
      const std::string field = absl::StrCat("f", f);
      std::vector<int64_t>& sum = expected[field];
      if (sum.size() < delta.size()) sum.resize(delta.size());
      for (size_t i = 0; i < delta.size(); ++i) sum[i] += delta[i];
      write.AddVector(field, delta);
      // The in-memory reference of the script (for fakes) agrees.
      ASSERT_TRUE(AddVectorDelta(write.args.back(), fake[field]).ok());
    }
    absl::Status s = store.Write({{{kP0, epoch, base, round + 1, {}}}, {write}});
    ASSERT_TRUE(s.ok()) << round << ": " << s;  // 4 rounds of at most 2^60: no overflow
    base = round + 1;
  }
  ExpectVectors(state, expected, fake);
}

// Deltas of few entries against long vectors, as the metrics service's
// minute cells send them: same sums with touched and untouched values
// beyond 2^53, a vector that grows past its end, trailing values back to
// zero, entries at the first and the last index — against C++ sums and the
// in-memory reference.
TEST_F(CheckpointStoreTest, SparseDeltasOfLongVectorsAddUpExactly) {
  const std::string state = std::string(kPrefix) + ":sparse";
  RedisCheckpointStore store(*redis_, kPrefix, 0);
  const int64_t epoch = ClaimP0(store);
  std::mt19937_64 random(20261205);
  const std::vector<int64_t> magnitudes = {1, 1000, 4294967296, 9007199254740991,
                                           9007199254740993, int64_t{1} << 58};
  std::map<std::string, std::vector<int64_t>> expected, fake;
  std::optional<int64_t> base;
  for (int round = 0; round < 8; ++round) {
    RedisWrite write = RedisWrite::HAddVector(state);
    for (int f = 0; f < 24; ++f) {
      const std::string field = absl::StrCat("f", f);
      std::vector<int64_t>& sum = expected[field];
      std::vector<int64_t> delta;
      if (round == 0) {
        delta.assign(89, 0);  // dense: every value set
        for (auto& v : delta) v = static_cast<int64_t>(random() % 1000) + 1;
        if (f % 3 == 0) delta[40] = int64_t{1} << 60;  // untouched later: copied as bytes
      } else if (round == 7) {
        delta.assign(sum.size(), 0);  // the tail back to zero: trimmed
        for (size_t i = sum.size() > 30 ? sum.size() - 30 : 0; i < sum.size(); ++i) {
          delta[i] = -sum[i];
        }
        if (!delta.empty()) delta[0] = 5;
      } else {
        // 1 to 5 entries, some past the end (growth), the first and the last.
        const size_t length = 89 + static_cast<size_t>(round) * 4;
        delta.assign(length, 0);
        const int entries = static_cast<int>(random() % 5) + 1;
        for (int e = 0; e < entries; ++e) {
          const size_t at = e == 0 ? 0 : e == 1 ? length - 1 : random() % length;
          int64_t v = magnitudes[random() % magnitudes.size()];
          if (random() % 2 == 0) v = -v;
          delta[at] = v;
        }
      }
      if (sum.size() < delta.size()) sum.resize(delta.size());
      for (size_t i = 0; i < delta.size(); ++i) sum[i] += delta[i];
      write.AddVector(field, delta);
      ASSERT_TRUE(AddVectorDelta(write.args.back(), fake[field]).ok());
    }
    absl::Status s = store.Write({{{kP0, epoch, base, round + 1, {}}}, {write}});
    ASSERT_TRUE(s.ok()) << round << ": " << s;
    base = round + 1;
  }
  ExpectVectors(state, expected, fake);
}

TEST_F(CheckpointStoreTest, AVectorSumBeyondInt64OrOfAFieldThatIsNoVectorFailsTheScript) {
  const std::string state = std::string(kPrefix) + ":vectors";
  RedisCheckpointStore store(*redis_, kPrefix, 0);
  const int64_t epoch = ClaimP0(store);
  ASSERT_TRUE(store.Write({{{kP0, epoch, std::nullopt, 1, {}}},
                           {RedisWrite::HAddVector(state).AddVector(
                               "max", {std::numeric_limits<int64_t>::max()})}})
                  .ok());
  ASSERT_TRUE(redis_->Command({"HSET", state, "int", "12"}).ok());  // not whole 8-byte values
  for (const auto& [field, why] : {std::pair("max", "overflow"), std::pair("int", "not a vector")}) {
    absl::Status s = store.Write(
        {{{kP0, epoch, 1, 2, {}}}, {RedisWrite::HAddVector(state).AddVector(field, {1})}});
    EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(why));
    EXPECT_EQ(StoredOffsetsTotal(), 1);
  }
  EXPECT_THAT(DecodeVector(HashOf(state)["max"]),
              Optional(ElementsAre(std::numeric_limits<int64_t>::max())));
  // Back to zero: stored without its trailing zeros, the empty string.
  ASSERT_TRUE(store.Write({{{kP0, epoch, 1, 2, {}}},
                           {RedisWrite::HAddVector(state).AddVector(
                               "max", {-std::numeric_limits<int64_t>::max()})}})
                  .ok());
  EXPECT_EQ(HashOf(state)["max"], "");
}

}  // namespace
}  // namespace sqms::runtime
