// The metrics service's processor alone (adapters::KpiProcessor), without
// Kafka or Redis: the CPU per event of Process and of the checkpoint's
// roll-up (TakeDelta), on the stream bench-metrics.sh fills Kafka with,
// under the shipped metrics.yaml, a delta every CHECKPOINT records as
// --checkpoint-every does. For comparing two builds of the processor on
// this machine, whose speed drifts: alternate them, a few seconds each.
// Not a ceiling of anything; docs/benchmarks.md.
//
//   kpi_processor_bench [EVENTS] [ROUNDS] [CHECKPOINT] [SETTINGS]
//     defaults: 150000, 5, 5000, services/metrics/config/metrics.yaml
//
// Prints per round: µs per event processing, µs per event rolling up,
// and the delta's writes; then the best round of each as JSON.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "bench/contact_stream.h"
#include "prometheus/registry.h"
#include "services/metrics/adapters/kpi_processor.h"
#include "services/metrics/config/metrics_config.h"
#include "sqms/runtime/redis_client.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace metrics = ::sqms::metrics;
namespace runtime = ::sqms::runtime;

double Micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  const long events = argc > 1 ? std::atol(argv[1]) : 150000;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 5;
  const long checkpoint = argc > 3 ? std::atol(argv[3]) : 5000;
  const std::string path = argc > 4 ? argv[4] : "services/metrics/config/metrics.yaml";
  auto settings = metrics::config::LoadSettings(path);
  if (events < 1 || rounds < 1 || checkpoint < 1 || !settings.ok()) {
    std::fprintf(stderr, "usage: kpi_processor_bench [EVENTS] [ROUNDS] [CHECKPOINT] [SETTINGS]\n%s\n",
                 settings.ok() ? "" : settings.status().ToString().c_str());
    return 2;
  }
  // Yesterday in the settings' zone, as bench-metrics.sh fills it.
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), settings->zone);
  const int64_t day_start = absl::ToUnixSeconds(absl::FromCivil(today - 1, settings->zone));
  std::vector<runtime::ConsumedRecord> records;
  for (sqms::bench::Timed& t : sqms::bench::GenerateContactStream(events, day_start, 1)) {
    runtime::ConsumedRecord r;
    r.topic = "sqms.contact.v1";
    r.key = t.event.contact_id();
    r.partition = static_cast<int32_t>(std::hash<std::string>{}(r.key) % 12);
    r.value = t.event.SerializeAsString();
    records.push_back(std::move(r));
  }

  runtime::RedisOptions unreachable;
  unreachable.port = 1;  // never connected: Process and TakeDelta do no I/O
  runtime::RedisClient redis(unreachable);
  double best_process = 1e300, best_roll_up = 1e300;
  size_t writes = 0;
  for (int round = 0; round < rounds; ++round) {
    prometheus::Registry registry;  // the service exports the processor's counters
    metrics::adapters::KpiProcessorOptions options = metrics::config::ProcessorOptions(*settings);
    options.metrics = &registry;
    metrics::adapters::KpiProcessor processor(redis, std::move(options));
    Clock::duration processing{}, rolling_up{};
    writes = 0;
    for (size_t i = 0; i < records.size(); ++i) {
      const auto t0 = Clock::now();
      if (!processor.Process(records[i], absl::NotFoundError("")).ok()) {
        std::fprintf(stderr, "kpi_processor_bench: record %zu did not parse\n", i);
        return 1;
      }
      processing += Clock::now() - t0;
      if ((i + 1) % static_cast<size_t>(checkpoint) == 0 || i + 1 == records.size()) {
        const auto t1 = Clock::now();
        writes += processor.TakeDelta().size();
        rolling_up += Clock::now() - t1;
        processor.OnCheckpointWritten();
      }
    }
    const double p = Micros(processing) / static_cast<double>(events);
    const double r = Micros(rolling_up) / static_cast<double>(events);
    std::fprintf(stderr, "round %d: process %.2f µs/event, roll-up %.2f µs/event, %zu writes\n",
                 round + 1, p, r, writes);
    best_process = std::min(best_process, p);
    best_roll_up = std::min(best_roll_up, r);
  }
  std::printf(
      "{\"events\": %ld, \"checkpoint_every\": %ld, \"process_us_per_event\": %.3f, "
      "\"roll_up_us_per_event\": %.3f, \"writes\": %zu}\n",
      events, checkpoint, best_process, best_roll_up, writes);
  return 0;
}
