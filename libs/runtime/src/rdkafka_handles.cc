#include "rdkafka_handles.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime::rdkafka {

absl::Status SetProperties(rd_kafka_conf_t* conf,
                           const std::map<std::string, std::string>& properties) {
  char errstr[512];
  for (const auto& [name, value] : properties) {
    if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), errstr, sizeof(errstr)) !=
        RD_KAFKA_CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat("kafka property '", name, "': ", errstr));
    }
  }
  return absl::OkStatus();
}

namespace {

// librdkafka's own messages (syslog levels) as JSON log lines, from its
// internal threads (log::Write is thread-safe).
void LogToJson(const rd_kafka_t* rk, int level, const char* facility, const char* message) {
  const log::Level ours = level <= 3   ? log::Level::kError
                          : level == 4 ? log::Level::kWarn
                          : level <= 6 ? log::Level::kInfo
                                       : log::Level::kDebug;
  log::Write(ours, "librdkafka",
             {{"client", rk != nullptr ? rd_kafka_name(rk) : ""},
              {"facility", facility},
              {"message", message}});
}

}  // namespace

absl::StatusOr<KafkaHandle> NewClient(rd_kafka_type_t type, ConfHandle conf) {
  rd_kafka_conf_set_log_cb(conf.get(), &LogToJson);
  char errstr[512];
  // rd_kafka_new takes ownership of conf only when it succeeds.
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof(errstr));
  if (rk == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka client configuration: ", errstr));
  }
  conf.release();
  return KafkaHandle(rk);
}

void ReadHeaders(const rd_kafka_message_t* msg, KafkaHeaders* out) {
  size_t count = 0;
  rd_kafka_headers_t* headers = nullptr;  // owned by the message
  if (rd_kafka_message_headers(msg, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t size = 0;
    for (; rd_kafka_header_get_all(headers, count, &name, &value, &size) ==
           RD_KAFKA_RESP_ERR_NO_ERROR;
         ++count) {
      if (count == out->size()) out->emplace_back();
      auto& [key, text] = (*out)[count];
      key.assign(name);
      if (value == nullptr) {
        text.clear();
      } else {
        text.assign(static_cast<const char*>(value), size);
      }
    }
  }
  out->resize(count);
}

absl::Status ToStatus(rd_kafka_resp_err_t err, const std::string& context) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return absl::OkStatus();
  std::string msg = absl::StrCat(context, ": ", rd_kafka_err2str(err));
  absl::Status status;
  const char* kind = "transient";
  switch (err) {
    case RD_KAFKA_RESP_ERR__FATAL:
      status = absl::InternalError(msg);  // the producer is unusable
      kind = "fatal";
      break;
    case RD_KAFKA_RESP_ERR__QUEUE_FULL:
      status = absl::ResourceExhaustedError(msg);
      break;
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
      status = absl::DeadlineExceededError(msg);
      break;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
      status = absl::PermissionDeniedError(msg);
      kind = "permanent";
      break;
    // This record can never be delivered as it is.
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE:
    case RD_KAFKA_RESP_ERR_INVALID_TIMESTAMP:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:
    case RD_KAFKA_RESP_ERR_POLICY_VIOLATION:
    case RD_KAFKA_RESP_ERR_UNSUPPORTED_FOR_MESSAGE_FORMAT:
      status = absl::InvalidArgumentError(msg);
      kind = "permanent";
      break;
    default:
      status = absl::UnavailableError(msg);
  }
  status.SetPayload(kErrorKindPayload, absl::Cord(kind));
  return status;
}

}  // namespace sqms::runtime::rdkafka
