#pragma once
// An ordered, pipelined bidi stream (e.g. the complaints service's intake
// streams): each request read is handled on the worker pool, up to
// `max_in_flight` at a time per stream, and the responses are written
// strictly in request order. An item's error is carried in its response; it
// never ends the stream. With an ordering key (e.g. a contact id), requests
// with the same key are also *handled* one after another in read order, so
// their side effects (outbox appends) keep the client's order; requests with
// different keys still run in parallel.
//
// Items that are answered without running the handler (Answer gets the
// status): a request that did not parse (INVALID_ARGUMENT naming the field);
// a request read while the pool's queue is full, or the TrackedPool's bound
// on outstanding work is reached (RESOURCE_EXHAUSTED with RetryInfo —
// refused, not queued).
//
// Where a handler starts: on a pool thread (default), or — StartOn::
// kGrpcThread, for an AsyncHandler whose synchronous part is short CPU work
// that never blocks — on the gRPC thread that read the request, which saves
// a thread hand-off per item. Items that waited behind their ordering key
// always start on the pool. An item whose client already left
// (cancelled, deadline passed, a write failed) is never handled: OnItem sees
// CANCELLED and nothing is written.
//
// Lifecycle: the stream ends with OK after the client half-closed and every
// response was written; with CANCELLED when the client cancelled or a write
// failed (pending results are dropped). The reactor deletes itself in OnDone,
// or — if items are still being handled then (on the pool, or waiting for
// an asynchronous completion) — when the last one is answered, so a task or
// a completion never touches a freed reactor.
//
// Threads: gRPC reactions (OnReadDone, OnWriteDone, OnCancel, OnDone) run on
// gRPC threads and never block; handlers start on pool threads. An
// asynchronous handler (AsyncHandler) may complete its item from another
// thread (e.g. a Redis I/O thread): the item is answered from there, and
// until then it counts as running (the reactor stays alive) and holds the
// TrackedPool (its destructor waits). All state is guarded by mu_; gRPC
// operations are started after mu_ is released.
//
// OpenOrderedStream (end of file) is the stream set-up every service uses:
// admission, request id, principal, per-item and per-stream metrics.

#include <atomic>
#include <chrono>
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
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/server_callback.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/grpc_status.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/parse_failure.h"
#include "sqms/runtime/rpc_call.h"

namespace sqms::runtime {

template <typename Request, typename Response>
class OrderedBidiReactor final : public grpc::ServerBidiReactor<Request, Response> {
 public:
  static constexpr int kDefaultMaxInFlight = 32;
  enum class StartOn { kPool, kGrpcThread };
  // Handles one request on a pool thread: fills `response` (not its
  // sequence/status fields, see Answer) and returns the item's status.
  using Handler = std::function<absl::Status(Request& request, Response& response)>;
  // The asynchronous form: starts handling one request on a pool thread and
  // returns; calls `done` exactly once with the item's status, from any
  // thread, after it filled `response`. `request` and `response` stay valid
  // until `done` returned. `done` does not block.
  using ItemDone = std::function<void(absl::Status status)>;
  using AsyncHandler = std::function<void(Request& request, Response& response, ItemDone done)>;
  // Stamps an item's 0-based `sequence` and its `status` into its response:
  // after the handler, or in its place for an item that was not handled.
  // Cheap and non-blocking (runs on gRPC or pool threads).
  using Answer =
      std::function<void(int64_t sequence, const absl::Status& status, Response& response)>;
  // Optional: sees every item's final status and when it was read (for
  // metrics); runs on the thread that decided it.
  using OnItem = std::function<void(const absl::Status& status,
                                    std::chrono::steady_clock::time_point read_at)>;
  // Runs once from OnDone with the status the stream ended with.
  using OnFinished = std::function<void(const grpc::Status& status)>;
  // The ordering key of a request ("" = no ordering constraint). Runs on a
  // gRPC thread; must be cheap and must not block.
  using OrderingKey = std::function<std::string(const Request& request)>;

