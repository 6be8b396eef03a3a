// WatchKpis against the real binary, Redis and devkafka: a stream opened
// before any event gets its snapshot, then each change as the checkpoints
// write it; a late event arrives as a correction with a higher revision; a
// second replica's stream sees the same; bad requests name their field;
// shutdown ends the streams.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "tests/integration/metrics/metrics_stack.h"
#include "tests/support/service_client.h"

namespace sqms::metrics::it {
namespace {

using testing::Await;

// answer_rate of ticketing-center per day: today and the three days before,
// so the two days the test writes (DayStart() and the day after) stay
// watched should midnight pass while it runs.
mv1::WatchKpisRequest Request() {
  mv1::WatchKpisRequest r;
  r.add_kpis("answer_rate");
  r.set_size(mv1::WINDOW_SIZE_DAY);
  r.set_dimension("department");
  r.set_unit("ticketing-center");
  r.set_previous_windows(3);
  return r;
}

// One open WatchKpis stream, read on a thread of its own into a list the
// test awaits conditions on.
class Watch {
 public:
  Watch(const MetricsStack& stack, int replica, const mv1::WatchKpisRequest& request)
      : context_(Ctx(absl::Minutes(5))), stub_(stack.Metrics(replica)) {
    reader_ = stub_->WatchKpis(context_.get(), request);
    thread_ = std::thread([this] {
      mv1::KpiUpdate update;
      while (reader_->Read(&update)) {
        absl::MutexLock lock(&mu_);
        updates_.push_back(update);
      }
      grpc::Status status = reader_->Finish();
      absl::MutexLock lock(&mu_);
      status_ = status;
    });
  }
  ~Watch() {
    context_->TryCancel();
    thread_.join();
  }

