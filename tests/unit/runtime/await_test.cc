// runtime::Await: the blocking form of a callback, inline or from another
// thread.
#include "sqms/runtime/await.h"

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

TEST(AwaitTest, ACallbackRunInlineIsReturned) {
  const absl::StatusOr<std::string> got = Await<absl::StatusOr<std::string>>(
      [](std::function<void(absl::StatusOr<std::string>)> done) { done("inline"); });
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "inline");
}

TEST(AwaitTest, ACallbackFromAnotherThreadIsWaitedFor) {
  std::thread io;
  const absl::StatusOr<int> got =
      Await<absl::StatusOr<int>>([&io](std::function<void(absl::StatusOr<int>)> done) {
        io = std::thread([done = std::move(done)] {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          done(absl::UnavailableError("down"));
        });
      });
  io.join();
  EXPECT_EQ(got.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sqms::runtime
