// The token bucket behind rate-limited security log lines, on a fake clock.
#include "sqms/runtime/log_rate_limiter.h"

#include <atomic>
#include <chrono>
#include <cstdint>

#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

class LogRateLimiterTest : public ::testing::Test {
 protected:
  void Advance(std::chrono::milliseconds d) { now_ms_ += d.count(); }
  LogRateLimiter::Clock clock() {
    return [this] {
      return std::chrono::steady_clock::time_point(std::chrono::milliseconds(now_ms_.load()));
    };
  }
  std::atomic<int64_t> now_ms_{3600 * 1000};
};

TEST_F(LogRateLimiterTest, BurstThenSuppressesAndReportsTheCountWithTheNextLine) {
  LogRateLimiter limiter(/*per_second=*/2, /*burst=*/3, clock());
  for (int i = 0; i < 3; ++i) {
    auto d = limiter.Acquire();
    EXPECT_TRUE(d.write);
    EXPECT_EQ(d.suppressed, 0);
  }
  for (int i = 0; i < 97; ++i) EXPECT_FALSE(limiter.Acquire().write);
  Advance(std::chrono::milliseconds(500));  // one token at 2/s
  auto d = limiter.Acquire();
  EXPECT_TRUE(d.write);
  EXPECT_EQ(d.suppressed, 97);
  EXPECT_FALSE(limiter.Acquire().write);
  Advance(std::chrono::milliseconds(500));
  d = limiter.Acquire();
  EXPECT_TRUE(d.write);
  EXPECT_EQ(d.suppressed, 1);  // counted anew after each report
}

TEST_F(LogRateLimiterTest, RefillNeverExceedsTheBurst) {
  LogRateLimiter limiter(/*per_second=*/10, /*burst=*/5, clock());
  Advance(std::chrono::hours(1));
  int written = 0;
  for (int i = 0; i < 100; ++i) written += limiter.Acquire().write ? 1 : 0;
  EXPECT_EQ(written, 5);
}

TEST_F(LogRateLimiterTest, AtMostTheRateOverTime) {
  LogRateLimiter limiter(/*per_second=*/5, /*burst=*/10, clock());
  int written = 0;
  int64_t reported = 0;
  for (int ms = 0; ms < 10000; ms += 10) {  // 100 attempts a second for 10 s
    auto d = limiter.Acquire();
    if (d.write) ++written;
    reported += d.suppressed;
    Advance(std::chrono::milliseconds(10));
  }
  EXPECT_LE(written, 10 + 5 * 10);
  EXPECT_GE(written, 5 * 10);
  // Every attempt is either written or counted: those dropped last are
  // reported with the next line written.
  Advance(std::chrono::seconds(1));
  auto last = limiter.Acquire();
  ASSERT_TRUE(last.write);
  EXPECT_EQ(written + reported + last.suppressed, 1000);
}

}  // namespace
}  // namespace sqms::runtime
