#include "tools/loadgen/load.h"

#include <chrono>
#include <mutex>
#include <thread>

#include "sqms/complaints/v1/service.grpc.pb.h"
#include "sqms/contact/v1/service.grpc.pb.h"
#include "tools/loadgen/pipelined_stream.h"
#include "tools/sqmsctl/enum_names.h"
#include "tools/sqmsctl/rpc_error.h"

namespace sqms::loadgen {

namespace {

namespace cv1 = ::sqms::complaints::v1;
using contact::v1::ContactEventAck;
using events::v1::ContactEvent;

constexpr size_t kErrorSamples = 5;

// Stream i's share of total, generator options and pace.
int64_t ShareOf(int64_t total, int streams, int i) {
  return total / streams + (i < total % streams ? 1 : 0);
}

GeneratorOptions StreamGenerator(const LoadOptions& options, int i) {
  GeneratorOptions g = options.generator;
  g.seed = options.generator.seed * 1000003ULL + static_cast<uint64_t>(i);
  g.id_prefix += "-s" + std::to_string(i);
  return g;
}

StreamPlan PlanFor(const LoadOptions& options, int64_t count) {
  return StreamPlan{count, options.inflight, options.rate_per_s / options.streams};
}

// Runs body(i) on one thread per stream and waits for all.
template <typename Body>
void ForEachStream(int streams, Body body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < streams; ++i) threads.emplace_back(body, i);
  for (std::thread& thread : threads) thread.join();
}

std::string StreamFailure(int i, const grpc::Status& status) {
  return "stream " + std::to_string(i) + ": " + tools::FormatGrpcError(status);
}

}  // namespace

void ComplaintTally::Add(const cv1::StreamComplaintsResponse& response, bool detailed) {
  if (response.has_error()) {
    ++errors;
    if (!detailed) return;
    ++error_codes[tools::StatusCodeName(response.error().code())];
    if (error_samples.size() < kErrorSamples) {
      error_samples.push_back(tools::FormatRpcStatus(response.error()));
    }
    return;
  }
  ++accepted;
  const cv1::Complaint& c = response.accepted().complaint();
  bool replay = response.accepted().replayed();
  replayed += replay ? 1 : 0;
  duplicates += !replay && !c.duplicate_of().empty() ? 1 : 0;
  if (!detailed || replay) return;
  ++by_category[tools::EnumShortName(c.category())];
  ++by_priority[tools::EnumShortName(c.priority())];
  ++by_department[c.department().empty() ? "-" : c.department()];
  ++by_channel[tools::EnumShortName(c.channel())];
  ids.push_back(c.id());
}

void ComplaintTally::Merge(ComplaintTally&& other) {
  sent += other.sent;
  accepted += other.accepted;
  replayed += other.replayed;
  duplicates += other.duplicates;
  errors += other.errors;
  latencies_ns.insert(latencies_ns.end(), other.latencies_ns.begin(), other.latencies_ns.end());
  answered_at_ns.insert(answered_at_ns.end(), other.answered_at_ns.begin(),
                        other.answered_at_ns.end());
  for (const auto& [into, from] :
       {std::pair{&by_category, &other.by_category}, std::pair{&by_priority, &other.by_priority},
        std::pair{&by_department, &other.by_department}, std::pair{&by_channel, &other.by_channel},
        std::pair{&error_codes, &other.error_codes}}) {
    for (const auto& [key, count] : *from) (*into)[key] += count;
  }
  for (std::string& sample : other.error_samples) {
    if (error_samples.size() < kErrorSamples) error_samples.push_back(std::move(sample));
  }
  ids.insert(ids.end(), other.ids.begin(), other.ids.end());
}

absl::Status CheckReachable(const LoadOptions& options) {
  double seconds = options.client.timeout_seconds > 0 ? options.client.timeout_seconds : 10;
  auto deadline = std::chrono::system_clock::now() +
                  std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  if (tools::MakeChannel(options.client)->WaitForConnected(deadline)) return absl::OkStatus();
  return absl::UnavailableError("cannot connect to " + options.client.server + " within " +
                                std::to_string(static_cast<int>(seconds)) + " s");
}

