// EncodeDelta: HINCRBYs grouped per key without changing what the writes,
// applied one by one in order, would leave in Redis.

#include "libs/runtime/src/checkpoint_delta.h"

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sqms::runtime::internal {
namespace {

using ::testing::ElementsAre;

// Keys get their index in order of first use: "a" 1, "b" 2, ...
std::vector<std::string> Encode(const StateDelta& writes) {
  std::vector<std::string> keys;
  std::vector<std::string> args;
  absl::Status s = EncodeDelta(
      writes,
      [&keys](const std::string& key) {
        auto it = std::find(keys.begin(), keys.end(), key);
        if (it == keys.end()) it = keys.insert(keys.end(), key);
        return static_cast<int>(it - keys.begin()) + 1;
      },
      args);
  EXPECT_TRUE(s.ok()) << s;
  return args;
}

TEST(CheckpointDeltaTest, IncrementsOfOneKeyGoAsOneGroupWithEachFieldOnce) {
  EXPECT_THAT(Encode({RedisWrite::HIncrBy("a", "x", 1), RedisWrite::HIncrBy("b", "y", 2),
                      RedisWrite::HIncrBy("a", "z", 3), RedisWrite::HIncrBy("a", "x", 4)}),
              ElementsAre("2",                             // ops
                          "+", "1", "2", "x", "5", "z", "3",  // a: x summed
                          "+", "2", "1", "y", "2"));       // b
}

TEST(CheckpointDeltaTest, AnotherWriteToTheKeyClosesItsGroup) {
  // HSET a x 7 between two increments of a.x: the second must come after it.
  EXPECT_THAT(Encode({RedisWrite::HIncrBy("a", "x", 1), RedisWrite::HSet("a", "x", "7"),
                      RedisWrite::HIncrBy("a", "x", 2), RedisWrite::ExpireAt("b", 100),
                      RedisWrite::HIncrBy("b", "y", 1)}),
              ElementsAre("5", "+", "1", "1", "x", "1",       //
                          "HSET", "1", "2", "x", "7",         //
                          "+", "1", "1", "x", "2",            //
                          "EXPIREAT", "2", "1", "100",        //
                          "+", "2", "1", "y", "1"));
}

TEST(CheckpointDeltaTest, WritesToOtherKeysDoNotCloseAGroup) {
  EXPECT_THAT(Encode({RedisWrite::HIncrBy("a", "x", 1), RedisWrite::Set("b", "v"),
                      RedisWrite::HIncrBy("a", "x", 1)}),
              ElementsAre("2", "+", "1", "1", "x", "2", "SET", "2", "1", "v"));
}

TEST(CheckpointDeltaTest, AWriteOfSeveralFieldsJoinsItsKeysGroup) {
  EXPECT_THAT(Encode({RedisWrite::HIncrBy("a", "x", 1),
                      RedisWrite::HIncrBy("a").Increment("y", 2).Increment("x", 3).Increment("y", 1)}),
              ElementsAre("1", "+", "1", "2", "x", "4", "y", "3"));
}

TEST(CheckpointDeltaTest, ASumBeyondInt64StartsANewGroup) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  EXPECT_THAT(Encode({RedisWrite::HIncrBy("a", "x", max), RedisWrite::HIncrBy("a", "x", 1),
                      RedisWrite::HIncrBy("a", "y", 1)}),
              ElementsAre("2", "+", "1", "1", "x", std::to_string(max),  //
                          "+", "1", "2", "x", "1", "y", "1"));
}

TEST(CheckpointDeltaTest, AnIncrementOfTheOtherSignStartsANewGroup) {
  // Stored max − 5, then +10, then −10: one at a time, Redis refuses the
  // +10 (overflow); summed to 0 it would not. So the −10 goes apart.
  EXPECT_THAT(Encode({RedisWrite::HIncrBy("a", "x", 10), RedisWrite::HIncrBy("a", "x", -10),
                      RedisWrite::HIncrBy("a", "x", -1), RedisWrite::HIncrBy("a", "x", 0)}),
              ElementsAre("2", "+", "1", "1", "x", "10",  //
                          "+", "1", "1", "x", "-11"));
}

// Redis would refuse these in the middle of the script, after the writes
// before them: refused before anything is sent, naming the field.
TEST(CheckpointDeltaTest, IncrementsNotWrittenAsRedisWritesIntegersAreRefusedBeforeSending) {
  for (const char* by : {"+1", "01", "-0", "1.5", "", "x", " 1", "99999999999999999999"}) {
    std::vector<std::string> args = {"before"};
    absl::Status s = EncodeDelta({RedisWrite::HIncrBy("a", "w", 1), RedisWrite{"HINCRBY", "a", {"x", by}}},
                                 [](const std::string&) { return 1; }, args);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << by;
    EXPECT_THAT(s.message(), ::testing::HasSubstr("field 'x'")) << by;
    EXPECT_THAT(args, ElementsAre("before")) << by;
  }
  EXPECT_THAT(Encode({RedisWrite{"hincrby", "a", {"x", "-12"}}}),
              ElementsAre("1", "+", "1", "1", "x", "-12"));
  // One bad increment among several: the whole delta is refused.
  std::vector<std::string> args;
  absl::Status s = EncodeDelta({RedisWrite{"HINCRBY", "a", {"x", "1", "y", "+2"}}},
                               [](const std::string&) { return 1; }, args);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("field 'y'"));
  EXPECT_THAT(args, ::testing::IsEmpty());
}

