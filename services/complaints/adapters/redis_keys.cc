#include "services/complaints/adapters/redis_keys.h"

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/hmac.h"

namespace sqms::complaints::adapters {
namespace {
constexpr char kIdPrefix[] = "CMP-";
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  // Crockford base32
constexpr size_t kRandomChars = 10;

// FNV-1a: stable across processes and versions (absl::Hash is not).
uint64_t StableHash(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}
}  // namespace

RedisKeys::RedisKeys(int shards, std::string prefix) : shards_(shards), prefix_(std::move(prefix)) {}

int RedisKeys::ShardOfSeed(const std::string& seed) const {
  if (seed.empty()) {
    thread_local absl::BitGen gen;
    return absl::Uniform<int>(gen, 0, shards_);
  }
  return static_cast<int>(StableHash(seed) % static_cast<uint64_t>(shards_));
}

absl::StatusOr<int> RedisKeys::ShardOfId(const std::string& id) const {
  // CMP-YYYYMMDD-SS<random>
  const size_t expected = 4 + 8 + 1 + 2 + kRandomChars;
  int shard = -1;
  if (id.size() == expected && id.rfind(kIdPrefix, 0) == 0 && id[12] == '-' &&
      absl::SimpleAtoi(id.substr(13, 2), &shard) && shard >= 0 && shard < shards_) {
    return shard;
  }
  return runtime::InvalidArgument({{"id", absl::StrCat("\"", id.substr(0, 64),
                                                       "\" is not a complaint id")}});
}

std::string RedisKeys::NewId(int shard, absl::Time now) const {
  thread_local absl::BitGen gen;
  std::string random(kRandomChars, '0');
  for (char& c : random) c = kAlphabet[absl::Uniform<int>(gen, 0, 32)];
  return absl::StrCat(kIdPrefix, absl::FormatTime("%Y%m%d", now, absl::UTCTimeZone()), "-",
                      absl::StrFormat("%02d", shard), random);
}

std::string RedisKeys::Tag(int shard) const { return absl::StrCat(prefix_, ":{c", shard, "}:"); }
std::string RedisKeys::Complaint(int shard, const std::string& id) const {
  return absl::StrCat(ComplaintPrefix(shard), id);
}
std::string RedisKeys::ComplaintPrefix(int shard) const { return Tag(shard) + "complaint:"; }
std::string RedisKeys::ShardCount() const { return prefix_ + ":shards"; }
std::string RedisKeys::ActiveIncidents() const { return prefix_ + ":{incidents}:active"; }
std::string RedisKeys::EndedIncident(const std::string& incident_id) const {
  return absl::StrCat(prefix_, ":{incidents}:ended:", incident_id);
}
std::string RedisKeys::Audit(int shard, const std::string& id) const {
  return absl::StrCat(Tag(shard), "audit:", id);
}
std::string RedisKeys::Idempotency(const std::string& scope) const {
  // 128 bits of SHA-256 (HMAC under a fixed label): no clash in practice,
  // and the key name does not show who sent what.
  return absl::StrCat(prefix_, ":{i:", runtime::HmacSha256Hex("sqms-idempotency", scope).substr(0, 32),
                      "}:idem");
}
std::string RedisKeys::Requests(int shard, const std::string& id) const {
  return absl::StrCat(Tag(shard), "requests:", id);
}
std::string RedisKeys::Dedup(int shard, const std::string& fingerprint) const {
  return absl::StrCat(Tag(shard), "dedup:", fingerprint);
}
std::string RedisKeys::Received(int shard) const { return Tag(shard) + "received"; }
std::string RedisKeys::Timers(int shard) const { return Tag(shard) + "timers"; }
std::string RedisKeys::Counts(int shard) const { return Tag(shard) + "counts"; }
std::string RedisKeys::Due(int shard) const { return Tag(shard) + "due"; }
std::string RedisKeys::Outbox(int shard) const { return Tag(shard) + "outbox"; }
std::string RedisKeys::OutboxLease(int shard) const { return Tag(shard) + "outbox:lease"; }
std::string RedisKeys::ContactSeen(int shard, const std::string& event_id) const {
  return absl::StrCat(Tag(shard), "contact-seen:", event_id);
}
std::string RedisKeys::ContactEventBinding(const std::string& event_id) const {
  return absl::StrCat(prefix_,
                      ":{e:", runtime::HmacSha256Hex("sqms-contact-event", event_id).substr(0, 32),
                      "}:contact-event");
}

std::string RedisKeys::Contact(int shard, const std::string& contact_id) const {
  return absl::StrCat(Tag(shard), "contact:", contact_id);
}

}  // namespace sqms::complaints::adapters
