#include "services/metrics/config/metrics_config.h"

#include <set>

#include "absl/algorithm/container.h"
#include "absl/strings/str_cat.h"
#include "services/metrics/config/cardinality_limits.h"
#include "services/metrics/config/surge_rules.h"
#include "services/metrics/domain/kpi_breakdown.h"
#include "sqms/runtime/yaml_reader.h"

namespace sqms::metrics::config {

using runtime::YamlReader;

void AddFlags(CLI::App& app, ServiceConfig& config) {
  runtime::AddCommonFlags(app, config.common);
  runtime::AddFlag(app, "config", config.config_file,
                   "Time zone, grace, departments, service levels, bases (YAML; metrics.yaml)");
  runtime::AddFlag(app, "instance-id", config.instance_id,
                   "This replica's name (the partitions' owner); default: host name");
  runtime::AddFlag(app, "ready-file", config.ready_file,
                   "Written with {\"grpc_port\",\"metrics_port\"} once serving");
  runtime::AddFlag(app, "group", config.group, "Kafka consumer group");
  runtime::AddFlag(app, "complaints-topic", config.complaints_topic, "Kafka topic of complaint events");
  runtime::AddFlag(app, "contact-topic", config.contact_topic, "Kafka topic of contact events");
  runtime::AddFlag(app, "incidents-topic", config.incidents_topic,
                   "Kafka topic of incident changes (MTTA, MTTR, outage time)");
  runtime::AddFlag(app, "checkpoint-every", config.checkpoint_every,
                   "Checkpoint after this many records (1..1000000)");
  runtime::AddFlag(app, "checkpoint-interval-ms", config.checkpoint_interval_ms,
                   "Checkpoint this long after the first unwritten record (10..60000)");
  runtime::AddFlag(app, "checkpoint-idle-interval-ms", config.checkpoint_idle_interval_ms,
                   "Once caught up, checkpoint when this long has passed since the last "
                   "checkpoint (0..60000; 0 = off)");
  runtime::AddFlag(app, "session-timeout-ms", config.session_timeout_ms,
                   "How soon the consumer group reassigns a dead replica's partitions "
                   "(6000..300000)");
  runtime::AddFlag(app, "kpi-topic", config.kpi_topic,
                   "Kafka topic of breach, recovery and surge events");
  runtime::AddFlag(app, "evaluate-interval-ms", config.evaluate_interval_ms,
                   "Check the targets and surge rules this often (100..600000)");
  runtime::AddFlag(app, "watch-poll-interval-ms", config.watch_poll_interval_ms,
                   "WatchKpis: read the watched figures this often (10..60000)");
  runtime::AddFlag(app, "workers", config.workers, "Threads that run queries (1..1024)");
  runtime::AddFlag(app, "worker-queue", config.worker_queue,
                   "Queries waiting for a worker before new ones are refused (1..1000000)");
}

absl::Status Validate(const ServiceConfig& config) {
  if (auto s = runtime::Validate(config.common); !s.ok()) return s;
  if (config.config_file.empty()) return runtime::ConfigError("config", "is required");
  auto range = [](std::string_view flag, int value, int lo, int hi) {
    if (value >= lo && value <= hi) return absl::OkStatus();
    return runtime::ConfigError(flag, absl::StrCat(value, " is not in ", lo, "..", hi));
  };
  for (absl::Status s : {range("checkpoint-every", config.checkpoint_every, 1, 1000000),
                         range("checkpoint-interval-ms", config.checkpoint_interval_ms, 10, 60000),
                         range("checkpoint-idle-interval-ms", config.checkpoint_idle_interval_ms,
                               0, 60000),
                         range("session-timeout-ms", config.session_timeout_ms, 6000, 300000),
                         range("evaluate-interval-ms", config.evaluate_interval_ms, 100, 600000),
                         range("watch-poll-interval-ms", config.watch_poll_interval_ms, 10, 60000),
                         range("workers", config.workers, 1, 1024),
                         range("worker-queue", config.worker_queue, 1, 1000000)}) {
    if (!s.ok()) return s;
  }
  if (config.group.empty()) return runtime::ConfigError("group", "is empty");
  if (config.complaints_topic.empty()) return runtime::ConfigError("complaints-topic", "is empty");
  if (config.contact_topic.empty()) return runtime::ConfigError("contact-topic", "is empty");
  if (config.incidents_topic.empty()) return runtime::ConfigError("incidents-topic", "is empty");
  if (config.kpi_topic.empty()) return runtime::ConfigError("kpi-topic", "is empty");
  return absl::OkStatus();
}

namespace {

// "call_platform, backbone_network, …": the contact events' platforms
// (absl::StrJoin here does not take std::string_view elements).
std::string ContactPlatformList() {
  std::string out;
  for (std::string_view id : domain::kContactPlatforms) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", std::string(id));
  }
  return out;
}

// Reads one section of the file into `out`; each returns the first error.
class Loader {
 public:
  explicit Loader(std::string path) : r_(std::move(path)) {}

