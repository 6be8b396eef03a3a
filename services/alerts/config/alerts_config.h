#pragma once
// sqms-alerts' configuration: the common flags (runtime/config.h), its own
// flags, and the YAML file named by --config (alerts.yaml in this folder is
// the shipped default: risks, rotations, notification targets, plans,
// inhibition rules — documented key by key). Every error names the flag, or
// the file and the key, and the problem.

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/alerts/domain/inhibition.h"
#include "services/alerts/domain/plan.h"
#include "services/alerts/domain/risk.h"
#include "services/alerts/domain/rotation.h"
#include "services/alerts/notify/target.h"
#include "sqms/runtime/config.h"

namespace sqms::alerts::config {

// What the YAML file holds. Every cross-reference is checked: a plan's
// risk_id names a risk, a tier's targets name targets, "rotation:<id>"
// names a rotation. Every high or critical risk has a plan in the file
// (domain::NeedsPlan; "risks[2]: risk 'mass-delay' is critical (score 20)
// and has no plan: …"); medium and low ones need none.
struct AlertsSettings {
  absl::TimeZone zone;            // key `time_zone`, e.g. "Asia/Shanghai"
  std::string zone_name;
  std::vector<domain::Risk> risks;
  std::vector<domain::Rotation> rotations;
  std::vector<notify::Target> targets;
  std::vector<domain::Plan> plans;
  std::vector<domain::InhibitRule> inhibit_rules;
};

struct ServiceConfig {
  runtime::CommonConfig common;
  std::string config_file;              // --config, required
  std::string instance_id;              // "" = the host name
  std::string ready_file;               // written once serving (tests)
  std::string group = "sqms-alerts";    // the consumer group
  std::string complaints_topic = "sqms.complaints.v1";
  std::string kpi_topic = "sqms.kpi.v1";
  std::string incidents_topic = "sqms.incidents.v1";
  // Alertmanager's webhook receiver (POST /api/v1/alertmanager); "" = off.
  std::string webhook_listen = "0.0.0.0:9095";
  // Bearer tokens the receiver accepts, one per line. Required while the
  // receiver listens: the receiver fails closed (Validate).
  std::string webhook_tokens_file;
  // The explicit opt-out of that rule: the receiver accepts every request
  // (a warning at start-up says so). Only for a receiver no one else can
  // reach; never together with webhook_tokens_file.
  bool webhook_insecure_no_auth = false;
  int workers = 4;
  int worker_queue = 256;
  // Days an expired silence stays listed (`silence list --all`) before it
  // is deleted; at least the 8 days a request id stays bound to its
  // command, so a retried CreateSilence always finds its silence.
  int silence_retention_days = 14;
  // How far back (minutes) the consumer group's first start reads the
  // complaint and KPI topics: older events are passed over, not paged
  // (adapters/event_consumer.h). Later starts read on from the group's
  // offsets, whatever the age of what they find.
  int first_start_lookback_minutes = 60;
  // How soon the consumer group gives a dead replica's partitions to
  // another (librdkafka's session.timeout.ms; its default, 45 s, would
  // leave a safety complaint unread that long), as the metrics service.
  int session_timeout_ms = 10000;
};

void AddFlags(CLI::App& app, ServiceConfig& config);
// INVALID_ARGUMENT naming the flag, e.g. "config: --webhook-tokens-file
// (SQMS_WEBHOOK_TOKENS_FILE): is required while --webhook-listen is set …"
// when the webhook would listen without authentication and
// --webhook-insecure-no-auth was not given.
absl::Status Validate(const ServiceConfig& config);

// Reads and checks the YAML file: INVALID_ARGUMENT "<file>: <key>: <problem>",
// e.g. "alerts.yaml: plans[2].escalation[0].ack_timeout: must be positive".
absl::StatusOr<AlertsSettings> LoadSettings(const std::string& path);

}  // namespace sqms::alerts::config
