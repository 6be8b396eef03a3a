#include "services/alerts/notify/reply.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace sqms::alerts::notify {
namespace {

using nlohmann::json;

constexpr size_t kMaxError = 200;

// The first `max` bytes of `text`, not cutting a UTF-8 character in two
// (last_error goes into a proto string, which must be valid UTF-8).
std::string Truncate(std::string_view text, size_t max = kMaxError) {
  if (text.size() <= max) return std::string(text);
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

// The integer at `key` of `body`, if there is one.
std::optional<int64_t> IntAt(const json& body, const char* key) {
  if (!body.is_object() || !body.contains(key) || !body[key].is_number_integer()) {
    return std::nullopt;
  }
  return body[key].get<int64_t>();
}

std::string StringAt(const json& body, const char* key) {
  if (!body.is_object() || !body.contains(key) || !body[key].is_string()) return "";
  return body[key].get<std::string>();
}

// How long a robot's refusal `code` blocks it (reply.h), zero when the code
// is no throttle.
absl::Duration ThrottleOf(TargetKind kind, int64_t code) {
  switch (kind) {
    case TargetKind::kDingTalk:
      return code == 130101 || code == 410100 ? absl::Minutes(10) : absl::ZeroDuration();
    case TargetKind::kWeCom:
      return code == 45009 ? absl::Minutes(1) : absl::ZeroDuration();
    case TargetKind::kFeishu:
      return code == 9499 || code == 11232 ? absl::Minutes(1) : absl::ZeroDuration();
    case TargetKind::kGeneric:
      break;
  }
  return absl::ZeroDuration();
}

// A 429's wait: Retry-After in whole seconds when it says 1..3600 (the
// HTTP-date form is not used by the targets we know), else a minute.
absl::Duration TooManyRequestsWait(std::string_view retry_after) {
  int seconds = 0;
  if (absl::SimpleAtoi(std::string(retry_after), &seconds) && seconds >= 1 && seconds <= 3600) {
    return absl::Seconds(seconds);
  }
  return absl::Minutes(1);
}

ReplyVerdict Refused(TargetKind kind, const char* field, int64_t code, const std::string& message) {
  return {false, Truncate(absl::StrCat(field, " ", code, message.empty() ? "" : ": ", message)),
          ThrottleOf(kind, code)};
}

ReplyVerdict NoCode(const char* fields, std::string_view body) {
  // absl::StrCat takes absl::string_view, not std::string_view (Debian's absl).
  return {false,
          Truncate(absl::StrCat("2xx without ", fields,
                                " in the body: ", std::string(body.substr(0, kMaxError)))),
          absl::ZeroDuration()};
}

// DingTalk and WeCom: {"errcode":0,"errmsg":"ok"}.
ReplyVerdict JudgeErrcode(TargetKind kind, const json& body, std::string_view raw) {
  std::optional<int64_t> code = IntAt(body, "errcode");
  if (!code) return NoCode("an errcode", raw);
  if (*code != 0) return Refused(kind, "errcode", *code, StringAt(body, "errmsg"));
  return {true, "", absl::ZeroDuration()};
}

// Feishu: {"code":0,"msg":"success"} and/or {"StatusCode":0,…}.
ReplyVerdict JudgeFeishu(const json& body, std::string_view raw) {
  std::optional<int64_t> code = IntAt(body, "code");
  std::optional<int64_t> status_code = IntAt(body, "StatusCode");
  if (!code && !status_code) return NoCode("a code or StatusCode", raw);
  if (code && *code != 0) return Refused(TargetKind::kFeishu, "code", *code, StringAt(body, "msg"));
  if (status_code && *status_code != 0) {
    return Refused(TargetKind::kFeishu, "StatusCode", *status_code,
                   StringAt(body, "StatusMessage"));
  }
  return {true, "", absl::ZeroDuration()};
}

}  // namespace

ReplyVerdict JudgeReply(TargetKind kind, int http_status, std::string_view body,
                        std::string_view retry_after) {
  if (http_status == 429) return {false, Truncate(body), TooManyRequestsWait(retry_after)};
  if (http_status / 100 != 2) return {false, Truncate(body), absl::ZeroDuration()};
  if (kind == TargetKind::kGeneric) return {true, "", absl::ZeroDuration()};
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  switch (kind) {
    case TargetKind::kDingTalk:
    case TargetKind::kWeCom:
      return JudgeErrcode(kind, parsed, body);
    case TargetKind::kFeishu:
      return JudgeFeishu(parsed, body);
    case TargetKind::kGeneric:
      break;
  }
  return {true, "", absl::ZeroDuration()};
}

NextAttempt AfterFailedAttempt(const Target& target, int attempts, const ReplyVerdict& verdict,
                               absl::Time created_at, absl::Time now, double unit_random) {
  const absl::Duration backoff = RetryDelay(target, attempts, unit_random);
  if (verdict.throttled > absl::ZeroDuration() && now - created_at < kThrottlePatience) {
    return {false, now + std::max(backoff, verdict.throttled)};
  }
  if (attempts >= target.max_attempts) return {true, now};
  return {false, now + backoff};
}

}  // namespace sqms::alerts::notify
