#include "redis_cluster_topology.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "redis_slot.h"

namespace sqms::runtime::internal {

absl::StatusOr<std::vector<RedisSlotRange>> ParseClusterSlots(const RedisReply& reply,
                                                              const std::string& asked_host) {
  auto bad = [](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("redis cluster: bad CLUSTER SLOTS reply: ", why));
  };
  if (reply.type != RedisReply::Type::kArray) {
    return bad(reply.type == RedisReply::Type::kError ? reply.str : "not an array");
  }
  std::vector<RedisSlotRange> ranges;
  for (const RedisReply& entry : reply.elements) {
    if (entry.type != RedisReply::Type::kArray || entry.elements.size() < 3 ||
        entry.elements[0].type != RedisReply::Type::kInteger ||
        entry.elements[1].type != RedisReply::Type::kInteger) {
      return bad("an entry is not [first, last, primary, ...]");
    }
    const RedisReply& node = entry.elements[2];
    if (node.type != RedisReply::Type::kArray || node.elements.size() < 2 ||
        node.elements[1].type != RedisReply::Type::kInteger) {
      return bad("a node is not [host, port, ...]");
    }
    RedisSlotRange range;
    range.first = static_cast<int>(entry.elements[0].integer);
    range.last = static_cast<int>(entry.elements[1].integer);
    if (range.first < 0 || range.last >= kRedisSlots || range.first > range.last) {
      return bad(absl::StrCat("slot range ", range.first, "-", range.last));
    }
    std::string host = node.elements[0].str;
    if (host.empty() || host == "?") host = asked_host;
    range.primary = absl::StrCat(host, ":", node.elements[1].integer);
    ranges.push_back(std::move(range));
  }
  return ranges;
}

std::optional<RedisClusterError> ParseClusterError(const RedisReply& reply) {
  if (reply.type != RedisReply::Type::kError) return std::nullopt;
  const std::string& text = reply.str;
  if (absl::StartsWith(text, "TRYAGAIN")) {
    return RedisClusterError{RedisClusterError::Kind::kTryAgain, -1, ""};
  }
  if (absl::StartsWith(text, "CLUSTERDOWN")) {
    return RedisClusterError{RedisClusterError::Kind::kClusterDown, -1, ""};
  }
  const bool moved = absl::StartsWith(text, "MOVED ");
  if (!moved && !absl::StartsWith(text, "ASK ")) return std::nullopt;
  std::vector<std::string> parts = absl::StrSplit(text, ' ', absl::SkipEmpty());
  int slot = -1;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[1], &slot) || slot < 0 ||
      slot >= kRedisSlots || parts[2].find(':') == std::string::npos) {
    return std::nullopt;
  }
  // Redis 7 may announce an unknown endpoint as ":port"; the caller fills in
  // the host it asked.
  return RedisClusterError{moved ? RedisClusterError::Kind::kMoved : RedisClusterError::Kind::kAsk,
                           slot, parts[2]};
}

}  // namespace sqms::runtime::internal
