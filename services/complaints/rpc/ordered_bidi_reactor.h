#pragma once
// The ordered, pipelined bidi stream both intake streams use
// (StreamComplaints, StreamContactEvents): each request read is handled on the
// worker pool, up to `max_in_flight` at a time per stream, and the responses
// are written strictly in request order. An item's error is carried in its
// response; it never ends the stream. With an ordering key (e.g. the contact
// id), requests with the same key are also *handled* one after another in
// read order, so their side effects (outbox appends) keep the client's order;
// requests with different keys still run in parallel.
//
// Lifecycle: the stream ends with OK after the client half-closed and every
// response was written; with CANCELLED when the client cancelled or a write
// failed (pending results are dropped). The reactor deletes itself in OnDone,
// or — if pool tasks are still running then — when the last one finishes,
// so a task never touches a freed reactor.
//
// Threads: gRPC reactions (OnReadDone, OnWriteDone, OnCancel, OnDone) run on
// gRPC threads and never block; handlers run on pool threads. All state is
// guarded by mu_; gRPC operations are started after mu_ is released.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/server_callback.h"
#include "services/complaints/rpc/call_support.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/parse_failure.h"

namespace sqms::complaints::rpc {

template <typename Request, typename Response>
class OrderedBidiReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  static constexpr int kDefaultMaxInFlight = 32;
  // Runs on a pool thread; `sequence` is the request's 0-based position.
  using Handler = std::function<Response(Request& request, int64_t sequence)>;
  // Runs once from OnDone with the status the stream ended with.
  using OnFinished = std::function<void(const grpc::Status& status)>;
  // The ordering key of a request ("" = no ordering constraint). Runs on a
  // gRPC thread; must be cheap and must not block.
  using OrderingKey = std::function<std::string(const Request& request)>;
  // The response for a request that did not even parse (invalid UTF-8):
  // the stream answers it in its place and goes on. Cheap, non-blocking.
  using BadItem = std::function<Response(int64_t sequence, const absl::Status& status)>;