  std::vector<mv1::KpiUpdate> updates() const {
    absl::MutexLock lock(&mu_);
    return updates_;
  }
  // The first update that `match` accepts, awaited up to `timeout`.
  std::optional<mv1::KpiUpdate> AwaitUpdate(const std::function<bool(const mv1::KpiUpdate&)>& match,
                                            absl::Duration timeout = absl::Seconds(30)) const {
    std::optional<mv1::KpiUpdate> found;
    Await([&] {
      for (const mv1::KpiUpdate& u : updates()) {
        if (match(u)) {
          found = u;
          return true;
        }
      }
      return false;
    }, timeout, absl::Milliseconds(20));
    return found;
  }
  // The stream's final status once it ended; nullopt if it did not in time.
  std::optional<grpc::Status> AwaitEnd(absl::Duration timeout) const {
    std::optional<grpc::Status> status;
    Await([&] {
      absl::MutexLock lock(&mu_);
      status = status_;
      return status.has_value();
    }, timeout, absl::Milliseconds(50));
    return status;
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<mv1::MetricsService::Stub> stub_;
  std::unique_ptr<grpc::ClientReader<mv1::KpiUpdate>> reader_;
  std::thread thread_;
  mutable absl::Mutex mu_;
  std::vector<mv1::KpiUpdate> updates_ ABSL_GUARDED_BY(mu_);
  std::optional<grpc::Status> status_ ABSL_GUARDED_BY(mu_);
};

// A change (not a snapshot) of the window labelled `period` with `matches`.
std::function<bool(const mv1::KpiUpdate&)> ChangeOf(
    const std::string& period, std::function<bool(const mv1::KpiValue&)> matches) {
  return [period, matches = std::move(matches)](const mv1::KpiUpdate& u) {
    return !u.snapshot() && u.value().period() == period && matches(u.value());
  };
}

class MetricsWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stack = MetricsStack::Start({.name = "metrics-watch"});
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
  }
  std::unique_ptr<MetricsStack> stack_;
};

TEST_F(MetricsWatchTest, SnapshotThenUpdatesThenALateCorrectionOnEveryReplica) {
  ASSERT_TRUE(stack_->StartService(1).ok());
  Watch first(*stack_, 0, Request()), second(*stack_, 1, Request());
  const absl::Time day = DayStart();
  const std::string label = DayLabel(day), next_label = DayLabel(day + absl::Hours(24));

  for (const Watch* watch : {&first, &second}) {
    ASSERT_TRUE(Await([&] { return watch->updates().size() >= 4; }, absl::Seconds(10)));
    std::vector<mv1::KpiUpdate> snapshot = watch->updates();
    ASSERT_EQ(snapshot.size(), 4u) << "one per watched day, nothing else before any event";
    for (const mv1::KpiUpdate& u : snapshot) {
      EXPECT_TRUE(u.snapshot());
      EXPECT_EQ(u.value().kpi(), "answer_rate");
      EXPECT_EQ(u.value().unit(), "ticketing-center");
      EXPECT_EQ(u.value().denominator(), 0);
      EXPECT_FALSE(u.value().has_value());
    }
    // Oldest first; the days the test writes among them (also should
    // midnight pass between the watch's start and DayStart()).
    std::vector<std::string> periods;
    for (const mv1::KpiUpdate& u : snapshot) periods.push_back(u.value().period());
    EXPECT_TRUE(std::is_sorted(periods.begin(), periods.end())) << "oldest first";
    EXPECT_THAT(periods, ::testing::IsSupersetOf({label, next_label}));
  }

  // As kpi_test's late event: the next day's event moves the partition's
  // watermark past the day's end plus grace; the same key keeps all three
  // on one partition. The next day's call has its outcome: in the five
  // minutes after midnight that day is still open by the clock, and an open
  // day's answer rate divides by the calls with an outcome only
  // (domain::Settlement); a call offered alone would count there 0 times.
  ev::ContactEvent offered = Contact("watch-1", day + absl::Hours(9), "ticketing-center");
  offered.mutable_call_offered();
  ev::ContactEvent next_day = Contact("watch-1", day + absl::Hours(33), "ticketing-center");
  next_day.mutable_call_offered();
  ev::ContactEvent next_day_abandoned =
      Contact("watch-1", day + absl::Hours(33) + absl::Seconds(30), "ticketing-center");
  next_day_abandoned.mutable_call_abandoned()->set_wait_seconds(30);
  ASSERT_TRUE(stack_->Produce({offered, next_day, next_day_abandoned}).ok());
  for (const Watch* watch : {&first, &second}) {
    auto update = watch->AwaitUpdate(
        ChangeOf(label, [](const mv1::KpiValue& v) { return v.denominator() == 1; }));
    ASSERT_TRUE(update.has_value()) << "the day's call, as a change";
    EXPECT_EQ(update->value().numerator(), 0);
    EXPECT_EQ(update->value().revision(), 0);
    EXPECT_TRUE(update->value().closed());
    EXPECT_TRUE(update->has_observed_at());
    ASSERT_TRUE(watch->AwaitUpdate(
        ChangeOf(next_label, [](const mv1::KpiValue& v) { return v.denominator() == 1; })));
  }

  ev::ContactEvent late = Contact("watch-1", day + absl::Hours(9), "ticketing-center");
  late.mutable_call_answered()->set_wait_seconds(5);
  ASSERT_TRUE(stack_->Produce({late}).ok());
  for (const Watch* watch : {&first, &second}) {
    auto correction = watch->AwaitUpdate(
        ChangeOf(label, [](const mv1::KpiValue& v) { return v.numerator() == 1; }));
    ASSERT_TRUE(correction.has_value()) << "the late answer";
    EXPECT_TRUE(correction->correction());
    EXPECT_EQ(correction->value().revision(), 1) << "higher than the 0 before";
    EXPECT_EQ(correction->value().value(), 100.0);
    EXPECT_EQ(correction->value().denominator(), 1);
  }
  // The same figures, in the same order, on both replicas.
  auto changes = [](const Watch& w) {
    std::vector<std::string> out;
    for (const mv1::KpiUpdate& u : w.updates()) {
      out.push_back(absl::StrCat(u.value().period(), " ", u.value().numerator(), "/",
                                 u.value().denominator(), " r", u.value().revision(),
                                 u.snapshot() ? " s" : "", u.correction() ? " c" : ""));
    }
    return out;
  };
  EXPECT_EQ(changes(first), changes(second));
}

TEST_F(MetricsWatchTest, BadRequestsAreRefusedNamingTheField) {
  auto refused = [&](const std::function<void(mv1::WatchKpisRequest&)>& spoil) {
    mv1::WatchKpisRequest request = Request();
    spoil(request);
    auto stub = stack_->Metrics();
    auto context = Ctx();
    auto reader = stub->WatchKpis(context.get(), request);
    mv1::KpiUpdate update;
    EXPECT_FALSE(reader->Read(&update)) << "nothing is sent";
    grpc::Status s = reader->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << testing::StatusText(s);
    return testing::ViolationFields(s);
  };
  EXPECT_EQ(refused([](auto& r) { r.clear_kpis(); }), std::vector<std::string>{"kpis"});
  EXPECT_EQ(refused([](auto& r) { r.add_kpis("no_such_kpi"); }),
            std::vector<std::string>{"kpis[1]"});
  EXPECT_EQ(refused([](auto& r) { r.set_size(mv1::WINDOW_SIZE_UNSPECIFIED); }),
            std::vector<std::string>{"size"});
  EXPECT_EQ(refused([](auto& r) { r.set_dimension("planet"); }),
            std::vector<std::string>{"dimension"});
  EXPECT_EQ(refused([](auto& r) { r.set_previous_windows(32); }),
            std::vector<std::string>{"previous_windows"});
  EXPECT_EQ(refused([](auto& r) { r.set_size(static_cast<mv1::WindowSize>(42)); }),
            std::vector<std::string>{"size"});

  auto stub = stack_->Metrics();
  auto context = testing::CallContext("");
  auto reader = stub->WatchKpis(context.get(), Request());
  mv1::KpiUpdate update;
  EXPECT_FALSE(reader->Read(&update));
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(MetricsWatchTest, ShutdownEndsTheStreamsAndTheProcessExitsCleanly) {
  Watch watch(*stack_, 0, Request());
  ASSERT_TRUE(Await([&] { return watch.updates().size() >= 3; }, absl::Seconds(10)));
  EXPECT_EQ(stack_->StopService(0), 0) << "SIGTERM with an open watch";
  auto status = watch.AwaitEnd(absl::Seconds(5));
  ASSERT_TRUE(status.has_value()) << "the stream ended with the server";
  // Ended as the shutdown began, with the code clients retry on (another
  // replica answers) — not CANCELLED by the drain deadline.
  EXPECT_EQ(status->error_code(), grpc::StatusCode::UNAVAILABLE) << testing::StatusText(*status);
  EXPECT_THAT(status->error_message(), ::testing::HasSubstr("shutting down"));
}

}  // namespace
}  // namespace sqms::metrics::it
