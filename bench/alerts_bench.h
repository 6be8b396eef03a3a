#pragma once
// Shared parts of bench/alerts_bench (the alerts benchmark, scripts/bench-alerts.sh):
// flags, percentiles, gRPC contexts, and a tail reader of webhook-sink's
// --out file. Not thread-safe unless said.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::bench {

// "--name value" pairs after the mode. Get* exit(2) naming the flag when a
// required flag is missing or a number does not parse.
class Flags {
 public:
  // False (with a message on stderr) when argv is not a list of pairs.
  bool Parse(int argc, char** argv, int first);
  std::string Str(const std::string& name) const;  // required
  std::string Str(const std::string& name, const std::string& fallback) const;
  int64_t Int(const std::string& name) const;  // required
  int64_t Int(const std::string& name, int64_t fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

// The p-quantile (0..1) of `v` by nearest rank; 0 when empty.
double Percentile(std::vector<double> v, double p);

// {"p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"} of `ms`.
nlohmann::json Summary(const std::vector<double>& ms);

// A client context with "authorization: Bearer <token>" and a deadline.
std::unique_ptr<grpc::ClientContext> CallContext(const std::string& token,
                                                 std::chrono::milliseconds deadline);

// Wall-clock Unix milliseconds (the sink stamps received_at_ms the same way).
int64_t NowUnixMs();

// An RFC 3339 timestamp as the service renders it → Unix ms; -1 if it does
// not parse.
int64_t ParseRfc3339Ms(const std::string& text);

// "host:port" into options.host / options.port; false if malformed.
bool ParseHostPort(const std::string& address, runtime::RedisOptions& options);

// One request webhook-sink recorded.
struct SinkRecord {
  int64_t received_at_ms = 0;
  std::string path;
  nlohmann::json body;
};

// Reads the lines appended to webhook-sink's --out file since the last
// Poll. The sink writes each line with one write(2) (O_APPEND), so only a
// trailing line without its newline can be incomplete; it is kept for the
// next Poll. A missing file reads as empty.
class SinkTail {
 public:
  explicit SinkTail(std::string path) : path_(std::move(path)) {}
  std::vector<SinkRecord> Poll();

 private:
  std::string path_;
  long offset_ = 0;
};

// The modes (alerts_bench.cc, alerts_bench_probes.cc): each prints one JSON
// object on stdout and returns the exit status.
int RunIngest(const Flags& flags);
int RunRawRedis(const Flags& flags);
int RunEndToEnd(const Flags& flags);
int RunTimers(const Flags& flags);
int RunResolveAll(const Flags& flags);

}  // namespace sqms::bench