ComplaintRun RunComplaints(const LoadOptions& options) {
  std::vector<ComplaintTally> tallies(static_cast<size_t>(options.streams));
  std::vector<grpc::Status> statuses(tallies.size());
  auto start = std::chrono::steady_clock::now();
  ForEachStream(options.streams, [&](int i) {
    auto stub = cv1::ComplaintService::NewStub(tools::MakeDedicatedChannel(options.client));
    grpc::ClientContext context;
    tools::PrepareContext(options.client, false, context);
    ComplaintGenerator generator(StreamGenerator(options, i));
    ComplaintTally& tally = tallies[static_cast<size_t>(i)];
    int64_t count = ShareOf(options.complaints, options.streams, i);
    tally.latencies_ns.reserve(static_cast<size_t>(count));
    if (!options.latency_log.empty()) tally.answered_at_ns.reserve(static_cast<size_t>(count));
    StreamOutcome outcome =
        RunPipelinedStream<cv1::SubmitComplaintRequest, cv1::StreamComplaintsResponse>(
            context,
            [&stub](grpc::ClientContext* c, auto* r) { stub->async()->StreamComplaints(c, r); },
            PlanFor(options, count),
            [&generator](int64_t, cv1::SubmitComplaintRequest* r) { generator.Next(r); },
            [&tally, &options, start](const cv1::StreamComplaintsResponse& r, int64_t latency_ns) {
              tally.latencies_ns.push_back(latency_ns);
              if (!options.latency_log.empty()) {
                tally.answered_at_ns.push_back(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   std::chrono::steady_clock::now() - start)
                                                   .count());
              }
              tally.Add(r, options.detailed);
            });
    tally.sent = outcome.sent;
    tally.errors += outcome.sent - outcome.answered;
    statuses[static_cast<size_t>(i)] = outcome.status;
  });
  ComplaintRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (size_t i = 0; i < tallies.size(); ++i) {
    run.tally.Merge(std::move(tallies[i]));
    if (!statuses[i].ok()) run.failures.push_back(StreamFailure(static_cast<int>(i), statuses[i]));
  }
  return run;
}

ContactRun RunContactEvents(const LoadOptions& options) {
  ContactRun run;
  std::mutex mutex;
  ForEachStream(options.streams, [&](int i) {
    auto stub =
        contact::v1::ContactEventService::NewStub(tools::MakeDedicatedChannel(options.client));
    grpc::ClientContext context;
    tools::PrepareContext(options.client, false, context);
    int64_t count = ShareOf(options.contact_events, options.streams, i);
    ContactGenerator generator(StreamGenerator(options, i), count, i == 0);
    ContactRun mine;
    StreamOutcome outcome = RunPipelinedStream<ContactEvent, ContactEventAck>(
        context,
        [&stub](grpc::ClientContext* c, auto* r) { stub->async()->StreamContactEvents(c, r); },
        PlanFor(options, count),
        [&generator](int64_t, ContactEvent* e) { generator.Next(e); },
        [&mine](const ContactEventAck& ack, int64_t) {
          if (ack.status().code() == 0) {
            ++mine.accepted;
            return;
          }
          ++mine.rejected;
          if (mine.error_samples.size() < kErrorSamples) {
            mine.error_samples.push_back(ack.event_id() + ": " +
                                         tools::FormatRpcStatus(ack.status()));
          }
        });
    std::lock_guard lock(mutex);
    run.sent += outcome.sent;
    run.accepted += mine.accepted;
    run.rejected += mine.rejected + outcome.sent - outcome.answered;
    for (std::string& sample : mine.error_samples) {
      if (run.error_samples.size() < kErrorSamples) run.error_samples.push_back(std::move(sample));
    }
    if (!outcome.status.ok()) run.failures.push_back(StreamFailure(i, outcome.status));
  });
  return run;
}

}  // namespace sqms::loadgen
