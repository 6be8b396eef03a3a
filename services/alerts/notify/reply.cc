#include "services/alerts/notify/reply.h"

#include <cstddef>
#include <cstdint>
#include <optional>

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

ReplyVerdict Refused(const char* field, int64_t code, const std::string& message) {
  return {false, Truncate(absl::StrCat(field, " ", code, message.empty() ? "" : ": ", message))};
}

ReplyVerdict NoCode(const char* fields, std::string_view body) {
  // absl::StrCat takes absl::string_view, not std::string_view (Debian's absl).
  return {false, Truncate(absl::StrCat("2xx without ", fields,
                                       " in the body: ", std::string(body.substr(0, kMaxError))))};
}

// DingTalk and WeCom: {"errcode":0,"errmsg":"ok"}.
ReplyVerdict JudgeErrcode(const json& body, std::string_view raw) {
  std::optional<int64_t> code = IntAt(body, "errcode");
  if (!code) return NoCode("an errcode", raw);
  if (*code != 0) return Refused("errcode", *code, StringAt(body, "errmsg"));
  return {true, ""};
}

// Feishu: {"code":0,"msg":"success"} and/or {"StatusCode":0,…}.
ReplyVerdict JudgeFeishu(const json& body, std::string_view raw) {
  std::optional<int64_t> code = IntAt(body, "code");
  std::optional<int64_t> status_code = IntAt(body, "StatusCode");
  if (!code && !status_code) return NoCode("a code or StatusCode", raw);
  if (code && *code != 0) return Refused("code", *code, StringAt(body, "msg"));
  if (status_code && *status_code != 0) {
    return Refused("StatusCode", *status_code, StringAt(body, "StatusMessage"));
  }
  return {true, ""};
}

}  // namespace

ReplyVerdict JudgeReply(TargetKind kind, int http_status, std::string_view body) {
  if (http_status / 100 != 2) return {false, Truncate(body)};
  if (kind == TargetKind::kGeneric) return {true, ""};
  const json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  switch (kind) {
    case TargetKind::kDingTalk:
    case TargetKind::kWeCom:
      return JudgeErrcode(parsed, body);
    case TargetKind::kFeishu:
      return JudgeFeishu(parsed, body);
    case TargetKind::kGeneric:
      break;
  }
  return {true, ""};
}

}  // namespace sqms::alerts::notify
