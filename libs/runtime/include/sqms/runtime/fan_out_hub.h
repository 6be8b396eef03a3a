#pragma once
// In-memory fan-out of events to live subscribers (e.g. a service's watch
// streams fed by one Kafka consumer per process). Publishing never waits on
// a subscriber: each subscriber keeps a bounded queue (DropOldestQueue) and,
// when it is full, drops its oldest events; the hub counts the drops, in
// total and per subscriber. Knows nothing of what the events are.
//
// Threads: Publish runs on the publisher's thread (e.g. the Kafka loop) and
// calls every matching Sink::Push on it, holding the hub's lock — that makes
// Unsubscribe a barrier: once it returns, the sink is never called again and
// may be destroyed. So Push must never block, and must not call back into
// the hub (Subscribe/Unsubscribe/Publish) on the publishing thread.
//
// Close (a server shutting down) tells every subscriber, present and
// later, that no more events will come, so that watch streams end at once
// with a status their clients retry on another replica instead of being
// held open until the drain deadline cancels them.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sqms::runtime {

// A FIFO of at most `capacity` (≥ 1) items that makes room by dropping its
// oldest. Not thread-safe (its owner locks).
template <typename T>
class DropOldestQueue {
 public:
  explicit DropOldestQueue(size_t capacity) : capacity_(capacity < 1 ? 1 : capacity) {}
  // Appends `item`; returns how many of the oldest items it dropped (0 or 1).
  int Push(T item) {
    items_.push_back(std::move(item));
    int dropped = 0;
    for (; items_.size() > capacity_; ++dropped) items_.pop_front();
    return dropped;
  }
  std::optional<T> Pop() {
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    return item;
  }
  void Clear() { items_.clear(); }
  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  std::deque<T> items_;
};

template <typename Event>
class FanOutHub {
 public:
  using EventPtr = std::shared_ptr<const Event>;
  // Whether a subscriber wants `event`; an empty filter wants everything.
  // Runs on the publishing thread under the hub's lock: cheap, non-blocking.
  using Filter = std::function<bool(const Event& event)>;

  // A subscriber. Push runs on the publishing thread and must never block
  // (see the top of this file). Returns how many queued events it dropped
  // to make room (0 or more).
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual int Push(const EventPtr& event) = 0;
    // The hub closed: no event will follow; end once what is queued is
    // delivered. Runs under the hub's lock on the closing thread (or in
    // Subscribe, for a sink subscribing to a closed hub): never blocks,
    // never calls back into the hub.
    virtual void Close() {}
  };

  FanOutHub() = default;
  FanOutHub(const FanOutHub&) = delete;
  FanOutHub& operator=(const FanOutHub&) = delete;

  // `sink` receives the events `filter` wants until Unsubscribe(returned id);
  // on a closed hub it is closed before this returns.
  uint64_t Subscribe(Filter filter, Sink& sink) {
    absl::MutexLock lock(&mu_);
    const uint64_t id = next_id_++;
    subscribers_.emplace(id, Subscriber{std::move(filter), &sink, 0});
    if (closed_) sink.Close();
    return id;
  }
  // Closes every subscriber (Sink::Close) and every later one. Publish
  // still reaches them; a sink may ignore what comes after its Close.
  // Idempotent.
  void Close() {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    closed_ = true;
    for (auto& [id, subscriber] : subscribers_) subscriber.sink->Close();
  }
  // Waits for a Publish in progress; after it returns `sink` is never
  // called again (safe to destroy). Unknown ids are ignored.
  void Unsubscribe(uint64_t id) {
    absl::MutexLock lock(&mu_);
    subscribers_.erase(id);
  }
  // Hands `event` to every subscriber that wants it; never blocks on them.
  void Publish(const EventPtr& event) {
    absl::MutexLock lock(&mu_);
    for (auto& [id, subscriber] : subscribers_) {
      if (subscriber.filter && !subscriber.filter(*event)) continue;
      const int dropped = subscriber.sink->Push(event);
      if (dropped > 0) {
        subscriber.dropped += static_cast<uint64_t>(dropped);
        dropped_ += static_cast<uint64_t>(dropped);
      }
    }
  }

  int subscribers() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(subscribers_.size());
  }
  // Events dropped by slow subscribers since start (for a metric/log),
  // including those of subscribers gone since.
  uint64_t dropped_total() const {
    absl::MutexLock lock(&mu_);
    return dropped_;
  }
  // Events subscriber `id` dropped (0 once it unsubscribed).
  uint64_t dropped(uint64_t id) const {
    absl::MutexLock lock(&mu_);
    auto it = subscribers_.find(id);
    return it == subscribers_.end() ? 0 : it->second.dropped;
  }

 private:
  struct Subscriber {
    Filter filter;
    Sink* sink;
    uint64_t dropped;
  };
  mutable absl::Mutex mu_;
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  std::map<uint64_t, Subscriber> subscribers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::runtime
