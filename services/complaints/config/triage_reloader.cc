#include "services/complaints/config/triage_reloader.h"

#include <utility>

#include "services/complaints/config/triage_config.h"
#include "services/complaints/config/holiday_files.h"
#include "sqms/runtime/config.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::config {

TriageReloader::TriageReloader(std::string path, std::string loaded_version,
                               const domain::TextNormalizer& normalizer,
                               const domain::TextClassifier* classifier,
                               app::TriageSource& source, TriageReloadObserver observer)
    : path_(std::move(path)),
      normalizer_(normalizer),
      classifier_(classifier),
      source_(source),
      observer_(std::move(observer)),
      version_(std::move(loaded_version)) {}

TriageReloader::~TriageReloader() { Stop(); }

void TriageReloader::Start(absl::Duration interval) {
  thread_ = std::thread([this, interval] { Run(interval); });
}

void TriageReloader::Stop() {
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void TriageReloader::Run(absl::Duration interval) {
  absl::MutexLock lock(&stop_mu_);
  while (!stopping_) {
    // Waits for Stop() or the interval, whichever comes first.
    if (stop_mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval)) break;
    stop_mu_.Unlock();
    (void)CheckNow();  // outcomes are logged and observed inside
    stop_mu_.Lock();
  }
}

absl::StatusOr<bool> TriageReloader::CheckNow() {
  absl::MutexLock lock(&check_mu_);
  absl::StatusOr<std::string> read = runtime::ReadFileToString(path_);
  // The loader's version is a hash of the content and of the holiday files
  // it lists: compare before parsing.
  const std::string content = read.value_or("");
  const std::string version = TriageConfigVersion(content, path_);
  if (read.ok() && version == version_) return false;

  absl::StatusOr<domain::TriageConfig> config =
      read.ok() ? LoadTriageConfigFromString(content, path_)
                : absl::StatusOr<domain::TriageConfig>(
                      absl::NotFoundError(path_ + ": cannot read the file"));
  if (!config.ok()) {
    if (refused_ != version) {  // log a bad file once, not every interval
      refused_ = version;
      runtime::log::Error("triage config refused; the rules in force stay",
                          {{"file", path_},
                           {"problem", std::string(config.status().message())},
                           {"version_in_force", version_}});
      if (observer_.rejected) observer_.rejected(config.status());
    }
    return config.status();
  }
  // In force from now: the version of what was loaded (a holiday file that
  // changed since the check above is then seen by the next check).
  const std::string applied = config->version;
  source_.Replace(
      std::make_shared<const domain::Triage>(*std::move(config), normalizer_, classifier_));
  runtime::log::Info("triage config applied",
                     {{"file", path_}, {"version", applied}, {"previous_version", version_}});
  version_ = applied;
  refused_.clear();
  if (observer_.applied) observer_.applied(applied);
  return true;
}

}  // namespace sqms::complaints::config
