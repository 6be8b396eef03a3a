#include "sqms/runtime/kafka_properties.h"

#include <librdkafka/rdkafka.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sqms/runtime/config.h"

namespace sqms::runtime {
namespace {

// Set by the services from their own flags and guarantees; a file that
// changed them would silently break exactly-once consumption or
// acknowledged-means-stored.
constexpr std::string_view kReserved[] = {
    "bootstrap.servers",     "metadata.broker.list",     "group.id",
    "enable.auto.commit",    "enable.auto.offset.store", "auto.offset.reset",
    "isolation.level",       "enable.idempotence",       "acks",
    "request.required.acks", "transactional.id",         "enable.partition.eof",
};

}  // namespace

absl::StatusOr<KafkaProperties> ParseKafkaProperties(std::string_view text, std::string_view file) {
  KafkaProperties out;
  const absl::string_view name(file.data(), file.size());
  std::vector<absl::string_view> lines =
      absl::StrSplit(absl::string_view(text.data(), text.size()), '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    const absl::string_view line = absl::StripAsciiWhitespace(lines[i]);
    if (line.empty() || line.front() == '#' || line.front() == '!') continue;
    auto error = [&](std::string_view problem) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ":", i + 1, ": ", absl::string_view(problem.data(), problem.size())));
    };
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) return error("is not key=value");
    const std::string key(absl::StripAsciiWhitespace(line.substr(0, eq)));
    const std::string value(absl::StripAsciiWhitespace(line.substr(eq + 1)));
    if (key.empty()) return error("has no key before '='");
    for (std::string_view reserved : kReserved) {
      if (key == std::string(reserved)) {
        return error(absl::StrCat(key, ": is set by the service (",
                                  key == "bootstrap.servers" || key == "metadata.broker.list"
                                      ? "use --kafka-brokers"
                                      : "its delivery guarantees rest on it",
                                  ")"));
      }
    }
    if (!out.try_emplace(key, value).second) return error(absl::StrCat(key, ": given twice"));
  }
  return out;
}

absl::StatusOr<KafkaProperties> LoadKafkaProperties(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  absl::StatusOr<KafkaProperties> properties = ParseKafkaProperties(*text, path);
  if (!properties.ok()) return properties.status();
  std::unique_ptr<rd_kafka_conf_t, decltype(&rd_kafka_conf_destroy)> conf(rd_kafka_conf_new(),
                                                                          rd_kafka_conf_destroy);
  for (const auto& [key, value] : *properties) {
    // librdkafka's own reason quotes the value, which may be a secret:
    // only the kind of refusal is told.
    char reason[512] = {0};
    const rd_kafka_conf_res_t result =
        rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), reason, sizeof(reason));
    if (result == RD_KAFKA_CONF_UNKNOWN) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", key, ": not a librdkafka property (misspelt?)"));
    }
    if (result != RD_KAFKA_CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", key,
                       ": librdkafka refused its value (see CONFIGURATION.md of librdkafka "
                       "for what it takes)"));
    }
  }
  return properties;
}

}  // namespace sqms::runtime
