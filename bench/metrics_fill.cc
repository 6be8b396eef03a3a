// Fills sqms.contact.v1 for the metrics benchmark (scripts/bench.sh, step
// g): N contact events of one local day, written as the complaints
// service's outbox relay writes them — the runtime's KafkaProducer
// (idempotent, acks=all), keyed by contact id, binary-mode CloudEvents
// headers with a unique ce_id — so that sqms-metrics, started afterwards,
// finds a topic it has never read.
//
//   metrics_fill BROKERS TOPIC COUNT DAY [SEED]
//
// DAY is the local day (Asia/Shanghai, the shipped metrics.yaml's zone) the
// event times are spread over, "YYYY-MM-DD"; the events are
// contact_stream.h's, produced in event-time order. Prints one JSON object: counts by type, average record size, seconds.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "bench/contact_stream.h"
#include "sqms/runtime/ids.h"
#include "sqms/runtime/kafka_producer.h"

using sqms::bench::Timed;
using sqms::runtime::KafkaRecord;

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: metrics_fill BROKERS TOPIC COUNT DAY [SEED]\n");
    return 2;
  }
  const std::string brokers = argv[1], topic = argv[2];
  const long count = std::atol(argv[3]);
  absl::CivilDay day;
  absl::TimeZone zone;
  if (count < 1 || !absl::ParseCivilTime(argv[4], &day) ||
      !absl::LoadTimeZone("Asia/Shanghai", &zone)) {
    std::fprintf(stderr, "metrics_fill: COUNT must be >= 1 and DAY YYYY-MM-DD\n");
    return 2;
  }
  const auto seed = static_cast<uint32_t>(argc > 5 ? std::atol(argv[5]) : 1);
  const int64_t day_start = absl::ToUnixSeconds(absl::FromCivil(day, zone));
  std::vector<Timed> events = sqms::bench::GenerateContactStream(count, day_start, seed);

  sqms::runtime::KafkaProducerOptions options;
  options.brokers = brokers;
  options.client_id = "metrics-fill";
  auto producer = sqms::runtime::KafkaProducer::Create(options);
  if (!producer.ok()) {
    std::fprintf(stderr, "metrics_fill: %s\n", producer.status().ToString().c_str());
    return 1;
  }
  std::atomic<long> delivered{0}, failed{0};
  long by_kind[std::size(sqms::bench::kContactKinds)] = {};
  size_t bytes = 0;
  const auto start = std::chrono::steady_clock::now();
  for (Timed& t : events) {
    sqms::runtime::CloudEvent ce;
    ce.id = t.event.event_id();
    ce.source = "//sqms/complaints";
    ce.type = absl::StrCat("sqms.contact.v1.", sqms::bench::kContactKinds[t.kind]);
    ce.time = absl::ToChronoTime(absl::FromUnixSeconds(t.at));
    KafkaRecord record{topic, t.event.contact_id(), t.event.SerializeAsString(),
                       sqms::runtime::CloudEventHeaders(ce)};
    // Produced as it happened (a topic filled live over the day), so that
    // nothing is late: the service's watermark takes produce times in.
    record.timestamp = ce.time;
    bytes += record.key.size() + record.value.size();
    for (const auto& [name, value] : record.headers) bytes += name.size() + value.size();
    ++by_kind[t.kind];
    absl::Status s;
    do {
      s = (*producer)->Produce(record, [&delivered, &failed](absl::Status st) {
        (st.ok() ? delivered : failed).fetch_add(1);
      });
      if (absl::IsResourceExhausted(s)) (*producer)->Flush(std::chrono::milliseconds(50)).IgnoreError();
    } while (absl::IsResourceExhausted(s));
    if (!s.ok()) {
      std::fprintf(stderr, "metrics_fill: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  if (auto s = (*producer)->Flush(std::chrono::seconds(120)); !s.ok()) {
    std::fprintf(stderr, "metrics_fill: flush: %s\n", s.ToString().c_str());
    return 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::string kinds;
  for (size_t k = 0; k < std::size(sqms::bench::kContactKinds); ++k) {
    absl::StrAppend(&kinds, k == 0 ? "" : ", ", "\"", sqms::bench::kContactKinds[k], "\": ", by_kind[k]);
  }
  std::printf("{\"events\": %ld, \"delivered\": %ld, \"failed\": %ld, \"record_bytes_avg\": %zu, "
              "\"day\": \"%s\", \"seconds\": %.3f, \"by_type\": {%s}}\n",
              count, delivered.load(), failed.load(), bytes / static_cast<size_t>(count),
              argv[4], seconds, kinds.c_str());
  return failed.load() == 0 && delivered.load() == count ? 0 : 1;
}
