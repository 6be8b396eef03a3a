#include "sqms/runtime/kafka_watch_feed.h"

#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {

std::string KafkaWatchFeed::GroupId(std::string_view prefix) {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return absl::StrCat(std::string(prefix), "-", host, "-", getpid());
}

KafkaWatchFeed::KafkaWatchFeed(std::unique_ptr<KafkaConsumerLoop> loop) : loop_(std::move(loop)) {}

KafkaWatchFeed::~KafkaWatchFeed() { loop_->Stop(); }

absl::StatusOr<std::unique_ptr<KafkaWatchFeed>> KafkaWatchFeed::Start(const KafkaConnection& kafka,
                                                                      const std::string& topic,
                                                                      std::string_view group_prefix,
                                                                      Watched watched,
                                                                      OnRecord on_record) {
  KafkaConsumerOptions options;
  options.brokers = kafka.brokers;
  options.properties = kafka.properties;
  options.group_id = GroupId(group_prefix);
  options.topics = {topic};
  options.client_id = std::string(group_prefix);
  options.auto_offset_reset = "latest";
  options.max_attempts = 0;  // the handler never fails: nothing to dead-letter
  KafkaConsumerHooks hooks;
  hooks.on_error = [](const absl::Status& status) {
    log::Warn("watch feed consumer error", {{"error", status.ToString()}});
  };
  auto handler = [watched = std::move(watched),
                  on_record = std::move(on_record)](const ConsumedRecord& record) {
    if (watched()) on_record(record);
    return absl::OkStatus();
  };
  auto loop = KafkaConsumerLoop::Create(std::move(options), std::move(hooks), std::move(handler));
  if (!loop.ok()) return loop.status();
  (*loop)->Start();
  return std::unique_ptr<KafkaWatchFeed>(new KafkaWatchFeed(*std::move(loop)));
}

}  // namespace sqms::runtime
