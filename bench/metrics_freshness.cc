// Freshness of sqms-metrics for the metrics benchmark (scripts/bench.sh,
// step g): how long from producing a contact event until the KPI the
// service serves includes it. The service has no WatchKpis stream yet, so
// "visible" is read by polling.
//
//   metrics_freshness BROKERS TOPIC GRPC_ADDRESS TOKEN PROBES INTERVAL_MS
//
// Every INTERVAL_MS one probe: a call_offered event at `now` in a
// department of its own ("fresh-<pid>-<i>"), produced as the relay writes
// it (runtime KafkaProducer, CloudEvents headers). A poller asks QueryKpis
// (answer_rate, today's day window in Asia/Shanghai, by department) every
// 10 ms — one RPC for every probe still waiting — and a probe is visible
// once its department's denominator is 1. Latency: from just before
// Produce() to the reply that showed it (so up to ~10 ms of polling is
// included). Probes not visible within 10 s count as lost. Prints one JSON
// object; exit 0 when probes were lost (a measurement), 1 when it could
// not run.

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "sqms/metrics/v1/service.grpc.pb.h"
#include "sqms/runtime/ids.h"
#include "sqms/runtime/kafka_producer.h"

namespace {

namespace ev = ::sqms::events::v1;
namespace mv1 = ::sqms::metrics::v1;
using Clock = std::chrono::steady_clock;

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr,
                 "usage: metrics_freshness BROKERS TOPIC GRPC_ADDRESS TOKEN PROBES INTERVAL_MS\n");
    return 2;
  }
  const std::string brokers = argv[1], topic = argv[2], address = argv[3], token = argv[4];
  const int probes = std::atoi(argv[5]);
  const auto interval = std::chrono::milliseconds(std::atoi(argv[6]));
  absl::TimeZone zone;
  if (probes < 1 || interval.count() < 1 || !absl::LoadTimeZone("Asia/Shanghai", &zone)) {
    std::fprintf(stderr, "metrics_freshness: PROBES and INTERVAL_MS must be >= 1\n");
    return 2;
  }
  sqms::runtime::KafkaProducerOptions options;
  options.brokers = brokers;
  options.client_id = "metrics-freshness";
  auto producer = sqms::runtime::KafkaProducer::Create(options);
  if (!producer.ok()) {
    std::fprintf(stderr, "metrics_freshness: %s\n", producer.status().ToString().c_str());
    return 1;
  }
  auto stub = mv1::MetricsService::NewStub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));

  const std::string prefix = absl::StrCat("fresh-", getpid(), "-");
  std::map<std::string, Clock::time_point> waiting;  // department -> produced at
  std::vector<double> latencies_ms;
  int sent = 0, lost = 0, rpc_errors = 0;
  auto next_probe = Clock::now();
  while (sent < probes || !waiting.empty()) {
    const auto now = Clock::now();
    if (sent < probes && now >= next_probe) {
      ev::ContactEvent e;
      const std::string department = absl::StrCat(prefix, sent);
      e.set_event_id(sqms::runtime::NewEventId());
      e.set_contact_id(absl::StrCat("FRESH-", getpid(), "-", sent));
      e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
      e.set_channel("hotline");
      e.set_department(department);
      e.mutable_call_offered()->set_queue("fresh");
      sqms::runtime::CloudEvent ce;
      ce.id = e.event_id();
      ce.source = "//sqms/complaints";
      ce.type = "sqms.contact.v1.call_offered";
      ce.time = std::chrono::system_clock::now();
      waiting[department] = Clock::now();
      absl::Status s = (*producer)->Produce(
          {topic, e.contact_id(), e.SerializeAsString(), sqms::runtime::CloudEventHeaders(ce)},
          [](absl::Status) {});
      if (!s.ok()) {
        std::fprintf(stderr, "metrics_freshness: produce: %s\n", s.ToString().c_str());
        return 1;
      }
      ++sent;
      next_probe += interval;
    }
    if (!waiting.empty()) {
      mv1::QueryKpisRequest q;
      q.add_kpis("answer_rate");
      q.set_size(mv1::WINDOW_SIZE_DAY);
      q.set_from(absl::FormatCivilTime(absl::ToCivilDay(absl::Now(), zone)));
      q.set_dimension("department");
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + token);
      ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
      mv1::QueryKpisResponse out;
      grpc::Status s = stub->QueryKpis(&ctx, q, &out);
      const auto replied = Clock::now();
      if (!s.ok()) {
        ++rpc_errors;
      } else {
        for (const mv1::KpiValue& v : out.values()) {
          auto it = waiting.find(v.unit());
          if (it == waiting.end() || v.denominator() < 1) continue;
          latencies_ms.push_back(
              std::chrono::duration<double, std::milli>(replied - it->second).count());
          waiting.erase(it);
        }
      }
      for (auto it = waiting.begin(); it != waiting.end();) {
        if (replied - it->second > std::chrono::seconds(10)) {
          ++lost;
          it = waiting.erase(it);
        } else {
          ++it;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::printf("{\"probes\": %d, \"visible\": %zu, \"lost\": %d, \"rpc_errors\": %d, "
              "\"interval_ms\": %lld, \"p50_ms\": %.1f, \"p90_ms\": %.1f, \"p99_ms\": %.1f, "
              "\"max_ms\": %.1f}\n",
              probes, latencies_ms.size(), lost, rpc_errors,
              static_cast<long long>(interval.count()), Percentile(latencies_ms, 0.5),
              Percentile(latencies_ms, 0.9), Percentile(latencies_ms, 0.99),
              Percentile(latencies_ms, 1.0));
  return 0;  // lost probes are a measurement, reported above
}
