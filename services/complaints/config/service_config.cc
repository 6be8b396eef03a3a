#include "services/complaints/config/service_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace sqms::complaints::config {

void AddFlags(CLI::App& app, ServiceConfig& config) {
  runtime::AddCommonFlags(app, config.common);
  runtime::AddFlag(app, "triage-config", config.triage_config,
                   "Triage rules, SLA policies and business calendar (YAML)");
  runtime::AddFlag(app, "triage-training-data", config.triage_training_data,
                   "Labelled complaints (JSON Lines, comma-separated files) to train the "
                   "triage model on at start-up; empty: rules only");
  runtime::AddFlag(app, "triage-reload-ms", config.triage_reload_ms,
                   "Check the triage config for changes this often and apply a valid one "
                   "without a restart (0: never)");
  runtime::AddFlag(app, "pii-key-file", config.pii_key_file,
                   "Key of the HMAC that stands for personal data in events");
  runtime::AddFlag(app, "shards", config.shards, "Redis key shards (1..64; fixed per deployment)");
  runtime::AddFlag(app, "workers", config.workers, "Threads that run store calls (1..1024)");
  runtime::AddFlag(app, "worker-queue", config.worker_queue,
                   "Calls waiting for a worker before new ones are refused with "
                   "RESOURCE_EXHAUSTED and a retry hint (1..1000000)");
  runtime::AddFlag(app, "complaints-topic", config.complaints_topic, "Kafka topic of complaint events");
  runtime::AddFlag(app, "contact-topic", config.contact_topic, "Kafka topic of contact events");
  runtime::AddFlag(app, "incidents-topic", config.incidents_topic,
                   "Kafka topic of sqms-alerts' incident events: new complaints matching an "
                   "active incident are linked to it as a known issue (empty: never)");
  runtime::AddFlag(app, "known-issue-lookback-minutes", config.known_issue_lookback_minutes,
                   "How long before an incident opened a complaint may have occurred and still "
                   "be linked to it (0..1440)");
  runtime::AddFlag(app, "instance-id", config.instance_id,
                   "This replica's name (outbox lease owner); default: host name");
  runtime::AddFlag(app, "ready-file", config.ready_file,
                   "Written with {\"grpc_port\",\"metrics_port\"} once serving");
}

absl::Status ValidatePiiKey(std::string_view key) {
  if (key.empty()) return runtime::ConfigError("pii-key-file", "the file is empty");
  if (absl::StripAsciiWhitespace(absl::string_view(key.data(), key.size())).empty()) {
    return runtime::ConfigError(
        "pii-key-file",
        "the file holds only whitespace; write a random key, e.g. `head -c 32 /dev/urandom | "
        "od -An -tx1 | tr -d ' \\n' > pii.key`");
  }
  return absl::OkStatus();
}

absl::Status Validate(const ServiceConfig& config) {
  if (auto s = runtime::Validate(config.common); !s.ok()) return s;
  if (config.triage_config.empty()) return runtime::ConfigError("triage-config", "is required");
  if (config.triage_reload_ms < 0 || config.triage_reload_ms > 3600000) {
    return runtime::ConfigError("triage-reload-ms",
                                absl::StrCat(config.triage_reload_ms, " is not in 0..3600000"));
  }
  if (config.pii_key_file.empty()) {
    return runtime::ConfigError("pii-key-file", "is required (the HMAC key for personal data)");
  }
  if (config.shards < 1 || config.shards > 64) {
    return runtime::ConfigError("shards", absl::StrCat(config.shards, " is not in 1..64"));
  }
  if (config.workers < 1 || config.workers > 1024) {
    return runtime::ConfigError("workers", absl::StrCat(config.workers, " is not in 1..1024"));
  }
  if (config.worker_queue < 1 || config.worker_queue > 1000000) {
    return runtime::ConfigError("worker-queue",
                                absl::StrCat(config.worker_queue, " is not in 1..1000000"));
  }
  if (config.complaints_topic.empty()) return runtime::ConfigError("complaints-topic", "is empty");
  if (config.contact_topic.empty()) return runtime::ConfigError("contact-topic", "is empty");
  if (config.known_issue_lookback_minutes < 0 || config.known_issue_lookback_minutes > 1440) {
    return runtime::ConfigError(
        "known-issue-lookback-minutes",
        absl::StrCat(config.known_issue_lookback_minutes, " is not in 0..1440"));
  }
  return absl::OkStatus();
}

}  // namespace sqms::complaints::config
