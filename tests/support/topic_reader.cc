// TopicReader: reads every partition of a topic from the beginning with a
// plain assignment (no group membership, no commits).

#include <librdkafka/rdkafka.h>

#include <random>

#include "gtest/gtest.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "tests/support/support.h"

namespace sqms::testing {
namespace {

struct Deleter {
  void operator()(rd_kafka_t* rk) const {
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
  }
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
  void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};

runtime::ConsumedRecord ToRecord(const rd_kafka_message_t& msg) {
  runtime::ConsumedRecord rec;
  rec.topic = rd_kafka_topic_name(msg.rkt);
  rec.partition = msg.partition;
  rec.offset = msg.offset;
  if (msg.key != nullptr) rec.key.assign(static_cast<const char*>(msg.key), msg.key_len);
  if (msg.payload != nullptr) rec.value.assign(static_cast<const char*>(msg.payload), msg.len);
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(&msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name;
    const void* value;
    size_t size;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == 0; ++i) {
      rec.headers.emplace_back(name, value ? std::string(static_cast<const char*>(value), size)
                                           : std::string());
    }
  }
  rd_kafka_timestamp_type_t type;
  int64_t ms = rd_kafka_message_timestamp(&msg, &type);
  if (ms >= 0) rec.timestamp = std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
  return rec;
}

}  // namespace

class TopicReader::Impl {
 public:
  Impl(const std::string& bootstrap, std::string topic) : topic_(std::move(topic)) {
    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    std::string group = absl::StrCat("sqms-test-reader-", std::random_device()());
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof(errstr));
    rd_kafka_conf_set(conf, "group.id", group.c_str(), errstr, sizeof(errstr));
    rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof(errstr));
    rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof(errstr));
    rk_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof(errstr)));
    if (rk_ == nullptr) {
      rd_kafka_conf_destroy(conf);
      ADD_FAILURE() << "TopicReader: " << errstr;
      return;
    }
    rd_kafka_poll_set_consumer(rk_.get());
  }

  // Assigns every partition at the beginning once the topic's metadata is
  // known; false until then.
  bool EnsureAssigned() {
    if (assigned_ || rk_ == nullptr) return assigned_;
    std::unique_ptr<rd_kafka_topic_t, Deleter> topic(
        rd_kafka_topic_new(rk_.get(), topic_.c_str(), nullptr));
    const rd_kafka_metadata_t* raw = nullptr;
    if (rd_kafka_metadata(rk_.get(), 0, topic.get(), &raw, 2000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return false;
    }
    std::unique_ptr<const rd_kafka_metadata_t, Deleter> md(raw);
    if (md->topic_cnt != 1 || md->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
        md->topics[0].partition_cnt == 0) {
      return false;
    }
    std::unique_ptr<rd_kafka_topic_partition_list_t, Deleter> list(
        rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt));
    for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
      rd_kafka_topic_partition_list_add(list.get(), topic_.c_str(), md->topics[0].partitions[i].id)
          ->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    assigned_ = rd_kafka_assign(rk_.get(), list.get()) == RD_KAFKA_RESP_ERR_NO_ERROR;
    return assigned_;
  }

  // One record, or nullopt after `timeout_ms` without one.
  std::optional<runtime::ConsumedRecord> Next(int timeout_ms) {
    std::unique_ptr<rd_kafka_message_t, Deleter> msg(rd_kafka_consumer_poll(rk_.get(), timeout_ms));
    if (msg == nullptr || msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
    return ToRecord(*msg);
  }

 private:
  std::string topic_;
  std::unique_ptr<rd_kafka_t, Deleter> rk_;
  bool assigned_ = false;
};

TopicReader::TopicReader(std::string bootstrap, std::string topic)
    : impl_(std::make_unique<Impl>(bootstrap, std::move(topic))) {}
TopicReader::~TopicReader() = default;

std::vector<runtime::ConsumedRecord> TopicReader::ReadUntil(
    const std::function<bool(const std::vector<runtime::ConsumedRecord>&)>& done,
    absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (!done(records_) && absl::Now() < deadline) {
    if (!impl_->EnsureAssigned()) {
      absl::SleepFor(absl::Milliseconds(50));
      continue;
    }
    if (auto rec = impl_->Next(50)) records_.push_back(std::move(*rec));
  }
  return records_;
}

std::vector<runtime::ConsumedRecord> TopicReader::ReadAtLeast(size_t count,
                                                              absl::Duration timeout) {
  return ReadUntil([count](const auto& records) { return records.size() >= count; }, timeout);
}

}  // namespace sqms::testing
