// Freshness of sqms-metrics for the metrics benchmark (scripts/bench.sh,
// step g): how long from producing a contact event until the KPI update
// that includes it is seen on WatchKpis.
//
//   metrics_freshness BROKERS TOPIC GRPC_ADDRESS TOKEN PROBES INTERVAL_MS
//
// One WatchKpis stream is opened first (answer_rate, the day window that
// contains now in the service's zone, by department, every unit) and read
// on a thread of its own. Every INTERVAL_MS one probe: a call_answered event
// (wait 0) at `now` in a department of its own ("fresh-<pid>-<i>"), produced
// as the relay writes it (runtime KafkaProducer, CloudEvents headers). A
// probe is visible once an update of its department with denominator 1
// arrives: the open day's answer rate divides by the calls with an outcome
// (docs/kpis.md, "Open windows"), so a bare call_offered would never show.
// Latency: from just before Produce() to the arrival of that update (the
// service's checkpoint interval plus its --watch-poll-interval-ms bound
// it). Probes not visible within 10 s count as lost; a stream that ends is
// counted in rpc_errors and opened again. Prints one JSON object; exit 0
// when probes were lost (a measurement), 1 when it could not run.

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
#include "absl/synchronization/mutex.h"
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
  if (probes < 1 || interval.count() < 1) {
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
  absl::Mutex mu;
  std::map<std::string, Clock::time_point> waiting;  // department -> produced at; guarded by mu
  std::vector<double> latencies_ms;                   // guarded by mu
  int rpc_errors = 0;                                 // guarded by mu
  absl::Mutex stream_mu;
  bool done = false;                   // guarded by stream_mu
  grpc::ClientContext* open = nullptr;  // the reader's stream; guarded by stream_mu
  mv1::WatchKpisRequest watch;
  watch.add_kpis("answer_rate");
  watch.set_size(mv1::WINDOW_SIZE_DAY);
  watch.set_dimension("department");
  // The reader: one stream at a time, opened again if it ends before we do.
  std::thread reader([&] {
    while (true) {
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", "Bearer " + token);
      {
        absl::MutexLock lock(&stream_mu);
        if (done) return;
        open = &ctx;
      }
      auto stream = stub->WatchKpis(&ctx, watch);
      mv1::KpiUpdate update;
      while (stream->Read(&update)) {
        const auto seen = Clock::now();
        if (update.value().denominator() < 1) continue;
        absl::MutexLock lock(&mu);
        auto it = waiting.find(update.value().unit());
        if (it == waiting.end()) continue;
        latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(seen - it->second).count());
        waiting.erase(it);
      }
      grpc::Status status = stream->Finish();
      {
        absl::MutexLock lock(&stream_mu);
        open = nullptr;
        if (done) return;
      }
      {
        absl::MutexLock lock(&mu);
        ++rpc_errors;
      }
      std::fprintf(stderr, "metrics_freshness: WatchKpis ended: %s\n",
                   status.error_message().c_str());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));  // before opening it again
    }
  });

  int sent = 0, lost = 0;
  auto next_probe = Clock::now() + std::chrono::milliseconds(500);  // the stream's snapshot first
  while (true) {
    const auto now = Clock::now();
    if (sent < probes && now >= next_probe) {
      ev::ContactEvent e;
      const std::string department = absl::StrCat(prefix, sent);
      e.set_event_id(sqms::runtime::NewEventId());
      e.set_contact_id(absl::StrCat("FRESH-", getpid(), "-", sent));
      e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
      e.set_channel("hotline");
      e.set_department(department);
      e.mutable_call_answered()->set_wait_seconds(0);
      sqms::runtime::CloudEvent ce;
      ce.id = e.event_id();
      ce.source = "//sqms/complaints";
      ce.type = "sqms.contact.v1.call_answered";
      ce.time = std::chrono::system_clock::now();
      {
        absl::MutexLock lock(&mu);
        waiting[department] = Clock::now();
      }
      absl::Status s = (*producer)->Produce(
          {topic, e.contact_id(), e.SerializeAsString(), sqms::runtime::CloudEventHeaders(ce)},
          [](absl::Status) {});
      if (!s.ok()) {
        std::fprintf(stderr, "metrics_freshness: produce: %s\n", s.ToString().c_str());
        std::_Exit(1);  // the reader thread is still blocked on its stream
      }
      ++sent;
      next_probe += interval;
    }
    {
      absl::MutexLock lock(&mu);
      for (auto it = waiting.begin(); it != waiting.end();) {
        if (now - it->second > std::chrono::seconds(10)) {
          ++lost;
          it = waiting.erase(it);
        } else {
          ++it;
        }
      }
      if (sent == probes && waiting.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  {
    absl::MutexLock lock(&stream_mu);
    done = true;
    if (open != nullptr) open->TryCancel();
  }
  reader.join();
  absl::MutexLock lock(&mu);
  std::printf("{\"probes\": %d, \"visible\": %zu, \"lost\": %d, \"rpc_errors\": %d, "
              "\"interval_ms\": %lld, \"p50_ms\": %.1f, \"p90_ms\": %.1f, \"p99_ms\": %.1f, "
              "\"max_ms\": %.1f}\n",
              probes, latencies_ms.size(), lost, rpc_errors,
              static_cast<long long>(interval.count()), Percentile(latencies_ms, 0.5),
              Percentile(latencies_ms, 0.9), Percentile(latencies_ms, 0.99),
              Percentile(latencies_ms, 1.0));
  return 0;  // lost probes are a measurement, reported above
}
