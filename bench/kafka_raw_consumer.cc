// Raw librdkafka ceiling for the metrics benchmark (scripts/bench.sh, step
// g): consumes a pre-filled topic in a fresh consumer group with the
// settings the runtime's consumer uses (subscribe, auto commit and offset
// store off, earliest), touches each record's value and headers and does
// nothing else, until COUNT records arrived. No SQMS code on the path: this
// is the baseline sqms-metrics is compared to.
//
//   kafka_raw_consumer BROKERS TOPIC COUNT GROUP [TIMEOUT_S]
//
// Prints one JSON object: records, the seconds from start (connect and
// group join included, as for the service) and from the first record, both
// to the last record, and the CPU seconds this process used. Exit 1 when
// fewer than COUNT records arrived within TIMEOUT_S (default 120): devkafka
// drops the oldest records of a full partition.

#include <librdkafka/rdkafka.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

bool Set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char err[256];
  if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "kafka_raw_consumer: %s: %s\n", key, err);
    return false;
  }
  return true;
}

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: kafka_raw_consumer BROKERS TOPIC COUNT GROUP [TIMEOUT_S]\n");
    return 2;
  }
  const std::string brokers = argv[1], topic = argv[2], group = argv[4];
  const long count = std::atol(argv[3]);
  const double timeout_s = argc > 5 ? std::atof(argv[5]) : 120;
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (!Set(conf, "bootstrap.servers", brokers) || !Set(conf, "group.id", group) ||
      !Set(conf, "enable.auto.commit", "false") || !Set(conf, "enable.auto.offset.store", "false") ||
      !Set(conf, "auto.offset.reset", "earliest") || !Set(conf, "enable.partition.eof", "false") ||
      // The fetch settings of the runtime's consumer (kafka_consumer.cc),
      // so that this is the ceiling of the client the service runs. At
      // librdkafka's default queued.min.messages (100,000) this loop read
      // the 150,000 records in 0.1 s in one run and in 1.0 s in the next:
      // the fetcher stops at 100,000 queued and looks again a second later.
      !Set(conf, "fetch.wait.max.ms", "100") || !Set(conf, "queued.min.messages", "1000000")) {
    return 2;
  }
  char err[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
  if (rk == nullptr) {
    std::fprintf(stderr, "kafka_raw_consumer: %s\n", err);
    return 1;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic.c_str(), RD_KAFKA_PARTITION_UA);
  const rd_kafka_resp_err_t subscribed = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (subscribed != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "kafka_raw_consumer: subscribe: %s\n", rd_kafka_err2str(subscribed));
    return 1;
  }
  long records = 0, errors = 0;
  size_t bytes = 0;
  Clock::time_point first{}, last{};
  while (records < count &&
         std::chrono::duration<double>(Clock::now() - start).count() < timeout_s) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++errors;
    } else {
      last = Clock::now();
      if (records++ == 0) first = last;
      bytes += m->len + m->key_len;
      rd_kafka_headers_t* headers = nullptr;
      if (rd_kafka_message_headers(m, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name = nullptr;
        const void* value = nullptr;
        size_t size = 0;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) ==
                           RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
          bytes += size;
        }
      }
    }
    rd_kafka_message_destroy(m);
  }
  const double cpu = CpuSeconds();
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  // Up to the last record: a short count must not be diluted by the timeout.
  const double total = records > 0 ? std::chrono::duration<double>(last - start).count() : 0;
  const double steady = records > 0 ? std::chrono::duration<double>(last - first).count() : 0;
  std::printf("{\"records\": %ld, \"errors\": %ld, \"bytes\": %zu, \"seconds\": %.3f, "
              "\"seconds_from_first\": %.3f, \"records_per_s\": %.0f, "
              "\"records_per_s_from_first\": %.0f, \"cpu_s\": %.3f, "
              "\"records_per_cpu_s\": %.0f}\n",
              records, errors, bytes, total, steady, total > 0 ? records / total : 0.0,
              steady > 0 ? records / steady : 0.0, cpu, cpu > 0 ? records / cpu : 0.0);
  if (records < count) {
    std::fprintf(stderr, "kafka_raw_consumer: %ld of %ld records after %.0f s\n", records, count,
                 timeout_s);
    return 1;
  }
  return 0;
}
