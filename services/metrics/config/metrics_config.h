#pragma once
// sqms-metrics' configuration: the common flags (runtime/config.h), its own
// flags, and the YAML file named by --config (metrics.yaml in this folder is
// the shipped default, documented key by key). Every error names the flag,
// or the file and the key, and the problem.

#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "services/metrics/adapters/kpi_processor.h"
#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/domain/cardinality.h"
#include "services/metrics/domain/surge.h"
#include "services/metrics/domain/target.h"
#include "services/metrics/domain/window_dimensions.h"
#include "sqms/runtime/config.h"

namespace sqms::metrics::config {

struct Department {
  std::string id;    // as the events carry it, e.g. "ticketing-center"
  std::string name;  // display name, e.g. "票务中心"
};

// What the YAML file holds.
struct MetricsSettings {
  absl::TimeZone zone;
  std::string zone_name;
  absl::Duration grace = absl::Minutes(5);
  std::vector<Department> departments;
  domain::ContributionPolicy policy;
  std::vector<domain::DayBand> bands;
  app::BaseConfig bases;
  std::array<absl::Duration, 6> retention{};  // by WindowSize
  domain::WindowDimensions window_dimensions;  // checked: targets and surges are on kept ones
  std::vector<domain::Target> targets;         // checked: known KPI, dimension, window
  std::vector<domain::SurgeRule> surges;       // checked: count KPI, dimension, hour/day (surge_rules.h)
  domain::CardinalityLimits cardinality;       // values per dimension and partition (cardinality_limits.h)
};

struct ServiceConfig {
  // The final checkpoint and the group's leave take longer than the other
  // services' shutdown (deploy/k8s/base/metrics: a 45 s grace period).
  runtime::CommonConfig common = [] {
    runtime::CommonConfig defaults;
    defaults.shutdown_seconds = 37;
    return defaults;
  }();
  std::string config_file;             // --config, required
  std::string instance_id;             // "" = the host name
  std::string ready_file;              // written once serving (tests)
  std::string group = "sqms-metrics";  // the consumer group
  std::string complaints_topic = "sqms.complaints.v1";
  std::string contact_topic = "sqms.contact.v1";
  std::string incidents_topic = "sqms.incidents.v1";
  int checkpoint_every = 5000;         // records
  // At most this long after the first unwritten record while records keep
  // coming (a stream in full flow mostly reaches checkpoint_every first).
  int checkpoint_interval_ms = 500;
  // Once caught up with the brokers, a checkpoint is written as soon as
  // this long has passed since the previous one (0: off): an event of a
  // quiet stream reaches WatchKpis within this, the watch poll and a read,
  // well under the 1 s freshness target; docs/metrics.md.
  int checkpoint_idle_interval_ms = 100;
  // How soon the group notices a replica that died (librdkafka's
  // session.timeout.ms; its default, 45 s, leaves partitions unread that long).
  int session_timeout_ms = 10000;
  std::string kpi_topic = "sqms.kpi.v1";
  int evaluate_interval_ms = 1000;     // targets are checked this often
  // WatchKpis (app/kpi_watcher.h): how often the figures the open streams
  // cover are read from Redis.
  int watch_poll_interval_ms = 100;
  int workers = 4;
  int worker_queue = 256;
};

void AddFlags(CLI::App& app, ServiceConfig& config);
absl::Status Validate(const ServiceConfig& config);

// Reads and checks the YAML file: INVALID_ARGUMENT "<file>: <key>: <problem>".
absl::StatusOr<MetricsSettings> LoadSettings(const std::string& path);

// The processor's options the settings decide (zone, grace, policy, bands,
// retention, window dimensions, departments, cardinality); topics and the
// metrics registry are left at their defaults for the caller.
adapters::KpiProcessorOptions ProcessorOptions(const MetricsSettings& settings);

}  // namespace sqms::metrics::config
