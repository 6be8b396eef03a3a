#pragma once
// The last K distinct event ids accepted on one partition, for dropping
// redelivered duplicates (a producer's retry, an outbox relay re-sending
// after a crash) in bounded memory: at most K ids, O(1) per lookup. Not
// thread-safe; the exactly-once consumer keeps one per partition on its loop
// thread.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"

namespace sqms::runtime {

class EventIdWindow {
 public:
  // capacity 0: remembers nothing (Contains is always false).
  explicit EventIdWindow(size_t capacity) : capacity_(capacity) {}

  // True when `id` is one of the last capacity() ids added.
  bool Contains(std::string_view id) const;
  // Adds `id` as the newest, evicting the oldest when full. An id already in
  // the window is left where it is (it stays until it is the oldest).
  void Add(std::string id);
  // The ids held, oldest first (what a checkpoint persists).
  std::vector<std::string> Ids() const { return {order_.begin(), order_.end()}; }

  size_t size() const { return order_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  std::deque<std::string> order_;  // oldest first
  absl::flat_hash_set<std::string_view> index_;  // views into order_ (deque keeps addresses)
};

}  // namespace sqms::runtime