  // Starts reading at once. `pool` must outlive the call. Owned by gRPC.
  // `retry_after`: the RetryInfo delay of items refused because the pool
  // is full.
  OrderedBidiReactor(TrackedPool& pool, AsyncHandler handler, Answer answer,
                     OnFinished on_finished, int max_in_flight = kDefaultMaxInFlight,
                     OrderingKey ordering_key = {}, OnItem on_item = {},
                     absl::Duration retry_after = absl::Milliseconds(100),
                     StartOn start_on = StartOn::kPool)
      : pool_(pool),
        handler_(std::move(handler)),
        answer_(std::move(answer)),
        on_finished_(std::move(on_finished)),
        on_item_(std::move(on_item)),
        max_in_flight_(max_in_flight),
        ordering_key_(std::move(ordering_key)),
        retry_after_(retry_after),
        start_on_(start_on) {
    reading_ = true;  // no other thread can see the reactor yet
    this->StartRead(&read_buf_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      OnReadFailed();
      return;
    }
    Task task{std::make_shared<Request>(std::move(read_buf_)), 0, "",
              std::chrono::steady_clock::now()};
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
    if (start_on_ == StartOn::kGrpcThread) {
      Act([] {});  // read on while this item is handled here
      if (run_now) Start(std::move(task));
      return;
    }
    if (run_now) Start(std::move(task));
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
  // not parse (gRPC cannot tell us which). A parse failure noted just now
  // (parse_failure.h) names the field: answer that item and read on. Otherwise read
  // once more: a half-closed stream fails again at once (then it is the
  // end); a message means the failed one was a bad item after all.
  void OnReadFailed() {
    const std::string field = runtime::TakeRequestParseFailure(Request::descriptor());
    Act([&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      reading_ = false;
      if (!field.empty()) {
        if (suspect_) AnswerBadItemLocked("request");  // an unnamed bad item came first
        AnswerBadItemLocked(field);
      } else if (!suspect_) {
        suspect_ = true;  // NextLocked reads once more
      } else {
        // Failed twice in a row: the client half-closed. (A bad last item
        // whose failure was not noted goes unanswered.)
        suspect_ = false;
        reads_done_ = true;
      }
    });
  }

  // Answers the next sequence with INVALID_ARGUMENT naming `field`: the
  // string field protobuf found invalid UTF-8 in, or "request" for an item
  // that did not parse without a field named.
  void AnswerBadItemLocked(const std::string& field) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    suspect_ = false;
    const int64_t sequence = next_read_++;
    ++in_flight_;
    const absl::Status status = InvalidArgument(
        {{field, field == "request"
                     ? absl::StrCat("does not parse as ", Request::descriptor()->full_name())
                     : std::string("is not valid UTF-8")}});
    Response response;
    answer_(sequence, status, response);
    ready_.emplace(sequence, std::move(response));
    if (on_item_) on_item_(status, std::chrono::steady_clock::now());
  }

  struct Task {
    std::shared_ptr<Request> request;
    int64_t sequence = 0;
    std::string key;  // "" = unordered
    std::chrono::steady_clock::time_point read_at;
  };

  // A newly read request: refused (answered RESOURCE_EXHAUSTED at once) when
  // the pool's queue is full.
  void Start(Task task) {
    if (start_on_ == StartOn::kGrpcThread) {
      std::shared_ptr<const void> hold = pool_.TryHold();
      const bool admitted = hold != nullptr;
      RunTask(std::move(task), admitted, std::move(hold));
      return;
    }
    auto shared = std::make_shared<Task>(std::move(task));
    if (pool_.TrySubmit([this, shared] { RunTask(std::move(*shared), true); })) return;
    RunTask(std::move(*shared), false);
  }

  // A request that waited for its key: already admitted, always queued.
  void Submit(Task task) {
    pool_.Submit([this, task = std::move(task)]() mutable { RunTask(std::move(task), true); });
  }

  // Handles `task` (or, when `admitted` is false, answers it as refused);
  // Complete answers it when the handler is done. `hold`: the item's
  // TrackedPool hold when the caller took it already.
  void RunTask(Task task, bool admitted, std::shared_ptr<const void> hold = nullptr) {
    bool gone = false;
    {
      absl::MutexLock lock(&mu_);
      gone = broken_;
    }
    if (gone) {
      Complete(std::move(task), absl::CancelledError("the client left before the item was handled"),
               Response());
      return;
    }
    if (!admitted) {
      Complete(std::move(task), Busy(retry_after_), Response());
      return;
    }
    // Shared by every copy of `done`; the hold keeps the pool's owner (the
    // service) alive until the item is answered, wherever that happens.
    struct Pending {
      Task task;
      Response response;
      std::shared_ptr<const void> hold;
      std::atomic<bool> done{false};
    };
    auto pending = std::make_shared<Pending>();
    pending->task = std::move(task);
    pending->hold = hold != nullptr ? std::move(hold) : pool_.Hold();
    {
      // Counted while the handler runs too: an item answered inside it (or
      // concurrently) must not delete the reactor, whose handler_ runs.
      absl::MutexLock lock(&mu_);
      ++tasks_running_;
    }
    handler_(*pending->task.request, pending->response, [this, pending](absl::Status status) {
      if (pending->done.exchange(true)) {
        log::Error("stream item completed twice; the second status is ignored");
        return;
      }
      std::shared_ptr<const void> hold = std::move(pending->hold);
      Complete(std::move(pending->task), status, std::move(pending->response));
    });
    bool last = false;
    {
      absl::MutexLock lock(&mu_);
      last = --tasks_running_ == 0 && done_;
    }
    if (last) delete this;
  }

