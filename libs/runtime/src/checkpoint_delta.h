#pragma once
// How a state delta travels to the checkpoint script (checkpoint_store.cc).
//
// Called from Lua once per field, HINCRBY costs Redis about 4 µs of CPU,
// mostly the cost of the call itself, and a metrics checkpoint carries tens
// of thousands of them: the script, which holds Redis for its whole run,
// spent most of its time there. So the HINCRBYs of one key are sent as one
// group, and the script reads the group's fields with one HMGET, adds in Lua
// and writes them back with one HSET.
//
// What this encoding guarantees, for the script's reader:
//  - Redis ends in the state the writes applied one by one in order would
//    leave: HINCRBYs of a key move forward only past writes to other keys
//    (which they commute with) and past HINCRBYs of the same key, and a
//    group is closed by any other write to its key, so a later HINCRBY
//    starts a new group after it;
//  - within a group each field appears once, its increments summed (a sum
//    beyond int64 closes the group instead, so Redis reports the overflow
//    as it would have);
//  - a group has at most kMaxGroupFields fields (Lua 5.1's unpack is
//    limited to 8,000 values); a longer one is sent as several;
//  - a HINCRBY of several fields (checkpoint_store.h) joins its key's
//    group field by field;
//  - an increment that is not a plain integer as Redis writes one (e.g.
//    "+1", "01", "x") is not grouped: its write goes as one HINCRBY per
//    field, and Redis refuses that one as before.
//
// ARGV layout, appended to `args`: the op count, then per op either
//   <COMMAND> <key index> <arg count> <args...>            one write as given
//   +         <key index> <field count> <field> <by> ...   a group
// ("+" is no Redis command, so it cannot be mistaken for one).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sqms/runtime/checkpoint_store.h"

namespace sqms::runtime::internal {

inline constexpr size_t kMaxGroupFields = 1000;

// Appends `writes` in the layout above to `args`; `key_index` returns a
// key's 1-based index in the script's KEYS. INVALID_ARGUMENT, with `args`
// unchanged, when a command is not allowed in a state delta
// (checkpoint_store.h lists them) or a HINCRBY has no field, or a field
// without its increment.
absl::Status EncodeDelta(const StateDelta& writes,
                         const std::function<int(const std::string&)>& key_index,
                         std::vector<std::string>& args);

}  // namespace sqms::runtime::internal
