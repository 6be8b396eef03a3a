#pragma once
// How a state delta travels to the checkpoint script (checkpoint_store.cc).
//
// Called from Lua once per field, HINCRBY cost Redis about 4.5 µs of CPU
// per field in the metrics benchmark (docs/benchmarks.md), and a metrics
// checkpoint carries tens of thousands of them, in a script that holds
// Redis for its whole run. So the HINCRBYs of one key are sent as one
// group, and the script reads the group's fields with one HMGET, adds in
// Lua and writes them back with one HSET: ~40 % less Redis CPU.
//
// What this encoding guarantees, for the script's reader:
//  - Redis ends in the state the writes applied one by one in order would
//    leave: HINCRBYs of a key move forward only past writes to other keys
//    (which they commute with: every write has its one key, so a DEL with
//    more keys is refused) and past HINCRBYs of the same key, and a group
//    is closed by any other write to its key, so a later HINCRBY starts a
//    new group after it;
//  - not the same partial state, though, when Redis fails a write inside
//    the script (INTERNAL): what was applied before it is not a prefix of
//    the writes in their order;
//  - the script writes a group with HSET, which (Redis 7.4+) drops a
//    field's own TTL where HINCRBY keeps it: state keys use no field TTLs;
//  - within a group each field appears once, its increments summed while
//    they have one sign and the sum fits an int64 (otherwise the group is
//    closed and a new one starts), so Redis refuses an overflow exactly
//    when one write at a time would have hit it;
//  - a group has at most kMaxGroupFields fields (Lua 5.1's unpack is
//    limited to 8,000 values); a longer one is sent as several;
//  - a HINCRBY of several fields (checkpoint_store.h) joins its key's
//    group field by field;
//  - an increment that is not an int64 as Redis writes one (e.g. "+1",
//    "01", "x"), which Redis would refuse in the middle of the script, is
//    refused before anything is sent.
//
// HADDVECTOR (checkpoint_store.h) is sent in its place among the writes,
// closing its key's group like any other write to the key, as at most
// kMaxGroupFields fields per op. Its field's delta travels as 10-byte
// entries, the non-zero elements only: the element's index (uint16) and
// its value (int64), little-endian, indices increasing (so a delta has at
// most kMaxVectorLength entries: Lua's unpack takes about 8,000 values).
// Refused before anything is sent: a field named twice in one write, a
// delta not made of whole entries, with indices not increasing, or with
// an index from kMaxVectorLength on (AddVector writes such a delta for a
// vector longer than that).
//
// ARGV layout, appended to `args`: the op count, then per op either
//   <COMMAND> <key index> <arg count> <args...>            one write as given
//   +         <key index> <field count> <field> <by> ...   a group
//   v         <key index> <field count> <field> <delta> ...  HADDVECTOR
// ("+" and "v" are no Redis commands, so they cannot be mistaken for one).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "sqms/runtime/checkpoint_store.h"

namespace sqms::runtime::internal {

inline constexpr size_t kMaxGroupFields = 1000;

// The delta entries of `values` (above), indices increasing; longer than
// kMaxVectorLength: an entry EncodeDelta refuses.
std::string PackVectorDelta(std::span<const int64_t> values);
// A stored vector (little-endian int64s); nullopt unless whole values.
std::optional<std::vector<int64_t>> UnpackVector(std::string_view stored);
// Adds the entries of `delta` to `into` (checkpoint_store.h, AddVectorDelta).
absl::Status AddPackedDelta(std::string_view delta, std::vector<int64_t>& into);

// Appends `writes` in the layout above to `args`; `key_index` returns a
// key's 1-based index in the script's KEYS. INVALID_ARGUMENT, with `args`
// unchanged, when a command is not allowed in a state delta
// (checkpoint_store.h lists them), a DEL names more than its key, a
// HINCRBY has no field, a field without its increment, or an increment
// Redis would refuse, or a HADDVECTOR is malformed (above).
absl::Status EncodeDelta(const StateDelta& writes,
                         const std::function<int(const std::string&)>& key_index,
                         std::vector<std::string>& args);

}  // namespace sqms::runtime::internal