TEST(CheckpointDeltaTest, AGroupLongerThanTheLimitIsSentAsSeveral) {
  StateDelta writes;
  const size_t n = kMaxGroupFields * 2 + 1;
  for (size_t i = 0; i < n; ++i) writes.push_back(RedisWrite::HIncrBy("a", std::to_string(i), 1));
  std::vector<std::string> args = Encode(writes);
  ASSERT_EQ(args.size(), 1 + 3 * 3 + 2 * n);
  EXPECT_EQ(args[0], "3");
  EXPECT_THAT(std::vector<std::string>(args.begin() + 1, args.begin() + 4),
              ElementsAre("+", "1", std::to_string(kMaxGroupFields)));
  const size_t last = 1 + 2 * (3 + 2 * kMaxGroupFields);
  EXPECT_THAT(std::vector<std::string>(args.begin() + static_cast<ptrdiff_t>(last),
                                       args.end()),
              ElementsAre("+", "1", "1", std::to_string(n - 1), "1"));
}

TEST(CheckpointDeltaTest, ACommandOutsideTheAllowListIsRefusedAndNothingAppended) {
  std::vector<std::string> args = {"before"};
  absl::Status s = EncodeDelta({RedisWrite::HIncrBy("a", "x", 1), {"FLUSHALL", "a", {}}},
                               [](const std::string&) { return 1; }, args);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), ::testing::HasSubstr("FLUSHALL"));
  EXPECT_THAT(args, ElementsAre("before"));
  EXPECT_THAT(Encode({}), ElementsAre("0"));
  s = EncodeDelta({RedisWrite::HIncrBy("a", "x", 1), RedisWrite{"DEL", "a", {"b"}}},
                  [](const std::string&) { return 1; }, args);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);  // b would miss KEYS and the grouping
  for (const RedisWrite& w : {RedisWrite::HIncrBy("a"), RedisWrite{"HINCRBY", "a", {"x", "1", "y"}}}) {
    s = EncodeDelta({w}, [](const std::string&) { return 1; }, args);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(s.message(), ::testing::HasSubstr("pairs"));
  }
  EXPECT_THAT(args, ElementsAre("before"));
}

// The delta of one field as (index, value) entries, decoded from its
// 10-byte little-endian form.
std::vector<std::pair<int, int64_t>> Entries(const std::string& delta) {
  std::vector<std::pair<int, int64_t>> out;
  for (size_t at = 0; at + 10 <= delta.size(); at += 10) {
    auto byte = [&](size_t i) { return static_cast<uint64_t>(static_cast<unsigned char>(delta[i])); };
    uint64_t value = 0;
    for (int b = 0; b < 8; ++b) value |= byte(at + 2 + b) << (8 * b);
    out.emplace_back(static_cast<int>(byte(at) | byte(at + 1) << 8), static_cast<int64_t>(value));
  }
  return out;
}

TEST(CheckpointDeltaTest, AVectorTravelsAsItsNonZeroElementsInItsPlaceAmongTheWrites) {
  RedisWrite vectors = RedisWrite::HAddVector("a");
  vectors.AddVector("x", {0, 5, 0, -1, std::numeric_limits<int64_t>::min()});
  vectors.AddVector("y", {0, 0});
  std::vector<std::string> args =
      Encode({RedisWrite::HIncrBy("a", "n", 1), vectors, RedisWrite::HIncrBy("a", "n", 2)});
  ASSERT_EQ(args.size(), 1 + 5 + 7 + 5u);
  EXPECT_EQ(args[0], "3");  // the vectors close a's group: n is incremented twice
  EXPECT_THAT(std::vector<std::string>(args.begin() + 1, args.begin() + 6),
              ElementsAre("+", "1", "1", "n", "1"));
  EXPECT_THAT(std::vector<std::string>(args.begin() + 6, args.begin() + 9), ElementsAre("v", "1", "2"));
  EXPECT_EQ(args[9], "x");
  EXPECT_THAT(Entries(args[10]),
              ElementsAre(std::pair(1, int64_t{5}), std::pair(3, int64_t{-1}),
                          std::pair(4, std::numeric_limits<int64_t>::min())));
  EXPECT_EQ(args[11], "y");
  EXPECT_EQ(args[12], "");  // all zero: nothing to add
  EXPECT_THAT(std::vector<std::string>(args.begin() + 13, args.end()),
              ElementsAre("+", "1", "1", "n", "2"));
}

