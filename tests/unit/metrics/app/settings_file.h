#pragma once
// metrics.yaml text → config::LoadSettings, for the config tests. The file
// is per process and per test file: CTest runs each test in a process of
// its own, in parallel.

#include <gtest/gtest.h>

#include <unistd.h>

#include <fstream>
#include <string>

#include "services/metrics/config/metrics_config.h"

namespace sqms::metrics::testing {

inline std::string SettingsPath(const std::string& name) {
  return ::testing::TempDir() + "/" + name + "-" + std::to_string(getpid()) + ".yaml";
}

// Writes `yaml` to SettingsPath(name) and loads it.
inline absl::StatusOr<config::MetricsSettings> LoadSettingsText(const std::string& yaml,
                                                                const std::string& name) {
  const std::string path = SettingsPath(name);
  std::ofstream(path) << yaml;
  return config::LoadSettings(path);
}

// The error LoadSettingsText gives, or "ok".
inline std::string SettingsError(const std::string& yaml, const std::string& name) {
  auto settings = LoadSettingsText(yaml, name);
  return settings.ok() ? "ok" : std::string(settings.status().message());
}

}  // namespace sqms::metrics::testing