  absl::Status Load(const YAML::Node& root, MetricsSettings& out) {
    if (auto s = r_.CheckMap(root, "", {"time_zone", "grace", "departments", "service_level",
                                         "csi_weights", "bands", "reliability", "volumes",
                                         "retention", "window_dimensions", "targets", "surges",
                                         "cardinality"});
        !s.ok()) {
      return s;
    }
    for (absl::Status s : {Zone(root["time_zone"], out), Grace(root["grace"], out),
                           Departments(root["departments"], out),
                           ServiceLevels(root["service_level"], out),
                           CsiWeights(root["csi_weights"], out), Bands(root["bands"], out),
                           Reliability(root["reliability"], out), Volumes(root["volumes"], out),
                           Retention(root["retention"], out),
                           WindowDimensions(root["window_dimensions"], out),
                           Targets(root["targets"], out)}) {
      if (!s.ok()) return s;
    }
    auto surges = LoadSurgeRules(r_, root["surges"], out.retention);
    if (!surges.ok()) return surges.status();
    out.surges = *std::move(surges);
    // The sqms_kpi_value gauges (metrics_service_server.cc) read these.
    for (domain::WindowSize size : {domain::WindowSize::kDay, domain::WindowSize::kMonth}) {
      if (!out.window_dimensions.Keeps(size, domain::Dimension::kDepartment)) {
        return r_.Error(YamlReader::Join("window_dimensions", domain::WindowSizeName(size)),
                        "must keep department: the sqms_kpi_value gauges read it");
      }
    }
    for (size_t i = 0; i < out.targets.size(); ++i) {
      const domain::Target& t = out.targets[i];
      if (auto s = CheckKept(out, t.window, t.dimension, YamlReader::Index("targets", i)); !s.ok()) {
        return s;
      }
      if (auto s = CheckBreakdown(t.kpi, t.dimension, YamlReader::Index("targets", i)); !s.ok()) {
        return s;
      }
    }
    for (size_t i = 0; i < out.surges.size(); ++i) {
      const domain::SurgeRule& rule = out.surges[i];
      if (auto s = CheckKept(out, rule.window, rule.dimension, YamlReader::Index("surges", i));
          !s.ok()) {
        return s;
      }
      if (auto s = CheckBreakdown(rule.kpi, rule.dimension, YamlReader::Index("surges", i));
          !s.ok()) {
        return s;
      }
    }
    auto cardinality = LoadCardinalityLimits(r_, root["cardinality"]);
    if (!cardinality.ok()) return cardinality.status();
    out.cardinality = *cardinality;
    return absl::OkStatus();
  }

 private:
  absl::Status Zone(const YAML::Node& node, MetricsSettings& out) {
    out.zone_name = "UTC";
    if (node) {
      auto name = r_.Scalar(node, "time_zone");
      if (!name.ok()) return name.status();
      out.zone_name = *name;
    }
    if (!absl::LoadTimeZone(out.zone_name, &out.zone)) {
      return r_.Error("time_zone", absl::StrCat("unknown time zone '", out.zone_name, "'"));
    }
    return absl::OkStatus();
  }

  absl::Status Grace(const YAML::Node& node, MetricsSettings& out) {
    if (!node) return absl::OkStatus();
    auto grace = r_.Duration(node, "grace");
    if (!grace.ok()) return grace.status();
    out.grace = *grace;
    return absl::OkStatus();
  }

