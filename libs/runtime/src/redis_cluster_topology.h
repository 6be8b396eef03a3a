#pragma once
// Internal to sqms_runtime: what a Redis Cluster says about its topology —
// the slot map (CLUSTER SLOTS) and the redirects and refusals in error
// replies (MOVED, ASK, TRYAGAIN, CLUSTERDOWN). Pure parsing, no I/O.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::runtime::internal {

// Slots first..last (inclusive) served by `primary` ("host:port").
struct RedisSlotRange {
  int first = 0;
  int last = 0;
  std::string primary;
};

// Parses a CLUSTER SLOTS reply. A node listed without a host (an empty
// string or "?") is the one that was asked, `asked_host`.
// INVALID_ARGUMENT when the reply is not shaped like one.
absl::StatusOr<std::vector<RedisSlotRange>> ParseClusterSlots(const RedisReply& reply,
                                                              const std::string& asked_host);

// What a cluster error reply asks of the client.
struct RedisClusterError {
  enum class Kind {
    kMoved,        // "MOVED <slot> <host:port>": the slot lives there now
    kAsk,          // "ASK <slot> <host:port>": this once, ASKING there
    kTryAgain,     // "TRYAGAIN": a multi-key command during a migration
    kClusterDown,  // "CLUSTERDOWN": no quorum / slot not served right now
  };
  Kind kind;
  int slot = -1;
  std::string address;  // kMoved, kAsk
};

// The cluster error in `reply`, or nullopt for anything else (a reply that
// is not an error, or an error the caller must see, such as CROSSSLOT).
std::optional<RedisClusterError> ParseClusterError(const RedisReply& reply);

}  // namespace sqms::runtime::internal
