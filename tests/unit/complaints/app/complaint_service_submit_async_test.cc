// ComplaintService::SubmitAsync against a store that answers later, from a
// thread of its own (as the Redis I/O thread does): the same outcomes as
// Submit — created, replayed under an idempotency key, re-linked when a
// duplicate raced in — answered on the store's thread, with the call's
// request id and trace context current in the continuations.

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "services/complaints/app/complaint_service.h"
#include "sqms/runtime/call_context.h"
#include "tests/unit/complaints/app/complaint_service_fixture.h"

namespace sqms::complaints::app::testing {
namespace {

// The in-memory store with its callbacks deferred to one "I/O" thread, in
// the order the operations were started. The blocking forms are the port's.
class DeferringRepository final : public ports::ComplaintRepository {
 public:
  explicit DeferringRepository(InMemoryComplaintRepository& store)
      : store_(store), io_([this] { Loop(); }) {}
  ~DeferringRepository() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_one();
    io_.join();
  }

  std::thread::id io_thread() const { return io_.get_id(); }

  std::string NewId(const std::string& seed, absl::Time now) override {
    return store_.NewId(seed, now);
  }
  void ReserveAsync(const std::string& scope, const std::string& request_fingerprint,
                    const std::string& complaint_id, absl::Duration ttl,
                    ports::Done<ports::IdempotencyReservation> done) override {
    Defer(store_.Reserve(scope, request_fingerprint, complaint_id, ttl), std::move(done));
  }
  void CreateAsync(const ports::NewComplaint& complaint,
                   ports::Done<ports::CreateResult> done) override {
    Defer(store_.Create(complaint), std::move(done));
  }
  void GetAsync(const std::string& id, bool with_audit,
                ports::Done<domain::Complaint> done) override {
    Defer(store_.Get(id, with_audit), std::move(done));
  }
  absl::StatusOr<bool> Update(const ports::ComplaintUpdate& update) override {
    return store_.Update(update);
  }
  absl::StatusOr<std::optional<ports::RecordedRequest>> FindRequest(
      const std::string& id, const std::string& request_id) override {
    return store_.FindRequest(id, request_id);
  }
  absl::StatusOr<ports::ListPage> List(const ports::ListQuery& query) override {
    return store_.List(query);
  }
  absl::StatusOr<ports::StatusCounts> CountByStatusAndPriority() override {
    return store_.CountByStatusAndPriority();
  }

 private:
  template <typename T>
  void Defer(absl::StatusOr<T> result, ports::Done<T> done) {
    // The task is copyable (std::function): the result rides in a shared_ptr.
    auto shared = std::make_shared<absl::StatusOr<T>>(std::move(result));
    {
      std::lock_guard<std::mutex> lock(mu_);
      tasks_.push_back([shared, done = std::move(done)] { done(std::move(*shared)); });
    }
    cv_.notify_one();
  }
  void Loop() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty()) return;
      std::function<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      lock.lock();
    }
  }

  InMemoryComplaintRepository& store_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread io_;  // last: started once the rest exists
};

class SubmitAsyncTest : public ComplaintServiceTest {
 protected:
  struct Answer {
    absl::StatusOr<SubmitResult> result;
    std::thread::id thread;
    std::string request_id;
    runtime::TraceContext trace;
  };

  // SubmitAsync under `context`; the answer and where it came from.
  Answer SubmitVia(const domain::Submission& s, const runtime::CallContext& context = {}) {
    std::promise<Answer> promise;
    {
      runtime::ScopedCallContext scoped(context);
      async_service_->SubmitAsync(s, "hotline-agent", [&promise](absl::StatusOr<SubmitResult> r) {
        promise.set_value({std::move(r), std::this_thread::get_id(),
                           runtime::log::CurrentRequestId(), runtime::CurrentTraceContext()});
      });
    }
    return promise.get_future().get();
  }

  void SetUp() override {
    ComplaintServiceTest::SetUp();
    async_service_ =
        std::make_unique<ComplaintService>(deferring_, *triage_, clock_, "test-pii-key");
  }
  void TearDown() override { async_service_.reset(); }

  DeferringRepository deferring_{repo_};
  std::unique_ptr<ComplaintService> async_service_;  // set up once triage_ is
};

TEST_F(SubmitAsyncTest, AKeyedSubmissionIsCreatedThenReplayedFromTheStoresThread) {
  const runtime::CallContext context{"req-1", runtime::NewTraceContext()};
  Answer first = SubmitVia(SafetyReport("key-1"), context);
  ASSERT_TRUE(first.result.ok()) << first.result.status();
  EXPECT_FALSE(first.result->replayed);
  EXPECT_EQ(first.thread, deferring_.io_thread());
  EXPECT_EQ(first.request_id, "req-1");
  EXPECT_EQ(first.trace, context.trace);
  EXPECT_EQ(repo_.creates(), 1);

  Answer again = SubmitVia(SafetyReport("key-1"));
  ASSERT_TRUE(again.result.ok()) << again.result.status();
  EXPECT_TRUE(again.result->replayed);
  EXPECT_EQ(again.result->complaint.id, first.result->complaint.id);
  EXPECT_EQ(repo_.creates(), 1);

  domain::Submission other = SafetyReport("key-1");
  other.content = "Something else entirely happened in carriage 5.";
  Answer refused = SubmitVia(other);
  EXPECT_EQ(refused.result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Fields(refused.result.status()), ::testing::ElementsAre("idempotency_key"));
}

TEST_F(SubmitAsyncTest, ADuplicateIsLinkedToTheFirstAcrossCallbacks) {
  Answer first = SubmitVia(HygieneReport());
  ASSERT_TRUE(first.result.ok()) << first.result.status();
  // The service believes there is no first yet: the store says which there
  // is, and the continuation creates the duplicate linked to it.
  Answer second = SubmitVia(HygieneReport());
  ASSERT_TRUE(second.result.ok()) << second.result.status();
  EXPECT_EQ(second.result->complaint.duplicate_of, first.result->complaint.id);
  EXPECT_EQ(second.thread, deferring_.io_thread());
  EXPECT_THAT(EventTypes(second.result->complaint.id),
              ::testing::ElementsAre(domain::EventType::kSubmitted,
                                     domain::EventType::kDuplicateLinked));
}

TEST_F(SubmitAsyncTest, AnInvalidSubmissionIsAnsweredBeforeSubmitAsyncReturns) {
  domain::Submission empty = SafetyReport();
  empty.title.clear();
  empty.content.clear();
  bool answered = false;
  async_service_->SubmitAsync(empty, "hotline-agent", [&](absl::StatusOr<SubmitResult> r) {
    answered = true;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  });
  EXPECT_TRUE(answered);
  EXPECT_EQ(repo_.creates(), 0);
}

TEST_F(SubmitAsyncTest, TheStoreDownIsTheSyncAnswer) {
  repo_.SetDown(absl::UnavailableError("store down"));
  Answer down = SubmitVia(SafetyReport("key-2"));
  EXPECT_EQ(down.result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(service_->Submit(SafetyReport("key-2"), "hotline-agent").status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace sqms::complaints::app::testing
