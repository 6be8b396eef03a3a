// The alerts benchmark's load and probe driver (scripts/bench-alerts.sh,
// step h of `make bench`). One mode per run; each prints one JSON object on
// stdout (progress and errors on stderr).
//
//   alerts_bench ingest --server ADDR --token T --alerts N --groups G --threads T
//                       [--redis HOST:PORT] [--run-id ID]
//       RaiseAlert N distinct alerts (labels alertname=BenchIngest,
//       case=i%G, n=i) from T client threads, then the same N requests
//       again (same request_id: answered from the record) → alerts/s and
//       duplicates/s, per-call latency, outcomes; with --redis, the Redis
//       commands and Redis time per call (INFO commandstats around each phase).
//   alerts_bench raw-redis --redis HOST:PORT --threads T --calls N
//       The ceiling beside it: EVALSHA of a trivial script, and GET, from T
//       threads through the runtime RedisClient, each thread waiting for its
//       reply as the service's workers do → calls/s.
//   alerts_bench e2e --complaints ADDR --token T --sink FILE --probes P [--interval-ms 200]
//       P safety complaints, each at a station of its own (so each opens an
//       incident of plan safety-complaint), INTERVAL apart: from just before
//       SubmitComplaint to the sink's received_at_ms of the page (/hook,
//       generic) whose labels.station matches.
//   alerts_bench timers --server ADDR --token T --redis HOST:PORT --sink FILE
//                       --metrics URL --pending K --probes P [--interval-ms 100]
//                       [--ack-timeout-ms 2000]
//       K far-future dummy timers into {sqms:alerts}:timers, then P alerts
//       of plan bench-timer (tier 0 ack_timeout 2 s): for each, the tier-1
//       page's received_at minus (opened_at + ack timeout); and the
//       service's sqms_timer_lateness_seconds{timers="alerts"} over the run.
//   alerts_bench resolve --server ADDR --token T
//       Resolves every active incident (between steps).
//
// Exit 0 when the mode ran (lost probes and errors are measurements, in the
// JSON); 1 when it could not run; 2 on bad usage.

#include "bench/alerts_bench.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace sqms::bench {
namespace {

[[noreturn]] void Usage(const std::string& problem) {
  std::fprintf(stderr, "alerts_bench: %s\n", problem.c_str());
  std::fprintf(stderr,
               "usage: alerts_bench ingest|raw-redis|e2e|timers|resolve --flag value ...\n"
               "       (see the comment at the top of bench/alerts_bench.cc)\n");
  std::exit(2);
}

}  // namespace

bool Flags::Parse(int argc, char** argv, int first) {
  for (int i = first; i < argc; i += 2) {
    std::string name = argv[i];
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) {
      std::fprintf(stderr, "alerts_bench: expected --flag value, got '%s'\n", name.c_str());
      return false;
    }
    values_[name.substr(2)] = argv[i + 1];
  }
  return true;
}

std::string Flags::Str(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) Usage("--" + name + " is required");
  return it->second;
}

std::string Flags::Str(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

int64_t Flags::Int(const std::string& name) const {
  int64_t v = 0;
  if (!absl::SimpleAtoi(Str(name), &v)) Usage("--" + name + ": not a number");
  return v;
}

int64_t Flags::Int(const std::string& name, int64_t fallback) const {
  return values_.contains(name) ? Int(name) : fallback;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

nlohmann::json Summary(const std::vector<double>& ms) {
  auto round1 = [](double x) { return std::round(x * 10) / 10; };
  const double mean =
      ms.empty() ? 0 : std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
  return {{"p50_ms", round1(Percentile(ms, 0.5))},
          {"p90_ms", round1(Percentile(ms, 0.9))},
          {"p99_ms", round1(Percentile(ms, 0.99))},
          {"max_ms", round1(Percentile(ms, 1.0))},
          {"mean_ms", round1(mean)}};
}

std::unique_ptr<grpc::ClientContext> CallContext(const std::string& token,
                                                 std::chrono::milliseconds deadline) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->AddMetadata("authorization", "Bearer " + token);
  ctx->set_deadline(std::chrono::system_clock::now() + deadline);
  return ctx;
}

int64_t NowUnixMs() { return absl::ToUnixMillis(absl::Now()); }

int64_t ParseRfc3339Ms(const std::string& text) {
  absl::Time t;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &error)) return -1;
  return absl::ToUnixMillis(t);
}

bool ParseHostPort(const std::string& address, runtime::RedisOptions& options) {
  const size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0 ||
      !absl::SimpleAtoi(address.substr(colon + 1), &options.port)) {
    return false;
  }
  options.host = address.substr(0, colon);
  return true;
}

std::vector<SinkRecord> SinkTail::Poll() {
  std::vector<SinkRecord> out;
  std::FILE* f = std::fopen(path_.c_str(), "rb");
  if (f == nullptr) return out;
  std::string data;
  if (std::fseek(f, offset_, SEEK_SET) == 0) {
    char buf[1 << 16];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) data.append(buf, n);
  }
  std::fclose(f);
  const size_t end = data.rfind('\n');
  if (end == std::string::npos) return out;
  offset_ += static_cast<long>(end + 1);
  size_t start = 0;
  while (start <= end) {
    const size_t nl = data.find('\n', start);
    nlohmann::json j = nlohmann::json::parse(data.substr(start, nl - start), nullptr,
                                             /*allow_exceptions=*/false);
    start = nl + 1;
    if (j.is_discarded() || !j.is_object()) continue;
    out.push_back({j.value("received_at_ms", int64_t{0}), j.value("path", ""),
                   j.contains("body") ? j["body"] : nlohmann::json()});
  }
  return out;
}

}  // namespace sqms::bench

int main(int argc, char** argv) {
  using namespace sqms::bench;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: alerts_bench ingest|raw-redis|e2e|timers|resolve --flag value ...\n");
    return 2;
  }
  Flags flags;
  if (!flags.Parse(argc, argv, 2)) return 2;
  const std::string mode = argv[1];
  if (mode == "ingest") return RunIngest(flags);
  if (mode == "raw-redis") return RunRawRedis(flags);
  if (mode == "e2e") return RunEndToEnd(flags);
  if (mode == "timers") return RunTimers(flags);
  if (mode == "resolve") return RunResolveAll(flags);
  std::fprintf(stderr, "alerts_bench: unknown mode '%s'\n", mode.c_str());
  return 2;
}