  // Answers `task` with `status` and `response` and hands its key on. Any
  // thread; the last access to the reactor when it was the last task.
  void Complete(Task task, const absl::Status& status, Response response) {
    answer_(task.sequence, status, response);
    if (on_item_) on_item_(status, task.read_at);
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
  const AsyncHandler handler_;
  const Answer answer_;
  const OnFinished on_finished_;
  const OnItem on_item_;
  const int max_in_flight_;
  const OrderingKey ordering_key_;
  const absl::Duration retry_after_;
  const StartOn start_on_;

  // Owned by the one outstanding read / write (see reading_ / writing_).
  Request read_buf_;
  Response write_buf_;
  grpc::Status final_status_;

  absl::Mutex mu_;
  int64_t next_read_ ABSL_GUARDED_BY(mu_) = 0;   // sequence of the next request read
  int64_t next_write_ ABSL_GUARDED_BY(mu_) = 0;  // sequence of the next response to write
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;       // read, response not yet written
  int tasks_running_ ABSL_GUARDED_BY(mu_) = 0;   // items read, not yet answered
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

// The set-up of an ordered stream, shared by every service: AdmitStream
// (request id, trace context, deadline/cancellation, authorization; a
// refusal finishes the stream at once), then an OrderedBidiReactor whose
// handler runs under the call's request id and trace context with its
// principal, and whose items and end are recorded in the metrics
// ("<name>.item" per item, "<name>" per stream) and whose end is logged.
template <typename Request, typename Response>
struct OrderedStreamSpec {
  // Pool thread, under the request id; see OrderedBidiReactor::Handler.
  // Set this or handle_async.
  std::function<absl::Status(const Principal& principal, Request& request, Response& response)>
      handle;
  // Or: starts on a pool thread, under the request id, and completes the
  // item with `done` from any thread; see OrderedBidiReactor::AsyncHandler.
  // `principal` is valid until `done` returned.
  std::function<void(const Principal& principal, Request& request, Response& response,
                     typename OrderedBidiReactor<Request, Response>::ItemDone done)>
      handle_async;
  typename OrderedBidiReactor<Request, Response>::Answer answer;
  typename OrderedBidiReactor<Request, Response>::OrderingKey ordering_key;  // optional
  int max_in_flight = OrderedBidiReactor<Request, Response>::kDefaultMaxInFlight;
  // kGrpcThread only with handle_async (see OrderedBidiReactor's header).
  typename OrderedBidiReactor<Request, Response>::StartOn start_on =
      OrderedBidiReactor<Request, Response>::StartOn::kPool;
};

template <typename Request, typename Response>
grpc::ServerBidiReactor<Request, Response>* OpenOrderedStream(
    const CallSupport& support, grpc::CallbackServerContext* call, RpcMethod method,
    OrderedStreamSpec<Request, Response> spec) {
  absl::StatusOr<AdmittedStream> admitted = AdmitStream(support, *call, method);
  if (!admitted.ok()) {
    return new RejectedBidiReactor<Request, Response>(ToGrpcStatus(admitted.status()));
  }
  using Done = typename OrderedBidiReactor<Request, Response>::ItemDone;
  // The principal lives in the handler, which lives as long as the reactor
  // (every item is answered before the reactor goes).
  auto handler = [handle = std::move(spec.handle), handle_async = std::move(spec.handle_async),
                  principal = admitted->principal, request_id = admitted->request_id,
                  trace = admitted->trace](Request& request, Response& response, Done done) {
    log::ScopedRequestId scoped(request_id);
    ScopedTraceContext scoped_trace(trace);
    if (handle_async) {
      handle_async(principal, request, response, std::move(done));
    } else {
      done(handle(principal, request, response));
    }
  };
  auto on_item = [&support, method, request_id = admitted->request_id, trace = admitted->trace](
                     const absl::Status& status, std::chrono::steady_clock::time_point read_at) {
    log::ScopedRequestId scoped(request_id);
    ScopedTraceContext scoped_trace(trace);
    LogServerError(method, status);
    support.Observe(method, ".item", static_cast<int>(status.code()), read_at);
  };
  auto finished = [&support, method, stream = *admitted](const grpc::Status& status) {
    StreamEnded(support, method, stream, status.error_code());
  };
  return new OrderedBidiReactor<Request, Response>(
      support.pool, std::move(handler), std::move(spec.answer), std::move(finished),
      spec.max_in_flight, std::move(spec.ordering_key), std::move(on_item), support.retry_after,
      spec.start_on);
}

}  // namespace sqms::runtime
