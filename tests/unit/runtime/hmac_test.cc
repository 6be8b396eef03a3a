// HmacSha256Hex against RFC 4231's vectors, with many keys in turn (each
// thread caches a context per key and evicts the oldest), and from threads.
#include "sqms/runtime/hmac.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace sqms::runtime {
namespace {

// RFC 4231, test case 2.
constexpr char kJefe[] = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";

TEST(HmacTest, MatchesRfc4231) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"), kJefe);
  // Test case 1: key 0x0b x 20, "Hi There".
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacTest, EachMessageUnderTheSameKeyStartsAfresh) {
  // The thread's context for a key is re-initialised per message: nothing
  // of the previous message may remain in it.
  for (const char* before : {"", "x", "a longer message than the one after it, by far"}) {
    HmacSha256Hex("Jefe", before);
    EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"), kJefe) << before;
  }
}

TEST(HmacTest, ManyKeysInTurnEachGiveTheirOwnDigest) {
  std::vector<std::string> first;
  for (int round = 0; round < 3; ++round) {
    for (int k = 0; k < 20; ++k) {  // more keys than a thread caches
      const std::string digest = HmacSha256Hex("key-" + std::to_string(k), "data");
      if (round == 0) {
        first.push_back(digest);
      } else {
        EXPECT_EQ(digest, first[k]) << "key " << k << " round " << round;
      }
    }
  }
  EXPECT_NE(first[0], first[1]);
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"), kJefe);
}

TEST(HmacTest, ThreadsAgree) {
  std::vector<std::thread> threads;
  std::vector<std::string> got(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&got, t] {
      for (int i = 0; i < 100; ++i) got[t] = HmacSha256Hex("Jefe", "what do ya want for nothing?");
    });
  }
  for (auto& thread : threads) thread.join();
  for (const std::string& digest : got) EXPECT_EQ(digest, kJefe);
}

}  // namespace
}  // namespace sqms::runtime
