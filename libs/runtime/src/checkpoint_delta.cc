#include "checkpoint_delta.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
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

struct Group {
  const std::string* key = nullptr;
  std::vector<std::pair<const std::string*, int64_t>> fields;  // field, summed increment
  absl::flat_hash_map<absl::string_view, size_t> at;           // field → index in fields
};

// One op in order: a group, or a write sent as given — all of it, or (a
// HINCRBY sent field by field) the pair at args[pair].
struct Op {
  const RedisWrite* write = nullptr;  // nullptr: groups[group]
  size_t group = 0;
  size_t pair = kWhole;
  static constexpr size_t kWhole = ~size_t{0};
};

// Builds the ops of a delta, write by write.
class Ops {
 public:
  void AsGiven(const RedisWrite& w, size_t pair = Op::kWhole) {
    open_.erase(w.key);
    ops_.push_back({&w, 0, pair});
  }

  // HINCRBY key field by, into the key's open group.
  void Increment(const std::string& key, const std::string& field, int64_t by) {
    auto [it, fresh] = open_.try_emplace(key, groups_.size());
    if (!fresh) {
      Group& group = groups_[it->second];
      auto [at, added] = group.at.try_emplace(field, group.fields.size());
      if (added) {
        group.fields.emplace_back(&field, by);
        return;
      }
      // Summed only while the sign stays: then no step one by one overflows
      // unless the sum does, so Redis refuses exactly what it would have.
      int64_t& sum = group.fields[at->second].second;
      int64_t total = 0;
      const bool one_sign = by == 0 || sum == 0 || (sum < 0) == (by < 0);
      if (one_sign && !__builtin_add_overflow(sum, by, &total)) {
        sum = total;
        return;
      }
      it->second = groups_.size();  // a new group: Redis sees the two apart
    }
    Group& group = groups_.emplace_back();
    group.key = &key;
    group.at.emplace(field, 0);
    group.fields.emplace_back(&field, by);
    ops_.push_back({nullptr, it->second});
  }

  void AppendTo(const std::function<int(const std::string&)>& key_index,
                std::vector<std::string>& args) const {
    size_t count = 0;
    for (const Op& op : ops_) {
      count += op.write != nullptr
                   ? 1
                   : (groups_[op.group].fields.size() + kMaxGroupFields - 1) / kMaxGroupFields;
    }
    args.push_back(std::to_string(count));
    for (const Op& op : ops_) {
      if (op.write == nullptr) {
        AppendGroup(groups_[op.group], key_index, args);
        continue;
      }
      const RedisWrite& w = *op.write;
      const std::string index = std::to_string(key_index(w.key));
      if (op.pair == Op::kWhole) {
        args.insert(args.end(), {w.command, index, std::to_string(w.args.size())});
        args.insert(args.end(), w.args.begin(), w.args.end());
      } else {
        args.insert(args.end(), {"HINCRBY", index, "2", w.args[op.pair], w.args[op.pair + 1]});
      }
    }
  }

 private:
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

  std::vector<Group> groups_;
  std::vector<Op> ops_;
  // Per key, the group its next HINCRBY joins; closed by any other write to it.
  absl::flat_hash_map<absl::string_view, size_t> open_;
};

}  // namespace

absl::Status EncodeDelta(const StateDelta& writes,
                         const std::function<int(const std::string&)>& key_index,
                         std::vector<std::string>& args) {
  Ops ops;
  std::vector<int64_t> increments;
  for (const RedisWrite& w : writes) {
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
    increments.clear();
    for (size_t i = 1; i < w.args.size(); i += 2) {
      std::optional<int64_t> by = PlainInteger(w.args[i]);
      if (!by) break;
      increments.push_back(*by);
    }
    if (increments.size() * 2 != w.args.size()) {
      // Redis refuses such an increment: let it, one field at a time, in order.
      for (size_t i = 0; i < w.args.size(); i += 2) ops.AsGiven(w, i);
      continue;
    }
    for (size_t i = 0; i < increments.size(); ++i) {
      ops.Increment(w.key, w.args[2 * i], increments[i]);
    }
  }
  ops.AppendTo(key_index, args);
  return absl::OkStatus();
}

}  // namespace sqms::runtime::internal
