#include "redis_slot.h"

#include <array>
#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace sqms::runtime::internal {
namespace {

// CRC16/XMODEM (polynomial 0x1021, initial 0), the one Redis Cluster uses.
constexpr std::array<uint16_t, 256> MakeCrcTable() {
  std::array<uint16_t, 256> table{};
  for (int i = 0; i < 256; ++i) {
    uint16_t crc = static_cast<uint16_t>(i << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = static_cast<uint16_t>((crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    table[static_cast<size_t>(i)] = crc;
  }
  return table;
}
constexpr std::array<uint16_t, 256> kCrcTable = MakeCrcTable();

uint16_t Crc16(std::string_view data) {
  uint16_t crc = 0;
  for (unsigned char byte : data) {
    crc = static_cast<uint16_t>((crc << 8) ^ kCrcTable[((crc >> 8) ^ byte) & 0xff]);
  }
  return crc;
}

bool IsKeyless(const std::string& upper) {
  static const auto* const kKeyless = new std::unordered_set<std::string_view>{
      "PING",   "ECHO",     "INFO",    "CLUSTER", "SCRIPT",    "CONFIG",       "DBSIZE",
      "TIME",   "AUTH",     "HELLO",   "CLIENT",  "DEBUG",     "SELECT",       "COMMAND",
      "WAIT",   "MULTI",    "EXEC",    "DISCARD", "FLUSHALL",  "FLUSHDB",      "RANDOMKEY",
      "KEYS",   "SCAN",     "SAVE",    "BGSAVE",  "LASTSAVE",  "BGREWRITEAOF", "FUNCTION",
      "ROLE",   "READONLY", "READWRITE", "ASKING", "SLOWLOG",  "LATENCY",      "PUBLISH",
      "MONITOR", "SHUTDOWN", "SWAPDB", "FAILOVER", "REPLICAOF", "SLAVEOF",     "QUIT"};
  return kKeyless->count(upper) != 0;
}

}  // namespace

int RedisKeySlot(std::string_view key) {
  if (size_t open = key.find('{'); open != std::string_view::npos) {
    size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  return Crc16(key) % kRedisSlots;
}

std::optional<int> RedisCommandSlot(const std::vector<std::string>& argv) {
  if (argv.size() < 2) return std::nullopt;
  const std::string name = absl::AsciiStrToUpper(argv[0]);
  if (IsKeyless(name)) return std::nullopt;
  if (name == "EVAL" || name == "EVALSHA" || name == "EVAL_RO" || name == "EVALSHA_RO" ||
      name == "FCALL" || name == "FCALL_RO") {
    int numkeys = 0;
    if (argv.size() < 4 || !absl::SimpleAtoi(argv[2], &numkeys) || numkeys < 1) {
      return std::nullopt;
    }
    return RedisKeySlot(argv[3]);
  }
  if (name == "XREAD" || name == "XREADGROUP") {
    for (size_t i = 1; i + 1 < argv.size(); ++i) {
      if (absl::AsciiStrToUpper(argv[i]) == "STREAMS") return RedisKeySlot(argv[i + 1]);
    }
    return std::nullopt;
  }
  if (name == "OBJECT" || name == "MEMORY") {
    if (argv.size() < 3) return std::nullopt;
    return RedisKeySlot(argv[2]);
  }
  return RedisKeySlot(argv[1]);
}

absl::StatusOr<std::optional<int>> RedisKeysSlot(const std::vector<std::string>& keys) {
  std::optional<int> slot;
  for (size_t i = 0; i < keys.size(); ++i) {
    int s = RedisKeySlot(keys[i]);
    if (!slot.has_value()) {
      slot = s;
    } else if (*slot != s) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis cluster: script keys \"", keys[0], "\" and \"", keys[i],
                       "\" are in different slots (", *slot, ", ", s, "); share a {hash tag}"));
    }
  }
  return slot;
}

}  // namespace sqms::runtime::internal
