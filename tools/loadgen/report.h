// Latency percentiles and the benchmark's JSON report. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sqms::loadgen {

// Nearest-rank percentile (q in 0..1) of samples, in the samples' unit;
// reorders samples. 0 when empty.
int64_t Percentile(std::vector<int64_t>& samples, double q);

struct BenchReport {
  int64_t sent = 0;
  int64_t accepted = 0;  // answered with a complaint (replays included)
  int64_t replayed = 0;  // of which answered from the idempotency record
  int64_t duplicates = 0;  // of which created and linked as a duplicate of an earlier one
  int64_t errors = 0;    // per-item errors plus requests lost with a stream
  double seconds = 0;    // first send to last response
  int streams = 0;
  int inflight = 0;
  double target_rate_per_s = 0;       // 0: as fast as possible
  std::vector<int64_t> latencies_ns;  // one per answered request

  // {"sent":..,"accepted":..,"errors":..,"seconds":..,"throughput_per_s":..,
  //  "p50_ms":..,"p99_ms":..,"p999_ms":.., plus replayed, duplicates, streams, inflight,
  //  target_rate_per_s}. throughput counts accepted requests. Sorts latencies.
  std::string ToJson();
};

}  // namespace sqms::loadgen
