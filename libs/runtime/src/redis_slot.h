#pragma once
// Internal to sqms_runtime: Redis Cluster hash slots. A key's slot is
// CRC16(key) mod 16384 (XMODEM CRC16, as Redis computes it), where a key
// holding a non-empty "{tag}" is hashed by the tag alone (the first '{' and
// the first '}' after it), so keys sharing a tag share a slot.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace sqms::runtime::internal {

inline constexpr int kRedisSlots = 16384;

// 0..16383.
int RedisKeySlot(std::string_view key);

// The slot a command is routed by: that of its first key — argv[1] for most
// commands; the first KEYS entry of EVAL/EVALSHA/FCALL (…_RO); the first
// stream after STREAMS of XREAD/XREADGROUP; argv[2] of OBJECT/MEMORY
// subcommands — or nullopt for a command without keys (PING, INFO,
// CLUSTER …, SCRIPT …, an EVAL with 0 keys), which any node may answer.
std::optional<int> RedisCommandSlot(const std::vector<std::string>& argv);

// The one slot all `keys` hash to (nullopt when there are none), or
// INVALID_ARGUMENT naming two keys in different slots.
absl::StatusOr<std::optional<int>> RedisKeysSlot(const std::vector<std::string>& keys);

}  // namespace sqms::runtime::internal
