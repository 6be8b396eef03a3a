// Raw librdkafka ceiling for `make bench`: produces N records of the same
// size as a complaint event straight through librdkafka (idempotent,
// acks=all — the settings the service uses) and prints records/s as JSON.
// No SQMS code on the path: this is the baseline the service is compared to.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

struct Counts {
  long delivered = 0;
  long failed = 0;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* counts = static_cast<Counts*>(opaque);
  (message->err ? counts->failed : counts->delivered)++;
}

bool Set(rd_kafka_conf_t* conf, const char* key, const std::string& value) {
  char err[256];
  if (rd_kafka_conf_set(conf, key, value.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
    std::fprintf(stderr, "kafka_raw_producer: %s: %s\n", key, err);
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: kafka_raw_producer BROKERS TOPIC COUNT [BYTES]\n");
    return 2;
  }
  const std::string brokers = argv[1], topic = argv[2];
  const long count = std::atol(argv[3]);
  const size_t bytes = argc > 4 ? std::atol(argv[4]) : 600;
  Counts counts;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (!Set(conf, "bootstrap.servers", brokers) || !Set(conf, "enable.idempotence", "true") ||
      !Set(conf, "acks", "all") || !Set(conf, "linger.ms", "5")) {
    return 2;
  }
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_conf_set_opaque(conf, &counts);
  char err[256];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) {
    std::fprintf(stderr, "kafka_raw_producer: %s\n", err);
    return 1;
  }
  const std::string payload(bytes, 'x');
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < count; ++i) {
    const std::string key = "CMP-" + std::to_string(i % 4096);
    while (rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic.c_str()),
                             RD_KAFKA_V_KEY(key.data(), key.size()),
                             RD_KAFKA_V_VALUE(const_cast<char*>(payload.data()), payload.size()),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      rd_kafka_poll(rk, 10);
    }
    rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 60000);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"records\": %ld, \"delivered\": %ld, \"failed\": %ld, \"bytes\": %zu, "
              "\"seconds\": %.3f, \"records_per_s\": %.0f}\n",
              count, counts.delivered, counts.failed, bytes, seconds, counts.delivered / seconds);
  rd_kafka_destroy(rk);
  return counts.failed == 0 ? 0 : 1;
}
