// Running the simulated load against a server: complaint submissions over K
// StreamComplaints streams and contact events over K StreamContactEvents
// streams, each driven through gRPC's callback API (pipelined_stream.h).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sqms/complaints/v1/service.pb.h"
#include "tools/loadgen/generator.h"
#include "tools/sqmsctl/client.h"

namespace sqms::loadgen {

struct LoadOptions {
  tools::ClientOptions client;
  int64_t complaints = 0;
  int64_t contact_events = 0;
  int streams = 2;
  int inflight = 128;
  double rate_per_s = 0;       // over all streams; 0: as fast as possible
  GeneratorOptions generator;  // per-stream seeds and prefixes derive from it
  bool detailed = false;       // keep per-category counts and ids (demo)
  // Bench: write one line per answer here, "<answered at ms> <latency ms>",
  // the time since the run started (to see when slow answers came).
  std::string latency_log;
};

// What the complaint streams got back, summed over streams.
struct ComplaintTally {
  int64_t sent = 0;
  int64_t accepted = 0;  // complaints returned, replays included
  int64_t replayed = 0;
  int64_t duplicates = 0;  // accepted and linked to an earlier complaint
  int64_t errors = 0;      // per-item errors and requests lost with a stream
  std::vector<int64_t> latencies_ns;
  // Only with LoadOptions::latency_log: when each answer arrived, ns since
  // the run started, in the order of latencies_ns (for a latency log).
  std::vector<int64_t> answered_at_ns;
  // Only when LoadOptions::detailed.
  std::map<std::string, int64_t> by_category, by_priority, by_department, by_channel;
  std::map<std::string, int64_t> error_codes;
  std::vector<std::string> error_samples;  // first few messages
  std::vector<std::string> ids;            // accepted, not replayed

  void Add(const complaints::v1::StreamComplaintsResponse& response, bool detailed);
  void Merge(ComplaintTally&& other);
};

struct ComplaintRun {
  ComplaintTally tally;
  double seconds = 0;                 // first send to last answer
  std::vector<std::string> failures;  // broken streams, formatted
};

struct ContactRun {
  int64_t sent = 0;
  int64_t accepted = 0;
  int64_t rejected = 0;
  std::vector<std::string> error_samples;
  std::vector<std::string> failures;
};

// Connects every stream's channel (one TCP connection each) first, so
// connection set-up is not measured. UNAVAILABLE naming the server when it
// cannot connect within the client timeout (10 s when unset).
absl::Status CheckReachable(const LoadOptions& options);

// Streams options.complaints submissions split over options.streams streams.
ComplaintRun RunComplaints(const LoadOptions& options);

// Streams options.contact_events contact events split over options.streams
// streams; stream 0 also simulates a platform outage.
ContactRun RunContactEvents(const LoadOptions& options);

}  // namespace sqms::loadgen
