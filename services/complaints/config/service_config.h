#pragma once
// The complaints service's configuration: the common flags
// (runtime::CommonConfig) plus its own, each with an environment variable.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "sqms/runtime/config.h"

namespace sqms::complaints::config {

struct ServiceConfig {
  runtime::CommonConfig common;
  std::string triage_config = "/etc/sqms/triage.yaml";  // SQMS_TRIAGE_CONFIG
  // Labelled complaints (JSON Lines, tests/data/triage format) the triage
  // model is trained on at start-up; empty: rules only.
  std::vector<std::string> triage_training_data;  // SQMS_TRIAGE_TRAINING_DATA
  int triage_reload_ms = 2000;            // how often the triage file is checked; 0: never
  std::string pii_key_file;               // required: HMAC key for personal data
  int shards = 4;                         // Redis key shards (fixed for a deployment)
  int workers = 64;                       // threads that may block on Redis
  // Calls and stream items waiting for a worker; beyond it new ones are
  // refused with RESOURCE_EXHAUSTED + RetryInfo instead of queued.
  int worker_queue = 4096;                // SQMS_WORKER_QUEUE
  std::string complaints_topic = "sqms.complaints.v1";
  std::string contact_topic = "sqms.contact.v1";
  // Incident events of sqms-alerts, for known issues; "": none are linked.
  std::string incidents_topic = "sqms.incidents.v1";
  // A complaint that occurred up to this long before an incident opened
  // may still be linked to it (minutes, 0..1440).
  int known_issue_lookback_minutes = 60;
  std::string instance_id;                // default: hostname (outbox lease owner)
  std::string ready_file;                 // written with the bound ports once serving
};

void AddFlags(CLI::App& app, ServiceConfig& config);
// INVALID_ARGUMENT naming the flag and its variable.
absl::Status Validate(const ServiceConfig& config);

// The PII key as read from --pii-key-file, before it is used: its bytes are
// the key as written, a trailing newline included (trimming it would change
// every complainant hash already stored). INVALID_ARGUMENT naming the flag
// when it holds nothing but whitespace — a file with only a newline, an
// unset variable echoed into it —, for every complainant would then hash
// under a key anyone can guess.
absl::Status ValidatePiiKey(std::string_view key);
// HMAC-SHA256 wants a key of at least its output size, 32 bytes (RFC 2104
// §3); a shorter one is accepted (refusing it would force a key change
// on a running deployment) and warned about at start-up.
inline constexpr size_t kPiiKeyRecommendedBytes = 32;

}  // namespace sqms::complaints::config
