#include "sqms/runtime/http/http_client.h"

#include <curl/curl.h>

#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "curl_handles.h"
#include "curl_status.h"
#include "curl_transfer.h"

namespace sqms::runtime {

using curl::Transfer;

std::string_view HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, absl::string_view(name.data(), name.size()))) return value;
  }
  return {};
}

void curl::GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

class HttpClient::Impl {
 public:
  explicit Impl(HttpClientOptions options) : options_(std::move(options)) {
    curl::GlobalInitOnce();
    multi_.reset(curl_multi_init());
    thread_ = std::thread([this] { Run(); });
  }

  ~Impl() { Shutdown(); }

  // Idempotent; the owner calls it first, so that callbacks sending during
  // shutdown still find the HttpClient whole.
  void Shutdown() {
    if (!thread_.joinable()) return;
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    curl_multi_wakeup(multi_.get());
    thread_.join();
  }

  void Send(HttpRequest request, Callback done) {
    absl::Status rejected;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) {
        rejected = absl::CancelledError("http: client shutting down");
      } else if (pending_ >= options_.max_pending) {
        rejected = absl::ResourceExhaustedError("http: too many pending requests");
      } else {
        auto t = std::make_unique<Transfer>();
        t->request = std::move(request);
        t->done = std::move(done);
        incoming_.push_back(std::move(t));
        ++pending_;
      }
    }
    if (!rejected.ok()) {
      done(rejected);  // at once, on this thread, outside the lock
      return;
    }
    curl_multi_wakeup(multi_.get());
  }

  bool OnIoThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void Run() {
    for (;;) {
      std::deque<std::unique_ptr<Transfer>> batch;
      bool stopping = false;
      {
        absl::MutexLock lock(&mu_);
        batch.swap(incoming_);
        stopping = stopping_;
      }
      if (stopping) {
        CancelAll(std::move(batch));
        return;
      }
      for (auto& t : batch) Start(std::move(t));
      int running = 0;
      curl_multi_perform(multi_.get(), &running);
      Reap();
      // Wakes on socket activity, curl's next timeout, or curl_multi_wakeup.
      curl_multi_poll(multi_.get(), nullptr, 0, 1000, nullptr);
    }
  }

  void Start(std::unique_ptr<Transfer> t) {
    if (absl::Status s = curl::Configure(*t, options_); !s.ok()) {
      Complete(std::move(t), s);
      return;
    }
    const CURLMcode added = curl_multi_add_handle(multi_.get(), t->easy.get());
    if (added != CURLM_OK) {
      Complete(std::move(t), absl::InternalError(curl_multi_strerror(added)));
      return;
    }
    CURL* easy = t->easy.get();
    active_.emplace(easy, std::move(t));
  }

  void Reap() {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      auto it = active_.find(msg->easy_handle);
      if (it == active_.end()) continue;
      std::unique_ptr<Transfer> t = std::move(it->second);
      active_.erase(it);
      const CURLcode code = msg->data.result;  // msg is invalid after remove_handle
      curl_multi_remove_handle(multi_.get(), t->easy.get());
      absl::StatusOr<HttpResponse> result = curl::Finish(*t, code);
      Complete(std::move(t), std::move(result));
    }
  }

  void CancelAll(std::deque<std::unique_ptr<Transfer>> batch) {
    for (auto& [easy, t] : active_) {
      curl_multi_remove_handle(multi_.get(), easy);
      batch.push_back(std::move(t));
    }
    active_.clear();
    for (auto& t : batch) Complete(std::move(t), absl::CancelledError("http: client destroyed"));
  }

  // The transfer is out of the multi handle; frees it, then runs its callback.
  void Complete(std::unique_ptr<Transfer> t, absl::StatusOr<HttpResponse> result) {
    Callback done = std::move(t->done);
    t.reset();
    {
      absl::MutexLock lock(&mu_);
      --pending_;
    }
    done(std::move(result));
  }

  const HttpClientOptions options_;
  curl::MultiPtr multi_;
  absl::Mutex mu_;
  std::deque<std::unique_ptr<Transfer>> incoming_ ABSL_GUARDED_BY(mu_);
  size_t pending_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active_;  // I/O thread only
  std::thread thread_;
};

HttpClient::HttpClient(HttpClientOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

HttpClient::~HttpClient() { impl_->Shutdown(); }

void HttpClient::Send(HttpRequest request, Callback done) {
  impl_->Send(std::move(request), std::move(done));
}

absl::StatusOr<HttpResponse> HttpClient::SendAndWait(HttpRequest request) {
  if (impl_->OnIoThread()) {
    return absl::FailedPreconditionError("http: SendAndWait on the client's I/O thread");
  }
  struct Outcome {
    absl::Notification done;
    absl::StatusOr<HttpResponse> result;
  };
  auto outcome = std::make_shared<Outcome>();
  impl_->Send(std::move(request), [outcome](absl::StatusOr<HttpResponse> result) {
    outcome->result = std::move(result);
    outcome->done.Notify();
  });
  outcome->done.WaitForNotification();
  return std::move(outcome->result);
}

}  // namespace sqms::runtime
