#include "control.h"

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace sqms::devkafka {
namespace {

// Kafka protocol API keys by name (the ones worth failing in tests).
constexpr std::pair<const char*, int16_t> kApiKeys[] = {
    {"Produce", 0},          {"Fetch", 1},           {"ListOffsets", 2},
    {"Metadata", 3},         {"OffsetCommit", 8},    {"OffsetFetch", 9},
    {"FindCoordinator", 10}, {"JoinGroup", 11},      {"Heartbeat", 12},
    {"LeaveGroup", 13},      {"SyncGroup", 14},      {"DescribeGroups", 15},
    {"ListGroups", 16},      {"SaslHandshake", 17},  {"ApiVersions", 18},
    {"InitProducerId", 22},  {"OffsetForLeaderEpoch", 23},
    {"AddPartitionsToTxn", 24}, {"AddOffsetsToTxn", 25}, {"EndTxn", 26},
    {"TxnOffsetCommit", 28},
};

std::optional<int16_t> ParseApiKey(const std::string& text) {
  int value = 0;
  if (absl::SimpleAtoi(text, &value) && value >= 0 && value < 100) {
    return static_cast<int16_t>(value);
  }
  for (const auto& [name, key] : kApiKeys) {
    if (absl::EqualsIgnoreCase(name, text)) return key;
  }
  return std::nullopt;
}

std::optional<rd_kafka_resp_err_t> ParseError(const std::string& text) {
  int value = 0;
  if (absl::SimpleAtoi(text, &value)) return static_cast<rd_kafka_resp_err_t>(value);
  absl::string_view name = text;
  absl::ConsumePrefix(&name, "RD_KAFKA_RESP_ERR_");
  const rd_kafka_err_desc* descs = nullptr;
  size_t count = 0;
  rd_kafka_get_err_descs(&descs, &count);
  for (size_t i = 0; i < count; ++i) {
    if (descs[i].name != nullptr && absl::EqualsIgnoreCase(descs[i].name, name)) {
      return descs[i].code;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string Controller::Apply(const std::string& line) {
  std::vector<std::string> words =
      absl::StrSplit(absl::StripAsciiWhitespace(line), ' ', absl::SkipEmpty());
  if (words.empty()) return "empty command";
  if (words[0] == "down" && words.size() == 2) return SetBrokers(false, words[1]);
  if (words[0] == "up" && words.size() == 2) return SetBrokers(true, words[1]);
  if (words[0] == "errors" && words.size() == 4) return PushErrors(words[1], words[2], words[3]);
  if (words[0] == "clear" && words.size() == 1) {
    for (const auto& [name, key] : kApiKeys) rd_kafka_mock_clear_request_errors(cluster_, key);
    return "";
  }
  return "unknown command (down|up <id>|all, errors <api> <count> <error>, clear)";
}

std::string Controller::SetBrokers(bool up, const std::string& which) {
  std::vector<int32_t> ids;
  int id = 0;
  if (which == "all") {
    for (int i = 1; i <= brokers_; ++i) ids.push_back(i);
  } else if (absl::SimpleAtoi(which, &id) && id >= 1 && id <= brokers_) {
    ids.push_back(id);
  } else {
    return "broker id must be 1.." + std::to_string(brokers_) + " or all";
  }
  for (int32_t broker : ids) {
    rd_kafka_resp_err_t err = up ? rd_kafka_mock_broker_set_up(cluster_, broker)
                                 : rd_kafka_mock_broker_set_down(cluster_, broker);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return rd_kafka_err2str(err);
  }
  return "";
}

std::string Controller::PushErrors(const std::string& api, const std::string& count,
                                   const std::string& error) {
  std::optional<int16_t> key = ParseApiKey(api);
  if (!key) return "unknown API '" + api + "'";
  int n = 0;
  if (!absl::SimpleAtoi(count, &n) || n < 1 || n > 1000000) return "count must be 1..1000000";
  std::optional<rd_kafka_resp_err_t> err = ParseError(error);
  if (!err) return "unknown error '" + error + "'";
  std::vector<rd_kafka_resp_err_t> errors(static_cast<size_t>(n), *err);
  rd_kafka_mock_push_request_errors_array(cluster_, *key, errors.size(), errors.data());
  return "";
}

}  // namespace sqms::devkafka
