// SIGKILL between write and answer: commands and submissions in flight
// when the service dies are retried after a restart with the same request
// id / idempotency key. Whatever the kill interrupted — before the write,
// between the idempotency key's reservation and the complaint's write, or
// after the write but before the answer — every request takes effect
// exactly once: one complaint per key, one audit entry and one event per
// request id.

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

constexpr int kComplaints = 8, kThreads = 4, kPerThread = 60, kKillAfter = 60;

struct Note {
  std::string complaint_id;
  std::string request_id;
};

// Sends `requests` from kThreads threads, counting successes in `acked`;
// calls `kill` once when acked reaches kKillAfter. Failures are expected
// after the kill.
template <typename Fn>
void SendAll(size_t count, Fn send_one, std::atomic<int>& acked, const std::function<void()>& kill) {
  std::once_flag killed;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = t; i < count; i += kThreads) {
        if (send_one(i) && ++acked == kKillAfter) std::call_once(killed, kill);
      }
    });
  }
  for (auto& th : threads) th.join();
}

// Retries `send_one(i)` for every i until it succeeds (the service is back).
template <typename Fn>
void RetryAll(size_t count, Fn send_one) {
  for (size_t i = 0; i < count; ++i) {
    ASSERT_TRUE(testing::Await([&] { return send_one(i); }, absl::Seconds(20),
                               absl::Milliseconds(100)))
        << "request " << i;
  }
}

TEST(RetriesSigkillTest, EveryRequestInFlightAtAKillTakesEffectOnce) {
  StackOptions options;
  options.name = "retries-sigkill";
  auto started = ComplaintsStack::Start(options);
  ASSERT_TRUE(started.ok()) << started.status();
  ComplaintsStack& stack = **started;
  std::shared_ptr<v1::ComplaintService::Stub> stub = stack.Complaints();

  // Submissions with idempotency keys, killed mid-way.
  std::vector<v1::SubmitComplaintRequest> submissions;
  for (int i = 0; i < kThreads * kPerThread; ++i) submissions.push_back(ValidSubmission("kill"));
  std::mutex mu;
  std::map<std::string, std::string> id_of_key;  // acknowledged before the kill
  auto submit = [&](size_t i) {
    v1::SubmitComplaintResponse out;
    auto ctx = Ctx(Role::kService, absl::Seconds(5));
    if (!stub->SubmitComplaint(ctx.get(), submissions[i], &out).ok()) return false;
    std::lock_guard lock(mu);
    auto it = id_of_key.emplace(submissions[i].idempotency_key(), out.complaint().id()).first;
    EXPECT_EQ(it->second, out.complaint().id()) << "a key answered with two complaints";
    return true;
  };
  std::atomic<int> acked{0};
  SendAll(submissions.size(), submit, acked, [&] { stack.KillService(); });
  ASSERT_GE(acked.load(), kKillAfter);
  ASSERT_TRUE(stack.StartService().ok());
  stub = stack.Complaints();
  RetryAll(submissions.size(), submit);
  ASSERT_EQ(id_of_key.size(), submissions.size());
  std::set<std::string> ids;
  for (const auto& [key, id] : id_of_key) ids.insert(id);
  EXPECT_EQ(ids.size(), submissions.size()) << "one complaint per key";

  // Notes with request ids on a few complaints, killed mid-way.
  std::vector<std::string> targets(ids.begin(), ids.end());
  targets.resize(kComplaints);
  std::vector<Note> notes;
  for (int i = 0; i < kThreads * kPerThread; ++i) {
    notes.push_back({targets[i % kComplaints], Unique("rid")});
  }
  auto note = [&](size_t i) {
    v1::LifecycleRequest r = Cmd(notes[i].complaint_id, 0, "note " + notes[i].request_id);
    r.set_request_id(notes[i].request_id);
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor, absl::Seconds(5));
    return stub->AddNote(ctx.get(), r, &out).ok();
  };
  acked = 0;
  SendAll(notes.size(), note, acked, [&] { stack.KillService(); });
  ASSERT_GE(acked.load(), kKillAfter);
  ASSERT_TRUE(stack.StartService().ok());
  stub = stack.Complaints();
  RetryAll(notes.size(), note);

  // Each complaint: one version, one audit entry and one event per note.
  const int per_complaint = static_cast<int>(notes.size()) / kComplaints;
  std::map<std::string, int64_t> final_version;
  for (const std::string& id : targets) {
    v1::GetComplaintRequest r;
    r.set_id(id);
    v1::Complaint got;
    auto ctx = Ctx(Role::kSupervisor);
    ASSERT_TRUE(stub->GetComplaint(ctx.get(), r, &got).ok());
    EXPECT_EQ(got.version(), 1 + per_complaint) << id;
    EXPECT_EQ(got.audit_size(), 1 + per_complaint) << id;
    std::set<std::string> audited;
    for (const auto& a : got.audit()) audited.insert(a.note());
    EXPECT_EQ(audited.size(), static_cast<size_t>(1 + per_complaint)) << "a note twice: " << id;
    final_version[id] = got.version();
  }
  testing::TopicReader reader(stack.kafka().bootstrap(), kComplaintsTopic);
  auto records = reader.ReadUntil(
      [&](const auto& rs) {
        std::map<std::string, int64_t> seen;
        for (const auto& e : Decode(rs, targets)) {
          auto& v = seen[e.record.key];
          v = std::max<int64_t>(v, e.event.complaint().version());
        }
        for (const auto& [id, v] : final_version) {
          if (seen[id] < v) return false;
        }
        return true;
      },
      absl::Seconds(60));
  std::map<std::string, std::set<int64_t>> versions;
  // Distinct event ids: a relay may redeliver one after a kill (consumers
  // dedupe on it); a command applied twice would have two.
  std::map<std::string, std::set<std::string>> note_events;
  for (const auto& e : Decode(records, targets)) {
    versions[e.record.key].insert(e.event.complaint().version());
    if (e.event.type() == ev::COMPLAINT_EVENT_TYPE_NOTE_ADDED) {
      note_events[e.record.key].insert(e.event.event_id());
    }
  }
  for (const std::string& id : targets) {
    EXPECT_EQ(note_events[id].size(), static_cast<size_t>(per_complaint)) << id;
    EXPECT_EQ(versions[id].size(), static_cast<size_t>(1 + per_complaint)) << id;
  }
}

}  // namespace
}  // namespace sqms::complaints::it
