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
// a request read while the pool's queue is full (RESOURCE_EXHAUSTED with
// RetryInfo — refused, not queued). An item whose client already left
// (cancelled, deadline passed, a write failed) is never handled: OnItem sees
// CANCELLED and nothing is written.
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
//
// OpenOrderedStream (end of file) is the stream set-up every service uses:
// admission, request id, principal, per-item and per-stream metrics.

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
  // Handles one request on a pool thread: fills `response` (not its
  // sequence/status fields, see Answer) and returns the item's status.
  using Handler = std::function<absl::Status(Request& request, Response& response)>;
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
  OrderedBidiReactor(TrackedPool& pool, Handler handler, Answer answer, OnFinished on_finished,
                     int max_in_flight = kDefaultMaxInFlight, OrderingKey ordering_key = {},
                     OnItem on_item = {}, absl::Duration retry_after = absl::Milliseconds(100))
      : pool_(pool),
        handler_(std::move(handler)),
        answer_(std::move(answer)),
        on_finished_(std::move(on_finished)),
        on_item_(std::move(on_item)),
        max_in_flight_(max_in_flight),
        ordering_key_(std::move(ordering_key)),
        retry_after_(retry_after) {
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

  // Answers the next sequence with INVALID_ARGUMENT naming `field`.
  void AnswerBadItemLocked(const std::string& field) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    suspect_ = false;
    const int64_t sequence = next_read_++;
    ++in_flight_;
    const absl::Status status = InvalidArgument({{field, "is not valid UTF-8"}});
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
    auto shared = std::make_shared<Task>(std::move(task));
    if (pool_.TrySubmit([this, shared] { RunTask(std::move(*shared), true); })) return;
    RunTask(std::move(*shared), false);
  }

  // A request that waited for its key: already admitted, always queued.
  void Submit(Task task) {
    pool_.Submit([this, task = std::move(task)]() mutable { RunTask(std::move(task), true); });
  }

  // Handles `task` (or, when `admitted` is false, answers it as refused) and
  // hands its key on.
  void RunTask(Task task, bool admitted) {
    bool gone = false;
    {
      absl::MutexLock lock(&mu_);
      gone = broken_;
    }
    absl::Status status;
    Response response;
    if (gone) {
      status = absl::CancelledError("the client left before the item was handled");
    } else if (!admitted) {
      status = Busy(retry_after_);
    } else {
      status = handler_(*task.request, response);
    }
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
  const Handler handler_;
  const Answer answer_;
  const OnFinished on_finished_;
  const OnItem on_item_;
  const int max_in_flight_;
  const OrderingKey ordering_key_;
  const absl::Duration retry_after_;

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

// The set-up of an ordered stream, shared by every service: AdmitStream
// (request id, trace context, deadline/cancellation, authorization; a
// refusal finishes the stream at once), then an OrderedBidiReactor whose
// handler runs under the call's request id and trace context with its
// principal, and whose items and end are recorded in the metrics
// ("<name>.item" per item, "<name>" per stream) and whose end is logged.
template <typename Request, typename Response>
struct OrderedStreamSpec {
  // Pool thread, under the request id; see OrderedBidiReactor::Handler.
  std::function<absl::Status(const Principal& principal, Request& request, Response& response)>
      handle;
  typename OrderedBidiReactor<Request, Response>::Answer answer;
  typename OrderedBidiReactor<Request, Response>::OrderingKey ordering_key;  // optional
  int max_in_flight = OrderedBidiReactor<Request, Response>::kDefaultMaxInFlight;
};

template <typename Request, typename Response>
grpc::ServerBidiReactor<Request, Response>* OpenOrderedStream(
    const CallSupport& support, grpc::CallbackServerContext* call, RpcMethod method,
    OrderedStreamSpec<Request, Response> spec) {
  absl::StatusOr<AdmittedStream> admitted = AdmitStream(support, *call, method);
  if (!admitted.ok()) {
    return new RejectedBidiReactor<Request, Response>(ToGrpcStatus(admitted.status()));
  }
  auto handler = [handle = std::move(spec.handle), principal = admitted->principal,
                  request_id = admitted->request_id,
                  trace = admitted->trace](Request& request, Response& response) {
    log::ScopedRequestId scoped(request_id);
    ScopedTraceContext scoped_trace(trace);
    return handle(principal, request, response);
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
      spec.max_in_flight, std::move(spec.ordering_key), std::move(on_item), support.retry_after);
}

}  // namespace sqms::runtime
