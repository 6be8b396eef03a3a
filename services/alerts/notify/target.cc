// Target kinds, the retry schedule and the per-target token bucket. The
// bodies and summaries sent to targets are rendered in render.cc.

#include "services/alerts/notify/target.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace sqms::alerts::notify {
namespace {

struct KindName {
  TargetKind kind;
  std::string_view name;
};

constexpr std::array<KindName, 4> kKindNames = {{
    {TargetKind::kGeneric, "generic"},
    {TargetKind::kDingTalk, "dingtalk"},
    {TargetKind::kWeCom, "wecom"},
    {TargetKind::kFeishu, "feishu"},
}};

// A millionth of a token: absorbs rounding, so that waiting exactly the
// time Take returned always yields a token (at rates up to 1000 a second).
constexpr double kTolerance = 1e-6;

}  // namespace

std::string_view TargetKindName(TargetKind kind) {
  for (const KindName& entry : kKindNames) {
    if (entry.kind == kind) return entry.name;
  }
  return "generic";
}

bool ParseTargetKind(std::string_view text, TargetKind* out) {
  for (const KindName& entry : kKindNames) {
    if (entry.name == text) {
      *out = entry.kind;
      return true;
    }
  }
  return false;
}

absl::Duration RetryDelay(const Target& target, int attempt, double unit_random) {
  // Doubling stops at the cap, so a large attempt count cannot overflow.
  absl::Duration delay = target.retry_initial;
  for (int i = 1; i < attempt && delay < target.retry_max; ++i) delay *= 2;
  delay = std::min(delay, target.retry_max);
  double jitter = std::clamp(unit_random, 0.0, 1.0);
  return delay / 2 + (delay / 2) * jitter;
}

RateLimiter::RateLimiter(double rate_per_minute)
    : rate_per_second_(rate_per_minute / 60),
      capacity_(std::max(1.0, rate_per_minute / 6)),
      tokens_(capacity_) {}

void RateLimiter::PauseUntil(absl::Time until) { paused_until_ = std::max(paused_until_, until); }

absl::Duration RateLimiter::Take(absl::Time now) {
  if (now < paused_until_) return paused_until_ - now;
  // A clock that steps back refills nothing (and does not move last_ back).
  if (last_ != absl::InfinitePast() && now > last_) {
    double elapsed = absl::ToDoubleSeconds(now - last_);
    tokens_ = std::min(capacity_, tokens_ + elapsed * rate_per_second_);
  }
  last_ = std::max(last_, now);
  if (tokens_ >= 1 - kTolerance) {
    tokens_ = std::max(0.0, tokens_ - 1);
    return absl::ZeroDuration();
  }
  if (rate_per_second_ <= 0) return absl::InfiniteDuration();
  // Whole microseconds, rounded up unless floating-point noise (under a
  // nanosecond) is all that lies beyond one: 60 s, not 60.000001 s.
  absl::Duration wait = absl::Seconds((1 - tokens_) / rate_per_second_);
  return absl::Ceil(wait - absl::Nanoseconds(1), absl::Microseconds(1));
}

}  // namespace sqms::alerts::notify
