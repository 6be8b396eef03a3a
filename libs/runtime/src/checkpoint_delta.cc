#include "checkpoint_delta.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace sqms::runtime::internal {
namespace {

constexpr const char* kAllowed[] = {
    "HINCRBY", "HINCRBYFLOAT", "HSET", "HDEL",    "INCRBY", "INCRBYFLOAT", "SET",   "DEL",
    "SADD",    "SREM",         "ZADD", "ZINCRBY", "ZREM",   "RPUSH",       "LTRIM", "EXPIREAT"};

bool Allowed(const std::string& command) {
  for (const char* allowed : kAllowed) {
    if (absl::EqualsIgnoreCase(command, allowed)) return true;
  }
  return false;
}

// `s` as an int64 if it is written as Redis writes integers (no sign but
// '-', no leading zero, no "-0"); nullopt otherwise.
std::optional<int64_t> PlainInteger(const std::string& s) {
  int64_t value = 0;
  const char* end = s.data() + s.size();
  auto [stop, error] = std::from_chars(s.data(), end, value);
  if (error != std::errc() || stop != end) return std::nullopt;
  const size_t first_digit = s[0] == '-' ? 1 : 0;
  if (s.size() > first_digit + 1 && s[first_digit] == '0') return std::nullopt;
  if (s == "-0") return std::nullopt;
  return value;
}

bool IsHIncrBy(const RedisWrite& w) { return absl::EqualsIgnoreCase(w.command, "HINCRBY"); }
bool IsHAddVector(const RedisWrite& w) { return absl::EqualsIgnoreCase(w.command, "HADDVECTOR"); }

constexpr size_t kEntryBytes = 10;  // uint16 index, int64 value

// `value` little-endian at `out` (sizeof value bytes).
template <typename Unsigned>
void StoreLittleEndian(Unsigned value, char* out) {
  if constexpr (std::endian::native == std::endian::little) {
    std::memcpy(out, &value, sizeof value);
  } else {
    for (size_t b = 0; b < sizeof value; ++b) out[b] = static_cast<char>((value >> (8 * b)) & 0xff);
  }
}

uint64_t GetLittleEndian(std::string_view in, size_t at, int bytes) {
  uint64_t value = 0;
  for (int b = 0; b < bytes; ++b) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + b])) << (8 * b);
  }
  return value;
}

// INVALID_ARGUMENT unless `delta` is whole entries with increasing indices
// below kMaxVectorLength.
absl::Status CheckEntries(std::string_view delta) {
  if (delta.size() % kEntryBytes != 0) {
    return absl::InvalidArgumentError("the delta is not made of whole entries");
  }
  int64_t previous = -1;
  for (size_t at = 0; at < delta.size(); at += kEntryBytes) {
    const auto index = static_cast<int64_t>(GetLittleEndian(delta, at, 2));
    if (index >= static_cast<int64_t>(kMaxVectorLength)) {
      return absl::InvalidArgumentError(
          absl::StrCat("an index beyond the longest vector (", kMaxVectorLength, ")"));
    }
    if (index <= previous) return absl::InvalidArgumentError("the indices are not increasing");
    previous = index;
  }
  return absl::OkStatus();
}

// INVALID_ARGUMENT unless `w` (a HADDVECTOR) names each field once with a
// well-formed delta.
absl::Status CheckVectors(const RedisWrite& w) {
  if (w.args.empty() || w.args.size() % 2 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("checkpoint: HADDVECTOR of '", w.key, "' needs field and delta pairs"));
  }
  absl::flat_hash_set<absl::string_view> seen;
  for (size_t i = 0; i + 1 < w.args.size(); i += 2) {
    const std::string& field = w.args[i];
    const std::string& delta = w.args[i + 1];
    auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(
          absl::StrCat("checkpoint: HADDVECTOR of '", w.key, "' field '", field, "': ", why));
    };
    if (!seen.insert(field).second) return fail("named twice in one write");
    if (absl::Status s = CheckEntries(delta); !s.ok()) return fail(s.message());
  }
  return absl::OkStatus();
}

