#pragma once
// domain ↔ protobuf, in one place: the API messages (rpc/), the stored
// record and audit entries (adapters/), and the Kafka event payloads.
// Enum values are mapped by value; out-of-range values from the wire are
// kept as-is for validation to reject (they never reach storage).

#include <string>

#include "absl/status/statusor.h"
#include "services/complaints/domain/model.h"
#include "services/complaints/ports/complaint_repository.h"
#include "sqms/complaints/v1/service.pb.h"
#include "sqms/complaints/v1/types.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"

namespace sqms::complaints::codec {

namespace pb = ::sqms::complaints::v1;

// API.
void ToProto(const domain::Complaint& complaint, pb::Complaint* out);  // with audit
// COMPLAINT_VIEW_BASIC (service.proto): the outcome and state, without text,
// personal data or triage evidence, so there is nothing to mask.
void ToBasicProto(const domain::Complaint& complaint, pb::Complaint* out);
domain::Submission FromProto(const pb::SubmitComplaintRequest& request);
domain::Location LocationFromProto(const pb::Location& location);
ports::ListQuery FromProto(const pb::ListComplaintsRequest& request);

// Storage: the complaint without its audit trail (StoredProto; EncodeStored
// serializes it), and one audit entry.
pb::Complaint StoredProto(const domain::Complaint& complaint);
std::string EncodeStored(const domain::Complaint& complaint);
absl::StatusOr<domain::Complaint> DecodeStored(const std::string& bytes);  // DATA_LOSS if corrupt
std::string EncodeAudit(const domain::AuditEntry& entry);
absl::StatusOr<domain::AuditEntry> DecodeAudit(const std::string& bytes);

// Kafka: sqms.events.v1.ComplaintEvent with personal data removed
// (complainant emptied, title/content/note masked, no audit).
std::string EncodeEvent(const domain::Complaint& after, const ports::PendingEvent& event,
                        const std::string& complainant_key);
// The same from `stored`, StoredProto(after), which it takes over: a write
// that stores a complaint and its event builds the complaint's proto once.
std::string EncodeEvent(pb::Complaint stored, const ports::PendingEvent& event,
                        const std::string& complainant_key);
// CloudEvents type, e.g. "sqms.complaints.v1.submitted", "...sla_breached".
std::string CloudEventType(domain::EventType type);

absl::Time FromProto(const google::protobuf::Timestamp& t);
void ToProto(absl::Time t, google::protobuf::Timestamp* out);

}  // namespace sqms::complaints::codec