TEST(CheckpointDeltaTest, AVectorWriteOfManyFieldsIsSentAsSeveralOps) {
  RedisWrite vectors = RedisWrite::HAddVector("a");
  const size_t n = kMaxGroupFields + 1;
  for (size_t i = 0; i < n; ++i) vectors.AddVector(std::to_string(i), {1});
  std::vector<std::string> args = Encode({vectors});
  ASSERT_EQ(args.size(), 1 + 2 * 3 + 2 * n);
  EXPECT_EQ(args[0], "2");
  EXPECT_THAT(std::vector<std::string>(args.begin() + 1, args.begin() + 4),
              ElementsAre("v", "1", std::to_string(kMaxGroupFields)));
  const size_t last = 1 + 3 + 2 * kMaxGroupFields;
  EXPECT_THAT(std::vector<std::string>(args.begin() + static_cast<ptrdiff_t>(last),
                                       args.begin() + static_cast<ptrdiff_t>(last) + 4),
              ElementsAre("v", "1", "1", std::to_string(n - 1)));
}

// One 10-byte delta entry: uint16 index, int64 value, little-endian.
std::string Entry(uint16_t index, int64_t value) {
  std::string out;
  for (int b = 0; b < 2; ++b) out.push_back(static_cast<char>((index >> (8 * b)) & 0xff));
  for (int b = 0; b < 8; ++b) {
    out.push_back(static_cast<char>((static_cast<uint64_t>(value) >> (8 * b)) & 0xff));
  }
  return out;
}

TEST(CheckpointDeltaTest, MalformedVectorsAreRefusedNamingTheFieldAndNothingAppended) {
  std::vector<int64_t> too_long(kMaxVectorLength + 1, 0);
  too_long.back() = 1;
  RedisWrite twice = RedisWrite::HAddVector("a");
  twice.AddVector("x", {1}).AddVector("x", {2});
  const std::vector<std::pair<RedisWrite, std::string>> cases = {
      {RedisWrite::HAddVector("a").AddVector("long", too_long), "'long': an index beyond"},
      {twice, "'x': named twice"},
      {RedisWrite{"HADDVECTOR", "a", {"odd", "123"}}, "'odd': the delta is not made of whole"},
      // Increasing indices bound a delta's length (Lua's unpack limit).
      {RedisWrite{"HADDVECTOR", "a", {"back", Entry(2, 1) + Entry(1, 1)}},
       "'back': the indices are not increasing"},
      {RedisWrite{"HADDVECTOR", "a", {"again", Entry(1, 1) + Entry(1, 1)}},
       "'again': the indices are not increasing"},
      {RedisWrite::HAddVector("a"), "pairs"},
  };
  for (const auto& [write, why] : cases) {
    std::vector<std::string> args = {"before"};
    absl::Status s = EncodeDelta({RedisWrite::HIncrBy("a", "n", 1), write},
                                 [](const std::string&) { return 1; }, args);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << why;
    EXPECT_THAT(s.message(), ::testing::HasSubstr(why));
    EXPECT_THAT(args, ElementsAre("before"));
  }
}

TEST(CheckpointDeltaTest, TheInMemoryReferenceAddsAsTheScriptAndRefusesWhatItRefuses) {
  std::vector<int64_t> v = {1};
  ASSERT_TRUE(AddVectorDelta(Entry(0, 2) + Entry(3, -4), v).ok());
  EXPECT_THAT(v, ElementsAre(3, 0, 0, -4));
  EXPECT_EQ(AddVectorDelta(Entry(3, 1) + Entry(0, 1), v).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AddVectorDelta(Entry(0, std::numeric_limits<int64_t>::max()), v).code(),
            absl::StatusCode::kOutOfRange);
  EXPECT_THAT(v, ElementsAre(3, 0, 0, -4));  // unchanged by a refusal
}

TEST(CheckpointDeltaTest, AStoredVectorDecodesAsLittleEndianInt64s) {
  const std::string stored("\x01\0\0\0\0\0\0\0\xff\xff\xff\xff\xff\xff\xff\xff", 16);
  EXPECT_THAT(DecodeVector(stored), ::testing::Optional(ElementsAre(1, -1)));
  EXPECT_THAT(DecodeVector(""), ::testing::Optional(::testing::IsEmpty()));
  EXPECT_EQ(DecodeVector("1234567"), std::nullopt);  // an integer field, not a vector
}

}  // namespace
}  // namespace sqms::runtime::internal
