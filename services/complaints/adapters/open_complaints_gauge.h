#pragma once
// sqms_complaints_open{status,priority}: complaints not yet closed, from the
// store's running counts (ComplaintRepository::CountByStatusAndPriority),
// read at each scrape. Every (status, priority) pair is present, at 0 when
// none, from start-up. When the store cannot answer, the last answer is
// shown again (a scrape never fails for it), and the failure is logged.
//
// The counts are the store's, not this replica's: every replica reports the
// same figures, so aggregate with max, not sum (the dashboard does).

#include <mutex>

#include "services/complaints/ports/complaint_repository.h"
#include "sqms/runtime/metrics.h"

namespace sqms::complaints::adapters {

class OpenComplaintsGauge {
 public:
  // `repository` must outlive the gauge.
  explicit OpenComplaintsGauge(ports::ComplaintRepository& repository);

  // For MetricsServer::AddComputedGauge. Thread-safe.
  runtime::MetricsServer::GaugeSeries Read();

  // The series for `counts`: every open status × priority, 0 when absent.
  static runtime::MetricsServer::GaugeSeries Series(const ports::StatusCounts& counts);

 private:
  ports::ComplaintRepository& repository_;
  std::mutex mu_;
  ports::StatusCounts last_;  // guarded by mu_
};

}  // namespace sqms::complaints::adapters
