#pragma once
// Notification targets (config key `targets`) and what is sent to them: an
// HTTP webhook whose JSON body comes from a template — a generic JSON
// receiver, or the group-chat robots Chinese operations teams use, in their
// documented formats:
//   dingtalk  {"msgtype":"markdown","markdown":{"title":…,"text":…}}
//             (open.dingtalk.com, custom robot)
//   wecom     {"msgtype":"markdown","markdown":{"content":…}}
//             (developer.work.weixin.qq.com, group robot)
//   feishu    {"msg_type":"text","content":{"text":…}}
//             (open.feishu.cn, custom bot)
//   generic   the Notification itself as JSON (below)

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace sqms::alerts::notify {

enum class TargetKind { kGeneric, kDingTalk, kWeCom, kFeishu };
std::string_view TargetKindName(TargetKind kind);  // "generic", "dingtalk", …
bool ParseTargetKind(std::string_view text, TargetKind* out);

struct Target {
  std::string id;                 // [a-z0-9][a-z0-9-]*
  TargetKind kind = TargetKind::kGeneric;
  std::string url;                // http:// or https://
  // Extra headers, e.g. {"Authorization", "Bearer …"}. In the YAML a value
  // may be `{file: /path}` or `{env: NAME}` so secrets stay out of the file.
  std::vector<std::pair<std::string, std::string>> headers;
  double rate_per_minute = 60;    // > 0; beyond it deliveries wait
  int max_attempts = 8;           // ≥ 1; then the delivery is "failed"
  absl::Duration retry_initial = absl::Seconds(1);
  absl::Duration retry_max = absl::Minutes(5);
  absl::Duration timeout = absl::Seconds(5);
};

// What one delivery says. `kind`: pages "triggered" (tier 0), "escalated",
// "repeated"; notices to the tiers paged "acknowledged", "resolved".
struct Notification {
  std::string delivery_id;   // unique; receivers may dedupe on it (also a header)
  std::string kind;
  std::string incident_id;
  std::string plan_id;
  std::string plan_name;
  std::string title;
  std::string level;         // "I" … "IV"
  std::string state;
  int tier = 0;
  int repeat = 0;
  bool drill = false;        // the text starts with "[DRILL]"
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<std::string> recipients;  // people / roles notified
  absl::Time opened_at;
  // Who acknowledged the incident and when ("" / InfinitePast while nobody
  // has): what an "acknowledged" notice is about.
  std::string acknowledged_by;
  absl::Time acknowledged_at = absl::InfinitePast();
  absl::Time sent_at;
  int64_t version = 0;       // the incident version this delivery was decided at
  // The operator's zone (time_zone): the robots' texts, read by people,
  // show times in it with the offset; the generic JSON stays UTC.
  absl::TimeZone zone = absl::UTCTimeZone();
};

// The request body for `kind` (valid JSON, UTF-8).
std::string RenderBody(TargetKind kind, const Notification& n);
// One line of text, e.g. "[DRILL] [I] Safety complaint — triggered (tier 1) …".
std::string Summary(const Notification& n);

// Delay before attempt `attempt` + 1 after `attempt` failures (≥ 1):
// retry_initial × 2^(attempt−1), capped at retry_max, times a jitter factor
// in [0.5, 1.0] from `unit_random` ∈ [0, 1) ("equal jitter").
absl::Duration RetryDelay(const Target& target, int attempt, double unit_random);

// A token bucket per target: capacity = max(1, rate_per_minute / 6), refilled
// at rate_per_minute. Not thread-safe (the dispatcher holds a lock).
class RateLimiter {
 public:
  explicit RateLimiter(double rate_per_minute);
  // Takes a token at `now` and returns zero, or returns how long until one
  // is available (taking nothing).
  absl::Duration Take(absl::Time now);
  // The target asked us to wait: Take gives no token before `until` (a
  // later pause extends it, an earlier one changes nothing).
  void PauseUntil(absl::Time until);

 private:
  double rate_per_second_;
  double capacity_;
  double tokens_;
  absl::Time last_ = absl::InfinitePast();
  absl::Time paused_until_ = absl::InfinitePast();
};

}  // namespace sqms::alerts::notify
