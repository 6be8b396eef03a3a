#pragma once
// Whether a target took a delivery, judged from its HTTP answer. Pure.
//
// The group-chat robots answer HTTP 200 also when they refuse a message
// (wrong keyword or signature, IP not allowed, sent too fast): the verdict
// is an error code in the JSON body. So a 2xx is a delivery only when the
// body says so, per target kind:
//   dingtalk, wecom  {"errcode":0,…}; any other errcode is a refusal
//                    (DingTalk 310000 keyword/signature/IP, 410100 and
//                    130101 too fast; WeCom 45009 too fast, 93000…)
//   feishu           {"code":0,…} (current) or {"StatusCode":0,…} (older
//                    bots); every one of the two present must be 0
//                    (9499, 11232 too fast, 19021 signature, 19024 keyword)
//   generic          any 2xx, the body unread
// A robot's 2xx whose body carries no such code (not JSON, a proxy's
// page) is not a delivery either: nobody can tell it reached the group.
// Anything not delivered is a failed attempt, retried like a 5xx up to the
// target's max_attempts (NextAttempt) — except a throttle.
//
// A throttle is the target saying "too fast, later", which says nothing
// about whether it works; retried quickly it burns the attempts and loses
// the page in a storm, exactly when pages matter. The throttle answers and
// how long each target kind blocks:
//   dingtalk  errcode 130101 / 410100: 10 minutes (more than 20 messages a
//             minute block the robot for 10 minutes)
//   wecom     errcode 45009: 1 minute (20 messages a minute)
//   feishu    code 9499 / 11232: 1 minute
//   any kind  HTTP 429: its Retry-After seconds (1..3600), else 1 minute

#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "services/alerts/notify/target.h"

namespace sqms::alerts::notify {

struct ReplyVerdict {
  bool delivered = false;
  // Why not, for the delivery's last_error: the robot's code and message
  // ("errcode 310000: keywords not in content"), or the start of a non-2xx
  // body. Empty when delivered. At most 200 bytes, cut on a UTF-8
  // character boundary (the robots' messages are often Chinese).
  std::string error;
  // > 0: a throttle; send nothing more to the target for this long.
  absl::Duration throttled = absl::ZeroDuration();
};

// The verdict on an HTTP answer `http_status` with `body` (and, for a 429,
// its Retry-After header, "" when absent) from a target of `kind`.
ReplyVerdict JudgeReply(TargetKind kind, int http_status, std::string_view body,
                        std::string_view retry_after = "");

// How long a throttle may hold a delivery before its attempts count again:
// within it a throttled delivery is never "failed", whatever its attempts.
inline constexpr absl::Duration kThrottlePatience = absl::Hours(1);

// What follows an attempt that was not a delivery.
struct NextAttempt {
  bool give_up = false;  // "failed": no more attempts
  absl::Time retry_at;   // when not giving up
};

// After the `attempts`-th attempt (≥ 1) of a delivery created at
// `created_at` got `verdict` (not delivered) at `now`: a throttled one is
// retried no sooner than the throttle ends and never given up within
// kThrottlePatience of its creation; otherwise it is given up at the
// target's max_attempts, else retried after RetryDelay (`unit_random` ∈
// [0, 1) for its jitter).
NextAttempt AfterFailedAttempt(const Target& target, int attempts, const ReplyVerdict& verdict,
                               absl::Time created_at, absl::Time now, double unit_random);

}  // namespace sqms::alerts::notify
