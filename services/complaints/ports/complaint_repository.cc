// The blocking forms of ComplaintRepository's asynchronous operations: the
// asynchronous form plus a wait (runtime::Await), so every store implements
// each operation once.
#include "services/complaints/ports/complaint_repository.h"

#include <utility>

#include "sqms/runtime/await.h"

namespace sqms::complaints::ports {

absl::StatusOr<IdempotencyReservation> ComplaintRepository::Reserve(
    const std::string& scope, const std::string& request_fingerprint,
    const std::string& complaint_id, absl::Duration ttl) {
  return runtime::Await<absl::StatusOr<IdempotencyReservation>>(
      [&](Done<IdempotencyReservation> done) {
        ReserveAsync(scope, request_fingerprint, complaint_id, ttl, std::move(done));
      });
}

absl::StatusOr<CreateResult> ComplaintRepository::Create(const NewComplaint& complaint) {
  return runtime::Await<absl::StatusOr<CreateResult>>(
      [&](Done<CreateResult> done) { CreateAsync(complaint, std::move(done)); });
}

absl::StatusOr<domain::Complaint> ComplaintRepository::Get(const std::string& id,
                                                           bool with_audit) {
  return runtime::Await<absl::StatusOr<domain::Complaint>>(
      [&](Done<domain::Complaint> done) { GetAsync(id, with_audit, std::move(done)); });
}

}  // namespace sqms::complaints::ports