  absl::Status Departments(const YAML::Node& node, MetricsSettings& out) {
    if (!node) return absl::OkStatus();
    if (!node.IsSequence()) return r_.Error("departments", "must be a list");
    std::set<std::string> seen;
    for (size_t i = 0; i < node.size(); ++i) {
      const std::string path = YamlReader::Index("departments", i);
      if (auto s = r_.CheckMap(node[i], path, {"id", "name"}); !s.ok()) return s;
      if (auto s = r_.Require(node[i], path, "id"); !s.ok()) return s;
      auto id = r_.Scalar(node[i]["id"], YamlReader::Join(path, "id"));
      if (!id.ok()) return id.status();
      if (id->empty()) return r_.Error(YamlReader::Join(path, "id"), "must not be empty");
      if (!seen.insert(*id).second) {
        return r_.Error(YamlReader::Join(path, "id"), absl::StrCat("'", *id, "' is listed twice"));
      }
      Department d{*id, *id};
      if (node[i]["name"]) {
        auto name = r_.Scalar(node[i]["name"], YamlReader::Join(path, "name"));
        if (!name.ok()) return name.status();
        d.name = *name;
      }
      out.departments.push_back(std::move(d));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<domain::ServiceLevelPolicy> Level(const YAML::Node& node, const std::string& path) {
    if (auto s = r_.CheckMap(node, path, {"answer_within_seconds", "short_abandon_seconds"});
        !s.ok()) {
      return s;
    }
    domain::ServiceLevelPolicy p;
    for (auto [key, field] : {std::pair{"answer_within_seconds", &p.answer_within_seconds},
                              std::pair{"short_abandon_seconds", &p.short_abandon_seconds}}) {
      if (!node[key]) continue;
      auto n = r_.Number(node[key], YamlReader::Join(path, key));
      if (!n.ok()) return n.status();
      if (*n < 0 || *n > 3600) return r_.Error(YamlReader::Join(path, key), "must be in 0..3600");
      *field = static_cast<int64_t>(*n);
    }
    return p;
  }

  absl::Status ServiceLevels(const YAML::Node& node, MetricsSettings& out) {
    if (!node) return absl::OkStatus();
    if (auto s = r_.CheckMap(node, "service_level", {"default", "channels"}); !s.ok()) return s;
    if (node["default"]) {
      auto p = Level(node["default"], "service_level.default");
      if (!p.ok()) return p.status();
      out.policy.default_service_level = *p;
    }
    if (!node["channels"]) return absl::OkStatus();
    if (auto s = r_.CheckMap(node["channels"], "service_level.channels", {}); !s.ok()) return s;
    for (const std::string& channel : YamlReader::Keys(node["channels"])) {
      auto p = Level(node["channels"][channel], YamlReader::Join("service_level.channels", channel));
      if (!p.ok()) return p.status();
      out.policy.service_level_by_channel.emplace_back(channel, *p);
    }
    return absl::OkStatus();
  }

  absl::Status CsiWeights(const YAML::Node& node, MetricsSettings& out) {
    if (!node) return absl::OkStatus();
    if (auto s = r_.CheckMap(node, "csi_weights", {}); !s.ok()) return s;
    for (const std::string& dimension : YamlReader::Keys(node)) {
      const std::string path = YamlReader::Join("csi_weights", dimension);
      auto w = r_.Number(node[dimension], path);
      if (!w.ok()) return w.status();
      if (!(*w > 0)) return r_.Error(path, "must be > 0");
      out.policy.csi_weights.emplace_back(dimension, *w);
    }
    return absl::OkStatus();
  }

  absl::Status Bands(const YAML::Node& node, MetricsSettings& out) {
    if (!node) return absl::OkStatus();
    if (!node.IsSequence()) return r_.Error("bands", "must be a list");
    for (size_t i = 0; i < node.size(); ++i) {
      const std::string path = YamlReader::Index("bands", i);
      if (auto s = r_.CheckMap(node[i], path, {"name", "from", "to"}); !s.ok()) return s;
      domain::DayBand band;
      for (const char* key : {"name", "from", "to"}) {
        if (auto s = r_.Require(node[i], path, key); !s.ok()) return s;
      }
      auto name = r_.Scalar(node[i]["name"], YamlReader::Join(path, "name"));
      if (!name.ok()) return name.status();
      band.name = *name;
      for (auto [key, field] : {std::pair{"from", &band.from_minute}, std::pair{"to", &band.to_minute}}) {
        auto text = r_.Scalar(node[i][key], YamlReader::Join(path, key));
        if (!text.ok()) return text.status();
        absl::Duration at;
        if (!runtime::ParseClock(*text, &at) || at >= absl::Hours(24)) {
          return r_.Error(YamlReader::Join(path, key), absl::StrCat("'", *text, "' is not HH:MM"));
        }
        *field = static_cast<int>(absl::ToInt64Minutes(at));
      }
      out.bands.push_back(std::move(band));
    }
    return absl::OkStatus();
  }

  // reliability: {hours_per_day: H, platforms: [{id: P, outages_from: contact|incidents}]}
  absl::Status Reliability(const YAML::Node& node, MetricsSettings& out) {
    if (!node) return absl::OkStatus();
    if (auto s = r_.CheckMap(node, "reliability", {"platforms", "hours_per_day"}); !s.ok()) return s;
    if (node["hours_per_day"]) {
      auto n = r_.Number(node["hours_per_day"], "reliability.hours_per_day");
      if (!n.ok()) return n.status();
      if (*n < 1 || *n > 24) return r_.Error("reliability.hours_per_day", "must be in 1..24");
      out.bases.hours_per_day = static_cast<int>(*n);
    }
    if (const YAML::Node list = node["platforms"]) {
      if (!list.IsSequence() || list.size() == 0) {
        return r_.Error("reliability.platforms", "must be a non-empty list of {id, outages_from}");
      }
      std::vector<domain::ReliabilityPlatform> platforms;
      for (size_t i = 0; i < list.size(); ++i) {
        const std::string path = YamlReader::Index("reliability.platforms", i);
        if (auto s = r_.CheckMap(list[i], path, {"id", "outages_from"}); !s.ok()) return s;
        for (const char* key : {"id", "outages_from"}) {
          if (auto s = r_.Require(list[i], path, key); !s.ok()) return s;
        }
        auto id = r_.Scalar(list[i]["id"], YamlReader::Join(path, "id"));
        if (!id.ok()) return id.status();
        for (const domain::ReliabilityPlatform& p : platforms) {
          if (p.id == *id) {
            return r_.Error(YamlReader::Join(path, "id"),
                            absl::StrCat("'", *id, "' is listed twice"));
          }
        }
        auto from = r_.Scalar(list[i]["outages_from"], YamlReader::Join(path, "outages_from"));
        if (!from.ok()) return from.status();
        if (*from != "contact" && *from != "incidents") {
          return r_.Error(
              YamlReader::Join(path, "outages_from"),
              absl::StrCat("'", *from,
                           "' is not contact or incidents (one source per "
                           "platform, so that an outage reported both ways counts once)"));
        }
        if (*from == "contact" && !absl::c_linear_search(domain::kContactPlatforms, *id)) {
          return r_.Error(
              YamlReader::Join(path, "id"),
              absl::StrCat("'", *id, "' is no platform contact events name (",
                           ContactPlatformList(), "); outages_from: incidents takes any label"));
        }
        platforms.push_back({.id = *id,
                             .outages_from = *from == "contact"
                                                 ? domain::OutageSource::kContact
                                                 : domain::OutageSource::kIncidents});
      }
      out.bases.platforms = static_cast<int>(platforms.size());
      out.policy.reliability_platforms = std::move(platforms);
    }
    return absl::OkStatus();
  }

  absl::Status Volumes(const YAML::Node& node, MetricsSettings& out) {
    if (!node) return absl::OkStatus();
    if (!node.IsSequence()) return r_.Error("volumes", "must be a list");
    for (size_t i = 0; i < node.size(); ++i) {
      const std::string path = YamlReader::Index("volumes", i);
      if (auto s = r_.CheckMap(node[i], path, {"dimension", "unit", "per_day"}); !s.ok()) return s;
      for (const char* key : {"dimension", "unit", "per_day"}) {
        if (auto s = r_.Require(node[i], path, key); !s.ok()) return s;
      }
      app::VolumeBase v;
      auto dimension = r_.Scalar(node[i]["dimension"], YamlReader::Join(path, "dimension"));
      if (!dimension.ok()) return dimension.status();
      auto d = domain::ParseDimension(*dimension);
      if (!d) return r_.Error(YamlReader::Join(path, "dimension"), "unknown dimension");
      v.dimension = *d;
      auto unit = r_.Scalar(node[i]["unit"], YamlReader::Join(path, "unit"));
      if (!unit.ok()) return unit.status();
      v.unit = *unit;
      auto per_day = r_.Number(node[i]["per_day"], YamlReader::Join(path, "per_day"));
      if (!per_day.ok()) return per_day.status();
      if (!(*per_day > 0)) return r_.Error(YamlReader::Join(path, "per_day"), "must be > 0");
      v.per_day = static_cast<int64_t>(*per_day);
      out.bases.volumes.push_back(std::move(v));
    }
    return absl::OkStatus();
  }

  absl::Status Retention(const YAML::Node& node, MetricsSettings& out) {
    out.retention = adapters::KpiProcessorOptions{}.retention;
    if (!node) return absl::OkStatus();
    if (auto s = r_.CheckMap(node, "retention", {}); !s.ok()) return s;
    for (const std::string& key : YamlReader::Keys(node)) {
      auto size = domain::ParseWindowSize(key);
      if (!size) return r_.Error(YamlReader::Join("retention", key), "not a window size");
      auto keep = r_.Duration(node[key], YamlReader::Join("retention", key));
      if (!keep.ok()) return keep.status();
      out.retention[static_cast<int>(*size)] = *keep;
    }
    return absl::OkStatus();
  }

  // window_dimensions: {<size>: [<dimension>, ...]}; sizes left out keep
  // every dimension.
  absl::Status WindowDimensions(const YAML::Node& node, MetricsSettings& out) {
    if (!node) return absl::OkStatus();
    if (auto s = r_.CheckMap(node, "window_dimensions", {}); !s.ok()) return s;
    for (const std::string& key : YamlReader::Keys(node)) {
      const std::string path = YamlReader::Join("window_dimensions", key);
      auto size = domain::ParseWindowSize(key);
      if (!size) return r_.Error(path, "not a window size");
      const YAML::Node& list = node[key];
      if (!list.IsSequence() || list.size() == 0) {
        return r_.Error(path, "must be a list of at least one dimension");
      }
      std::vector<domain::Dimension> kept;
      for (size_t i = 0; i < list.size(); ++i) {
        auto name = r_.Scalar(list[i], YamlReader::Index(path, i));
        if (!name.ok()) return name.status();
        auto dimension = domain::ParseDimension(*name);
        if (!dimension) {
          return r_.Error(YamlReader::Index(path, i),
                          absl::StrCat("unknown dimension '", *name, "'"));
        }
        kept.push_back(*dimension);
      }
      out.window_dimensions.KeepOnly(*size, kept);
    }
    return absl::OkStatus();
  }

  // A target or surge rule (at `path`) on a window size and dimension the
  // aggregates are kept by.
  absl::Status CheckKept(const MetricsSettings& out, domain::WindowSize size,
                         const std::string& dimension, const std::string& path) {
    const std::optional<domain::Dimension> d = domain::ParseDimension(dimension);
    if (!d || out.window_dimensions.Keeps(size, *d)) return absl::OkStatus();
    const std::string name(domain::WindowSizeName(size));
    return r_.Error(YamlReader::Join(path, "dimension"),
                    absl::StrCat("'", dimension, "' is not kept for ", name,
                                 " windows (window_dimensions.", name, ": ",
                                 out.window_dimensions.KeptNames(size), ")"));
  }

  // A target or surge rule (at `path`) of a KPI on a dimension it is broken
  // down by (domain/kpi_breakdown.h): answer rate by agent means nothing.
  absl::Status CheckBreakdown(const std::string& kpi_name, const std::string& dimension,
                              const std::string& path) {
    const domain::KpiDefinition* kpi = domain::FindKpi(kpi_name);
    const std::optional<domain::Dimension> d = domain::ParseDimension(dimension);
    if (kpi == nullptr || !d) return absl::OkStatus();  // refused where they are read
    const std::string why = domain::WhyNotBrokenDownBy(*kpi, *d);
    return why.empty() ? absl::OkStatus() : r_.Error(YamlReader::Join(path, "dimension"), why);
  }

  absl::Status Targets(const YAML::Node& node, MetricsSettings& out) {
    if (!node) return absl::OkStatus();
    if (!node.IsSequence()) return r_.Error("targets", "must be a list");
    for (size_t i = 0; i < node.size(); ++i) {
      auto target = Target(node[i], YamlReader::Index("targets", i));
      if (!target.ok()) return target.status();
      out.targets.push_back(*std::move(target));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<domain::Target> Target(const YAML::Node& node, const std::string& path) {
    if (auto s = r_.CheckMap(node, path, {"kpi", "dimension", "unit", "window", "threshold",
                                          "min_sample", "hysteresis", "consecutive_misses"});
        !s.ok()) {
      return s;
    }
    for (const char* key : {"kpi", "window", "threshold"}) {
      if (auto s = r_.Require(node, path, key); !s.ok()) return s;
    }
    domain::Target t;
    auto text = [&](const char* key, std::string& into) {
      if (!node[key]) return absl::OkStatus();
      auto v = r_.Scalar(node[key], YamlReader::Join(path, key));
      if (!v.ok()) return v.status();
      into = *v;
      return absl::OkStatus();
    };
    std::string window;
    t.dimension = "total";
    for (absl::Status s : {text("kpi", t.kpi), text("dimension", t.dimension),
                           text("unit", t.unit), text("window", window)}) {
      if (!s.ok()) return s;
    }
    if (domain::FindKpi(t.kpi) == nullptr) {
      return r_.Error(YamlReader::Join(path, "kpi"), absl::StrCat("unknown KPI '", t.kpi, "'"));
    }
    if (!domain::ParseDimension(t.dimension)) {
      return r_.Error(YamlReader::Join(path, "dimension"),
                      absl::StrCat("unknown dimension '", t.dimension, "'"));
    }
    auto size = domain::ParseWindowSize(window);
    if (!size) return r_.Error(YamlReader::Join(path, "window"), "not a window size");
    t.window = *size;
    auto number = [&](const char* key, double lo, double* into) {
      if (!node[key]) return absl::OkStatus();
      auto v = r_.Number(node[key], YamlReader::Join(path, key));
      if (!v.ok()) return v.status();
      if (*v < lo) return r_.Error(YamlReader::Join(path, key), absl::StrCat("must be >= ", lo));
      *into = *v;
      return absl::OkStatus();
    };
    double min_sample = static_cast<double>(t.min_sample);
    double misses = t.consecutive_misses;
    for (absl::Status s : {number("threshold", -1e18, &t.threshold),
                           number("min_sample", 1, &min_sample),
                           number("hysteresis", 0, &t.hysteresis),
                           number("consecutive_misses", 1, &misses)}) {
      if (!s.ok()) return s;
    }
    t.min_sample = static_cast<int64_t>(min_sample);
    t.consecutive_misses = static_cast<int>(misses);
    return t;
  }

  YamlReader r_;
};

}  // namespace

absl::StatusOr<MetricsSettings> LoadSettings(const std::string& path) {
  auto content = runtime::ReadFileToString(path);
  if (!content.ok()) return runtime::ConfigError("config", std::string(content.status().message()));
  MetricsSettings out;
  try {
    const YAML::Node root = YAML::Load(*content);
    if (auto s = Loader(path).Load(root, out); !s.ok()) return s;
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not YAML: ", e.what()));
  }
  return out;
}

adapters::KpiProcessorOptions ProcessorOptions(const MetricsSettings& settings) {
  std::vector<std::string> departments;
  for (const Department& d : settings.departments) departments.push_back(d.id);
  adapters::KpiProcessorOptions options;
  options.zone = settings.zone;
  options.grace = settings.grace;
  options.policy = settings.policy;
  options.bands = settings.bands;
  options.retention = settings.retention;
  options.window_dimensions = settings.window_dimensions;
  options.departments = std::move(departments);
  options.cardinality = settings.cardinality;
  return options;
}

}  // namespace sqms::metrics::config
