#include "sqms/runtime/kafka_producer.h"

#include <atomic>
#include <thread>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "rdkafka_handles.h"

namespace sqms::runtime {
namespace {

constexpr std::chrono::milliseconds kPollInterval{100};
constexpr std::chrono::milliseconds kDestroyFlushTimeout{5000};

// Builds the fixed reliability settings first so that callers' extra
// properties can tune (but are documented not to weaken) them.
std::map<std::string, std::string> ProducerProperties(const KafkaProducerOptions& options) {
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"linger.ms", std::to_string(options.linger.count())},
      {"message.timeout.ms", std::to_string(options.message_timeout.count())},
  };
  return props;
}

}  // namespace

class KafkaProducer::Impl {
 public:
  explicit Impl(KafkaProducerObserver observer) : observer_(std::move(observer)) {}

  absl::Status Init(const KafkaProducerOptions& options) {
    if (options.brokers.empty()) {
      return absl::InvalidArgumentError("kafka property 'bootstrap.servers': must not be empty");
    }
    rdkafka::ConfHandle conf(rd_kafka_conf_new());
    if (auto s = rdkafka::SetProperties(conf.get(), ProducerProperties(options)); !s.ok()) {
      return s;
    }
    if (auto s = rdkafka::SetProperties(conf.get(), options.properties); !s.ok()) return s;
    rd_kafka_conf_set_opaque(conf.get(), this);
    rd_kafka_conf_set_dr_msg_cb(conf.get(), &Impl::OnDelivery);
    auto rk = rdkafka::NewClient(RD_KAFKA_PRODUCER, std::move(conf));
    if (!rk.ok()) return rk.status();
    rk_ = std::move(*rk);
    poll_thread_ = std::thread([this] { PollLoop(); });
    return absl::OkStatus();
  }

  ~Impl() {
    if (rk_ == nullptr) return;
    if (!Flush(kDestroyFlushTimeout).ok()) {
      // Whatever is left fails with a purge error, so every callback still
      // runs exactly once before the handle goes away.
      rd_kafka_purge(rk_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    }
    stopping_ = true;
    poll_thread_.join();
    rd_kafka_flush(rk_.get(), 1000);  // serves the purge reports
    rk_.reset();
  }

  absl::Status Produce(KafkaRecord record, DeliveryCallback delivered) {
    rdkafka::HeadersHandle headers(rd_kafka_headers_new(record.headers.size()));
    for (const auto& [name, value] : record.headers) {
      rd_kafka_header_add(headers.get(), name.data(), static_cast<ssize_t>(name.size()),
                          value.data(), static_cast<ssize_t>(value.size()));
    }
    auto callback = std::make_unique<DeliveryCallback>(std::move(delivered));
    // 0: librdkafka stamps the record with the time it is produced.
    const int64_t timestamp_ms = record.timestamp
                                     ? std::chrono::duration_cast<std::chrono::milliseconds>(
                                           record.timestamp->time_since_epoch())
                                           .count()
                                     : 0;
    ++outstanding_;
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk_.get(), RD_KAFKA_V_TOPIC(record.topic.c_str()), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(record.key.data(), record.key.size()),
        RD_KAFKA_V_VALUE(record.value.data(), record.value.size()),
        RD_KAFKA_V_HEADERS(headers.get()), RD_KAFKA_V_TIMESTAMP(timestamp_ms),
        RD_KAFKA_V_OPAQUE(callback.get()), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      --outstanding_;
      return ProduceError(err, record.topic);
    }
    // Both now belong to the queued message.
    headers.release();
    callback.release();
    return absl::OkStatus();
  }

  absl::Status Flush(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    rd_kafka_flush(rk_.get(), static_cast<int>(timeout.count()));
    // librdkafka's queue drains a moment before the last callback returns.
    while (outstanding_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (int left = outstanding_.load(); left > 0) {
      return absl::DeadlineExceededError(
          absl::StrCat("kafka flush: ", left, " records still outstanding"));
    }
    return absl::OkStatus();
  }

  int OutstandingCount() const { return outstanding_.load(); }

  absl::Status FatalError() const {
    char reason[512] = {0};
    rd_kafka_resp_err_t err = rd_kafka_fatal_error(rk_.get(), reason, sizeof(reason));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
    return Fatal(reason);
  }

  void RaiseFatalError() {
    rd_kafka_test_fatal_error(rk_.get(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER,
                              "raised for testing");
  }

 private:
  // The producer's own fatal error, classified like librdkafka's.
  static absl::Status Fatal(const char* reason) {
    absl::Status status = absl::InternalError(absl::StrCat("kafka producer fatal error: ", reason));
    status.SetPayload(rdkafka::kErrorKindPayload, absl::Cord("fatal"));
    return status;
  }

  absl::Status ProduceError(rd_kafka_resp_err_t err, const std::string& topic) {
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char reason[512];
      rd_kafka_fatal_error(rk_.get(), reason, sizeof(reason));
      return Fatal(reason);
    }
    return rdkafka::ToStatus(err, absl::StrCat("kafka produce to ", topic));
  }

  void PollLoop() {
    while (!stopping_.load()) rd_kafka_poll(rk_.get(), static_cast<int>(kPollInterval.count()));
  }

  static void OnDelivery(rd_kafka_t* /*rk*/, const rd_kafka_message_t* msg, void* opaque) {
    auto* self = static_cast<Impl*>(opaque);
    std::unique_ptr<DeliveryCallback> callback(static_cast<DeliveryCallback*>(msg->_private));
    std::string topic = rd_kafka_topic_name(msg->rkt);
    absl::Status status = rdkafka::ToStatus(msg->err, absl::StrCat("kafka delivery to ", topic));
    if (status.ok()) {
      if (self->observer_.delivered) self->observer_.delivered(topic);
    } else if (self->observer_.failed) {
      self->observer_.failed(topic, std::string(status.message()));
    }
    if (callback != nullptr && *callback) (*callback)(std::move(status));
    --self->outstanding_;
  }

  KafkaProducerObserver observer_;
  rdkafka::KafkaHandle rk_;
  std::thread poll_thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> outstanding_{0};
};

absl::StatusOr<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(
    KafkaProducerOptions options, KafkaProducerObserver observer) {
  auto impl = std::make_unique<Impl>(std::move(observer));
  if (auto s = impl->Init(options); !s.ok()) return s;
  return std::unique_ptr<KafkaProducer>(new KafkaProducer(std::move(impl)));
}

KafkaProducer::KafkaProducer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaProducer::~KafkaProducer() = default;

absl::Status KafkaProducer::Produce(KafkaRecord record, DeliveryCallback delivered) {
  return impl_->Produce(std::move(record), std::move(delivered));
}

absl::Status KafkaProducer::Flush(std::chrono::milliseconds timeout) {
  return impl_->Flush(timeout);
}

int KafkaProducer::OutstandingCount() const { return impl_->OutstandingCount(); }

absl::Status KafkaProducer::FatalError() const { return impl_->FatalError(); }

void KafkaProducer::RaiseFatalErrorForTesting() { impl_->RaiseFatalError(); }

KafkaErrorKind ClassifyKafkaError(const absl::Status& status) {
  const auto kind = status.GetPayload(rdkafka::kErrorKindPayload);
  if (kind == "fatal") return KafkaErrorKind::kFatal;
  if (kind == "permanent") return KafkaErrorKind::kPermanent;
  return KafkaErrorKind::kTransient;
}

}  // namespace sqms::runtime
