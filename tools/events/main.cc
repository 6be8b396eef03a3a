// sqms-events: reads a Kafka topic from the beginning and prints what is on
// it — record count, distinct CloudEvents ids, counts by ce_type — as JSON.
// The demo uses it to show the events the suite produced; it never commits
// offsets (a throw-away consumer group).

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "CLI/CLI.hpp"
#include "nlohmann/json.hpp"
#include "sqms/runtime/kafka_consumer.h"

int main(int argc, char** argv) {
  CLI::App app{"sqms-events: summarise the events on a Kafka topic"};
  std::string brokers = "127.0.0.1:9092";
  std::string topic = "sqms.complaints.v1";
  int idle_ms = 2000;
  int first_ms = 20000;
  app.add_option("--brokers", brokers, "Kafka bootstrap servers")->envname("KAFKA_BROKERS");
  app.add_option("--topic", topic, "Topic to read from the beginning")->capture_default_str();
  app.add_option("--idle-ms", idle_ms, "Stop after this long without a new record")
      ->capture_default_str();
  app.add_option("--first-ms", first_ms,
                 "Wait this long for the first record (joining the group takes seconds)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::mutex mu;
  size_t records = 0;
  std::set<std::string> ids;
  std::map<std::string, int> by_type;
  std::atomic<int64_t> last_ms{0};
  auto now_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  };
  last_ms = now_ms();

  sqms::runtime::KafkaConsumerOptions options;
  options.brokers = brokers;
  options.group_id = "sqms-events-" + std::to_string(getpid()) + "-" + std::to_string(now_ms());
  options.topics = {topic};
  options.auto_offset_reset = "earliest";
  auto loop = sqms::runtime::KafkaConsumerLoop::Create(
      options, {}, [&](const sqms::runtime::ConsumedRecord& record) {
        std::lock_guard lock(mu);
        ++records;
        ids.insert(record.Header("ce_id").value_or(""));
        ++by_type[record.Header("ce_type").value_or("(none)")];
        last_ms = now_ms();
        return absl::OkStatus();
      });
  if (!loop.ok()) {
    std::fprintf(stderr, "sqms-events: %s\n", loop.status().ToString().c_str());
    return 1;
  }
  (*loop)->Start();
  const int64_t started = now_ms();
  auto waiting = [&] {
    std::lock_guard lock(mu);
    return records == 0 ? now_ms() - started < first_ms : now_ms() - last_ms < idle_ms;
  };
  while (waiting()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  (*loop)->Stop();

  std::lock_guard lock(mu);
  nlohmann::json out = {{"topic", topic},
                        {"records", records},
                        {"distinct_event_ids", ids.size()},
                        {"by_type", by_type}};
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}
