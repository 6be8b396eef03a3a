#include "sqms/runtime/outbox_lease.h"

#include <unistd.h>

#include <algorithm>
#include <memory>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"

namespace sqms::runtime {
namespace {

// KEYS: lease, fence; ARGV: 1 owner, 2 ttl_ms. Returns the token (> 0)
// when held by the caller after the call, 0 when held by another.
constexpr char kAcquire[] = R"lua(
local v = redis.call('GET', KEYS[1])
if v then
  local sep = string.find(v, ' [^ ]*$')
  if sep and string.sub(v, 1, sep - 1) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(string.sub(v, sep + 1))
  end
  return 0
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. token, 'PX', ARGV[2])
return token
)lua";

// KEYS: lease, stream; ARGV: 1 "owner token", 2.. ids. -1 when fenced off.
constexpr char kDelete[] = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
return redis.call('XDEL', KEYS[2], unpack(ARGV, 2))
)lua";

// KEYS: lease; ARGV: 1 "owner token".
constexpr char kRelease[] = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

// Built once, never freed (scripts outlive every caller).
const LuaScript& AcquireScript() {
  static const auto* script = new LuaScript(kAcquire);
  return *script;
}
const LuaScript& DeleteScript() {
  static const auto* script = new LuaScript(kDelete);
  return *script;
}
const LuaScript& ReleaseScript() {
  static const auto* script = new LuaScript(kRelease);
  return *script;
}

// The answers of one DeleteMany, filled on Redis I/O threads.
struct PendingDeletes {
  absl::Mutex mu;
  int left ABSL_GUARDED_BY(mu) = 0;
  std::vector<absl::StatusOr<int64_t>> results ABSL_GUARDED_BY(mu);
  bool Done() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return left == 0; }
};

constexpr size_t kDeleteChunk = 1000;  // Lua's unpack() stack limit is ~8000

absl::StatusOr<int64_t> Integer(absl::StatusOr<RedisReply> reply, const char* what) {
  if (!reply.ok()) return reply.status();
  if (reply->type != RedisReply::Type::kInteger) {
    return absl::InternalError(absl::StrCat("outbox ", what, ": unexpected reply ", reply->str));
  }
  return reply->integer;
}

}  // namespace

OutboxLease::OutboxLease(RedisClient& redis, std::string owner, std::chrono::milliseconds ttl)
    : redis_(redis), owner_(std::move(owner)), ttl_(ttl) {}

absl::StatusOr<LeaseGrant> OutboxLease::Acquire(const OutboxShardKeys& keys) const {
  auto token = Integer(redis_.Eval(AcquireScript(), {keys.lease, keys.lease + ":fence"},
                                   {owner_, std::to_string(ttl_.count())}),
                       "lease");
  if (!token.ok()) return token.status();
  return LeaseGrant{.held = *token > 0, .token = *token};
}

absl::StatusOr<int64_t> OutboxLease::Delete(const OutboxShardKeys& keys, int64_t token,
                                            const std::vector<std::string>& ids) const {
  return DeleteMany({FencedDelete{keys, token, ids}})[0];
}

std::vector<absl::StatusOr<int64_t>> OutboxLease::DeleteMany(
    const std::vector<FencedDelete>& deletes) const {
  auto pending = std::make_shared<PendingDeletes>();
  std::vector<std::vector<std::string>> calls;  // args per script call
  std::vector<size_t> owner_of;                 // index into `deletes` per call
  for (size_t i = 0; i < deletes.size(); ++i) {
    const std::string holder = absl::StrCat(owner_, " ", deletes[i].token);
    const auto& ids = deletes[i].ids;
    for (size_t begin = 0; begin < ids.size(); begin += kDeleteChunk) {
      std::vector<std::string> args = {holder};
      const size_t end = std::min(ids.size(), begin + kDeleteChunk);
      args.insert(args.end(), ids.begin() + static_cast<ptrdiff_t>(begin),
                  ids.begin() + static_cast<ptrdiff_t>(end));
      calls.push_back(std::move(args));
      owner_of.push_back(i);
    }
  }
  {
    absl::MutexLock lock(&pending->mu);
    pending->results.assign(deletes.size(), int64_t{0});
    pending->left = static_cast<int>(calls.size());
  }
  for (size_t c = 0; c < calls.size(); ++c) {
    const size_t i = owner_of[c];
    const OutboxShardKeys& keys = deletes[i].keys;
    redis_.EvalAsync(DeleteScript(), {keys.lease, keys.stream}, calls[c],
                     [pending, i, lease = keys.lease](absl::StatusOr<RedisReply> reply) {
                       auto n = Integer(std::move(reply), "delete");
                       absl::MutexLock lock(&pending->mu);
                       absl::StatusOr<int64_t>& result = pending->results[i];
                       if (result.ok()) {
                         if (!n.ok()) {
                           result = n.status();
                         } else if (*n < 0) {
                           result = absl::FailedPreconditionError(
                               absl::StrCat("outbox write refused: ", lease,
                                            " is held by another owner or token"));
                         } else {
                           result = *result + *n;
                         }
                       }
                       --pending->left;
                     });
  }
  absl::MutexLock lock(&pending->mu);
  pending->mu.Await(absl::Condition(pending.get(), &PendingDeletes::Done));
  return pending->results;
}

absl::Status OutboxLease::Release(const OutboxShardKeys& keys, int64_t token) const {
  auto n = Integer(redis_.Eval(ReleaseScript(), {keys.lease}, {absl::StrCat(owner_, " ", token)}),
                   "release");
  return n.status();
}

std::string UniqueOwnerId(std::string_view prefix) {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  std::random_device rd;
  const uint64_t random = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  return absl::StrFormat("%s-%s-%d-%016x", prefix, host, getpid(), random);
}

}  // namespace sqms::runtime
