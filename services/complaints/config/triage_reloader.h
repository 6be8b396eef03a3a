#pragma once
// Hot reload of the triage config: checks the file (and the holiday files it
// lists) every `interval` and, when their content changed, loads and validates it and swaps it into the
// TriageSource. A file that does not load is refused — logged with the
// file, key and problem, counted — and the rules in force stay. A
// Kubernetes ConfigMap update (an atomic symlink swap) is seen like any
// other change, since the content, not the modification time, is compared.
//
// Threads: one thread of its own between Start() and Stop(); the callbacks
// run on it. CheckNow() may be called from any thread (tests); calls are
// serialised.

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/complaints/app/triage_source.h"
#include "services/complaints/domain/text_classifier.h"
#include "services/complaints/domain/text_normalizer.h"

namespace sqms::complaints::config {

struct TriageReloadObserver {
  std::function<void(const std::string& version)> applied;       // may be empty
  std::function<void(const absl::Status& problem)> rejected;     // may be empty
};

class TriageReloader {
 public:
  // `loaded_version` is the version of the rules `source` holds now (so an
  // unchanged file is not re-applied). `normalizer` and `source` must
  // outlive the reloader.
  // `classifier` may be null (rules only).
  TriageReloader(std::string path, std::string loaded_version,
                 const domain::TextNormalizer& normalizer,
                 const domain::TextClassifier* classifier, app::TriageSource& source,
                 TriageReloadObserver observer);
  ~TriageReloader();  // Stop()

  // Starts the polling thread; interval must be positive.
  void Start(absl::Duration interval);
  void Stop();

  // Checks once: true when a changed, valid config was applied; false when
  // unchanged; the load error (INVALID_ARGUMENT naming file and key, or
  // NOT_FOUND) when refused.
  absl::StatusOr<bool> CheckNow();

 private:
  void Run(absl::Duration interval);

  const std::string path_;
  const domain::TextNormalizer& normalizer_;
  const domain::TextClassifier* classifier_;
  app::TriageSource& source_;
  const TriageReloadObserver observer_;

  absl::Mutex check_mu_;
  std::string version_ ABSL_GUARDED_BY(check_mu_);  // of the rules in force
  std::string refused_ ABSL_GUARDED_BY(check_mu_);  // content hash last refused (log once)

  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread thread_;
};

}  // namespace sqms::complaints::config