  // Starts reading at once. `pool` must outlive the call. Owned by gRPC.
  OrderedBidiReactor(TrackedPool& pool, Handler handler, OnFinished on_finished,
                     BadItem bad_item, int max_in_flight = kDefaultMaxInFlight,
                     OrderingKey ordering_key = {})
      : pool_(pool),
        handler_(std::move(handler)),
        on_finished_(std::move(on_finished)),
        bad_item_(std::move(bad_item)),
        max_in_flight_(max_in_flight),
        ordering_key_(std::move(ordering_key)) {
    reading_ = true;  // no other thread can see the reactor yet
    this->StartRead(&read_buf_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      OnReadFailed();
      return;
    }
    Task task{std::make_shared<Request>(std::move(read_buf_)), 0, ""};
    if (ordering_key_) task.key = ordering_key_(*task.request);
    bool run_now = true;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      // The failed read before this one was an item that did not parse.
      if (suspect_) AnswerBadItemLocked("request");
      task.sequence = next_read_++;
      ++in_flight_;
      ++tasks_running_;  // also while it waits for its key
      if (!task.key.empty()) {
        // Same key as a request still being handled: wait behind it.
        run_now = busy_keys_.insert(task.key).second;
        if (!run_now) waiting_[task.key].push_back(task);
      }
    }
    if (run_now) Submit(std::move(task));
    Act([] {});
  }

  void OnWriteDone(bool ok) override {
    Act([this, ok]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      writing_ = false;
      if (ok) {
        --in_flight_;
        ++next_write_;
      } else {
        broken_ = true;
      }
    });
  }

  void OnCancel() override {
    Act([this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { broken_ = true; });
  }

  void OnDone() override {
    on_finished_(final_status_);  // written before Finish(), read after it completed
    bool last = false;
    {
      absl::MutexLock lock(&mu_);
      done_ = true;
      last = tasks_running_ == 0;
    }
    if (last) delete this;
  }

 private:
  struct Action {
    bool read = false;
    bool write = false;
    bool finish = false;
  };

  // A read fails both when the client half-closed and when the message did
  // not parse (gRPC cannot tell us which). A parse failure noted on this
  // thread names the field: answer that item and read on. Otherwise read
  // once more: a half-closed stream fails again at once (then it is the
  // end); a message means the failed one was a bad item after all.
  void OnReadFailed() {
    const std::string field = runtime::TakeRequestParseFailure();
    Act([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      reading_ = false;
      if (!field.empty()) {
        if (suspect_) AnswerBadItemLocked("request");  // an unnamed bad item came first
        AnswerBadItemLocked(field);
      } else if (!suspect_) {
        suspect_ = true;  // NextLocked reads once more
      } else {
        // Failed twice in a row: the client half-closed. (A bad last item
        // whose failure was not noted on this thread goes unanswered.)
        suspect_ = false;
        reads_done_ = true;
      }
    });
  }

  // Answers the next sequence with INVALID_ARGUMENT naming `field`.
  void AnswerBadItemLocked(const std::string& field) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    suspect_ = false;
    const int64_t sequence = next_read_++;
    ++in_flight_;
    ready_.emplace(sequence, bad_item_(sequence, runtime::InvalidArgument(
                                                     {{field, "is not valid UTF-8"}})));
  }

  struct Task {
    std::shared_ptr<Request> request;
    int64_t sequence = 0;
    std::string key;  // "" = unordered
  };

  void Submit(Task task) {
    pool_.Submit([this, task = std::move(task)]() mutable { RunTask(std::move(task)); });
  }

  void RunTask(Task task) {
    Response response = handler_(*task.request, task.sequence);
    Act([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (!broken_) ready_.emplace(task.sequence, std::move(response));
    });
    std::optional<Task> next;  // the next request waiting for this key
    bool last = false;
    {
      // Released only now, after this task's gRPC operation was started, so
      // OnDone cannot delete the reactor under it.
      absl::MutexLock lock(&mu_);
      if (!task.key.empty()) next = NextForKeyLocked(task.key);
      last = --tasks_running_ == 0 && done_;
    }
    if (next) Submit(*std::move(next));
    if (last) delete this;
  }

  // Hands the key to its next waiting request, or frees it.
  std::optional<Task> NextForKeyLocked(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    auto it = waiting_.find(key);
    if (it == waiting_.end()) {
      busy_keys_.erase(key);
      return std::nullopt;
    }
    Task next = std::move(it->second.front());
    it->second.pop_front();
    if (it->second.empty()) waiting_.erase(it);
    return next;
  }

  // Applies `change` under mu_, decides what to start next, then starts it
  // with mu_ released (gRPC may run reactions inline).
  template <typename Change>
  void Act(Change change) {
    Action action;
    {
      absl::MutexLock lock(&mu_);
      change();
      action = NextLocked();
    }
    if (action.read) this->StartRead(&read_buf_);
    if (action.write) this->StartWrite(&write_buf_);
    if (action.finish) this->Finish(final_status_);
  }

  Action NextLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Action action;
    if (finished_) return action;
    if (!reading_ && !reads_done_ && !broken_ && in_flight_ < max_in_flight_) {
      reading_ = action.read = true;
    }
    auto next = ready_.find(next_write_);
    if (!writing_ && !broken_ && next != ready_.end()) {
      write_buf_ = std::move(next->second);
      ready_.erase(next);
      writing_ = action.write = true;
    }
    if (!writing_ && (broken_ || (reads_done_ && in_flight_ == 0))) {
      final_status_ = broken_ ? grpc::Status::CANCELLED : grpc::Status::OK;
      ready_.clear();
      finished_ = action.finish = true;
    }
    return action;
  }

  TrackedPool& pool_;
  const Handler handler_;
  const OnFinished on_finished_;
  const BadItem bad_item_;
  const int max_in_flight_;
  const OrderingKey ordering_key_;

  // Owned by the one outstanding read / write (see reading_ / writing_).
  Request read_buf_;
  Response write_buf_;
  grpc::Status final_status_;

  absl::Mutex mu_;
  int64_t next_read_ ABSL_GUARDED_BY(mu_) = 0;   // sequence of the next request read
  int64_t next_write_ ABSL_GUARDED_BY(mu_) = 0;  // sequence of the next response to write
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;       // read, response not yet written
  int tasks_running_ ABSL_GUARDED_BY(mu_) = 0;   // pool tasks not yet returned
  std::map<int64_t, Response> ready_ ABSL_GUARDED_BY(mu_);  // handled, waiting their turn
  std::set<std::string> busy_keys_ ABSL_GUARDED_BY(mu_);    // a request of the key runs
  std::map<std::string, std::deque<Task>> waiting_ ABSL_GUARDED_BY(mu_);  // behind it
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool reads_done_ ABSL_GUARDED_BY(mu_) = false;  // client half-closed (or call ended)
  bool suspect_ ABSL_GUARDED_BY(mu_) = false;     // a read failed; half-close or bad item?
  bool broken_ ABSL_GUARDED_BY(mu_) = false;      // cancelled or a write failed
  bool finished_ ABSL_GUARDED_BY(mu_) = false;    // Finish() decided
  bool done_ ABSL_GUARDED_BY(mu_) = false;        // OnDone() ran
};

// A bidi stream refused before it started (authentication, authorization):
// finishes at once with `status`, reads nothing. Deletes itself in OnDone.
template <typename Request, typename Response>
class RejectedBidiReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  explicit RejectedBidiReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

}  // namespace sqms::complaints::rpc
