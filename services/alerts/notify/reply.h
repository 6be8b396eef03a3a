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
// target's max_attempts.

#include <string>
#include <string_view>

#include "services/alerts/notify/target.h"

namespace sqms::alerts::notify {

struct ReplyVerdict {
  bool delivered = false;
  // Why not, for the delivery's last_error: the robot's code and message
  // ("errcode 310000: keywords not in content"), or the start of a non-2xx
  // body. Empty when delivered. At most 200 bytes, cut on a UTF-8
  // character boundary (the robots' messages are often Chinese).
  std::string error;
};

// The verdict on an HTTP answer `http_status` with `body` from a target of
// `kind`.
ReplyVerdict JudgeReply(TargetKind kind, int http_status, std::string_view body);

}  // namespace sqms::alerts::notify
