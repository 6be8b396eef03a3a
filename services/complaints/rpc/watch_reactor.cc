#include "services/complaints/rpc/watch_reactor.h"

#include <utility>

namespace sqms::complaints::rpc {

WatchReactor::WatchReactor(adapters::WatchHub& hub,
                           const ::sqms::complaints::v1::ComplaintFilter& filter,
                           OnFinished on_finished, size_t queue_capacity)
    : hub_(hub), on_finished_(std::move(on_finished)), capacity_(queue_capacity) {
  subscription_ = hub_.Subscribe(filter, *this);
}

int WatchReactor::Push(const adapters::ComplaintEventPtr& event) {
  int dropped = 0;
  Action action;
  {
    absl::MutexLock lock(&mu_);
    if (finished_ || broken_) return 0;
    queue_.push_back(event);
    while (queue_.size() > capacity_) {
      queue_.pop_front();
      ++dropped;
    }
    action = NextLocked();
  }
  Run(action);
  return dropped;
}

void WatchReactor::OnWriteDone(bool ok) {
  Action action;
  {
    absl::MutexLock lock(&mu_);
    writing_.reset();
    if (!ok) broken_ = true;
    action = NextLocked();
  }
  Run(action);
}

void WatchReactor::OnCancel() {
  Action action;
  {
    absl::MutexLock lock(&mu_);
    broken_ = true;
    action = NextLocked();
  }
  Run(action);
}

void WatchReactor::OnDone() {
  hub_.Unsubscribe(subscription_);  // no Push runs after this returns
  on_finished_(grpc::Status::CANCELLED);
  delete this;
}

WatchReactor::Action WatchReactor::NextLocked() {
  Action action;
  if (finished_ || writing_ != nullptr) return action;
  if (broken_) {
    queue_.clear();
    finished_ = action.finish = true;
  } else if (!queue_.empty()) {
    writing_ = std::move(queue_.front());
    queue_.pop_front();
    action.write = writing_.get();
  }
  return action;
}

void WatchReactor::Run(Action action) {
  // writing_ is only released after this write completes.
  if (action.write != nullptr) StartWrite(action.write);
  if (action.finish) Finish(grpc::Status::CANCELLED);
}

}  // namespace sqms::complaints::rpc
