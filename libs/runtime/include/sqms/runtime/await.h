#pragma once
// The blocking form of a callback-based asynchronous operation, written
// once: Await starts the operation with a callback and waits until that
// callback ran, then returns what it was given. Header-only (std only).
//
//   absl::StatusOr<Reply> r = runtime::Await<absl::StatusOr<Reply>>(
//       [&](std::function<void(absl::StatusOr<Reply>)> done) {
//         client.FetchAsync(key, std::move(done));
//       });
//
// The callback may run on any thread, or inline before `start` returns. It
// must run exactly once: a callback never run blocks the caller for ever.
// Never await on the thread that would run the callback (e.g. a client's
// I/O thread): that deadlocks. The wait's state is shared with the
// callback, so the callback may still be returning after Await returned.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace sqms::runtime {

template <typename T, typename Start>
T Await(Start&& start) {
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<T> result;
  };
  auto state = std::make_shared<State>();
  std::forward<Start>(start)(std::function<void(T)>([state](T result) {
    std::lock_guard<std::mutex> lock(state->mu);
    state->result.emplace(std::move(result));
    state->cv.notify_one();
  }));
  std::unique_lock<std::mutex> lock(state->mu);
  state->cv.wait(lock, [&] { return state->result.has_value(); });
  return *std::move(state->result);
}

}  // namespace sqms::runtime