struct Group {
  const std::string* key = nullptr;
  std::vector<std::pair<const std::string*, int64_t>> fields;  // field, summed increment
  absl::flat_hash_map<absl::string_view, size_t> at;           // field → index in fields
};

// One op in order: a write sent as given, or a group (write == nullptr).
struct Op {
  const RedisWrite* write = nullptr;
  size_t group = 0;
};

// Builds the ops of a delta, write by write.
class Ops {
 public:
  void AsGiven(const RedisWrite& w) {
    open_.erase(w.key);
    ops_.push_back({&w, 0});
  }

  // HINCRBY key field by [field by ...], into the key's open group (the
  // key is looked up once per write). INVALID_ARGUMENT for an increment
  // Redis would refuse in the middle of the script, after the writes before
  // it: refused here, so nothing is half-written (the caller then appends
  // nothing).
  absl::Status Increments(const RedisWrite& w) {
    auto [it, fresh] = open_.try_emplace(w.key, 0);
    if (fresh) it->second = NewGroup(w.key);
    for (size_t i = 0; i + 1 < w.args.size(); i += 2) {
      const std::string& field = w.args[i];
      std::optional<int64_t> by = PlainInteger(w.args[i + 1]);
      if (!by) {
        return absl::InvalidArgumentError(absl::StrCat("checkpoint: HINCRBY of '", w.key,
                                                       "' field '", field, "': increment '",
                                                       w.args[i + 1],
                                                       "' is not an int64 as Redis writes one"));
      }
      if (!Add(groups_[it->second], field, *by)) {
        it->second = NewGroup(w.key);  // Redis must see the two apart
        Add(groups_[it->second], field, *by);
      }
    }
    return absl::OkStatus();
  }

  void AppendTo(const std::function<int(const std::string&)>& key_index,
                std::vector<std::string>& args) const {
    auto chunks = [](size_t fields) { return (fields + kMaxGroupFields - 1) / kMaxGroupFields; };
    size_t count = 0;
    for (const Op& op : ops_) {
      if (op.write == nullptr) {
        count += chunks(groups_[op.group].fields.size());
      } else if (IsHAddVector(*op.write)) {
        count += chunks(op.write->args.size() / 2);
      } else {
        ++count;
      }
    }
    args.push_back(std::to_string(count));
    for (const Op& op : ops_) {
      if (op.write == nullptr) {
        AppendGroup(groups_[op.group], key_index, args);
        continue;
      }
      const RedisWrite& w = *op.write;
      if (IsHAddVector(w)) {
        AppendVectors(w, key_index, args);
        continue;
      }
      args.insert(args.end(), {w.command, std::to_string(key_index(w.key)),
                               std::to_string(w.args.size())});
      args.insert(args.end(), w.args.begin(), w.args.end());
    }
  }

 private:
  size_t NewGroup(const std::string& key) {
    groups_.emplace_back().key = &key;
    ops_.push_back({nullptr, groups_.size() - 1});
    return groups_.size() - 1;
  }

  // Adds `by` to the group's `field`; false when it cannot join: a field's
  // increments are summed only while they keep one sign and fit an int64,
  // since then no step one by one overflows unless the sum does, so Redis
  // refuses exactly what it would have.
  static bool Add(Group& group, const std::string& field, int64_t by) {
    auto [at, added] = group.at.try_emplace(field, group.fields.size());
    if (added) {
      group.fields.emplace_back(&field, by);
      return true;
    }
    int64_t& sum = group.fields[at->second].second;
    int64_t total = 0;
    const bool one_sign = by == 0 || sum == 0 || (sum < 0) == (by < 0);
    if (!one_sign || __builtin_add_overflow(sum, by, &total)) return false;
    sum = total;
    return true;
  }

  static void AppendGroup(const Group& group,
                          const std::function<int(const std::string&)>& key_index,
                          std::vector<std::string>& args) {
    const std::string index = std::to_string(key_index(*group.key));
    for (size_t first = 0; first < group.fields.size(); first += kMaxGroupFields) {
      const size_t n = std::min(kMaxGroupFields, group.fields.size() - first);
      args.insert(args.end(), {"+", index, std::to_string(n)});
      for (size_t f = first; f < first + n; ++f) {
        args.push_back(*group.fields[f].first);
        args.push_back(std::to_string(group.fields[f].second));
      }
    }
  }

  // A HADDVECTOR as "v" ops of at most kMaxGroupFields fields each.
  static void AppendVectors(const RedisWrite& w,
                            const std::function<int(const std::string&)>& key_index,
                            std::vector<std::string>& args) {
    const std::string index = std::to_string(key_index(w.key));
    const size_t fields = w.args.size() / 2;
    for (size_t first = 0; first < fields; first += kMaxGroupFields) {
      const size_t n = std::min(kMaxGroupFields, fields - first);
      args.insert(args.end(), {"v", index, std::to_string(n)});
      args.insert(args.end(), w.args.begin() + 2 * first, w.args.begin() + 2 * (first + n));
    }
  }

  std::vector<Group> groups_;
  std::vector<Op> ops_;
  // Per key, the group its next HINCRBY joins; closed by any other write to it.
  absl::flat_hash_map<absl::string_view, size_t> open_;
};

}  // namespace

std::string PackVectorDelta(std::span<const int64_t> values) {
  // Sized once and stored a whole word at a time: a checkpoint packs
  // thousands of cells, and byte-wise appends were 7 % of the metrics
  // consumer's thread.
  const auto entries = static_cast<size_t>(
      std::count_if(values.begin(), values.end(), [](int64_t v) { return v != 0; }));
  std::string out(entries * kEntryBytes, '\0');
  char* at = out.data();
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == 0) continue;
    // An index beyond uint16 is written as the first one CheckVectors refuses.
    StoreLittleEndian(static_cast<uint16_t>(i < 0x10000 ? i : kMaxVectorLength), at);
    StoreLittleEndian(static_cast<uint64_t>(values[i]), at + 2);
    at += kEntryBytes;
  }
  return out;
}

std::optional<std::vector<int64_t>> UnpackVector(std::string_view stored) {
  if (stored.size() % 8 != 0) return std::nullopt;
  std::vector<int64_t> out(stored.size() / 8);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<int64_t>(GetLittleEndian(stored, 8 * i, 8));
  }
  return out;
}

absl::Status AddPackedDelta(std::string_view delta, std::vector<int64_t>& into) {
  if (absl::Status s = CheckEntries(delta); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("vector delta: ", s.message()));
  }
  std::vector<int64_t> sum = into;
  for (size_t at = 0; at < delta.size(); at += kEntryBytes) {
    const uint64_t index = GetLittleEndian(delta, at, 2);
    if (index >= sum.size()) sum.resize(index + 1, 0);
    const auto by = static_cast<int64_t>(GetLittleEndian(delta, at + 2, 8));
    if (__builtin_add_overflow(sum[index], by, &sum[index])) {
      return absl::OutOfRangeError("vector delta: increment or decrement would overflow");
    }
  }
  into = std::move(sum);
  return absl::OkStatus();
}

absl::Status EncodeDelta(const StateDelta& writes,
                         const std::function<int(const std::string&)>& key_index,
                         std::vector<std::string>& args) {
  Ops ops;
  for (const RedisWrite& w : writes) {
    if (IsHAddVector(w)) {
      if (absl::Status s = CheckVectors(w); !s.ok()) return s;
      ops.AsGiven(w);
      continue;
    }
    if (!IsHIncrBy(w)) {
      if (!Allowed(w.command)) {
        return absl::InvalidArgumentError(
            absl::StrCat("checkpoint: command '", w.command, "' is not allowed in a state delta"));
      }
      if (absl::EqualsIgnoreCase(w.command, "DEL") && !w.args.empty()) {
        return absl::InvalidArgumentError("checkpoint: a DEL in a state delta deletes its one key");
      }
      ops.AsGiven(w);
      continue;
    }
    if (w.args.empty() || w.args.size() % 2 != 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("checkpoint: HINCRBY of '", w.key, "' needs field and increment pairs"));
    }
    if (absl::Status s = ops.Increments(w); !s.ok()) return s;
  }
  ops.AppendTo(key_index, args);
  return absl::OkStatus();
}

}  // namespace sqms::runtime::internal
