// ExplainTriage: what triage would decide for a text, and why. Creates
// nothing; the text is never logged or stored.
#include "services/complaints/codec/complaint_codec.h"
#include "services/complaints/codec/triage_codec.h"
#include "services/complaints/rpc/complaint_grpc_service.h"
#include "services/complaints/rpc/request_checks.h"

namespace sqms::complaints::rpc {

grpc::ServerUnaryReactor* ComplaintGrpcService::ExplainTriage(
    grpc::CallbackServerContext* call, const pb::ExplainTriageRequest* request,
    pb::ExplainTriageResponse* response) {
  return RunUnary(support_, call, Method::kExplainTriage,
                  [this, request, response](const runtime::Principal&) {
                    if (absl::Status s = CheckWellFormed(*request); !s.ok()) return s;
                    domain::Submission submission;
                    submission.title = request->title();
                    submission.content = request->content();
                    submission.location = codec::LocationFromProto(request->location());
                    std::string normalized;
                    domain::SlaPolicy policy;
                    absl::StatusOr<domain::Assessment> assessment =
                        app_.ExplainTriage(submission, &normalized, &policy);
                    if (!assessment.ok()) return assessment.status();
                    codec::ToProto(*assessment, policy, normalized, response);
                    return absl::OkStatus();
                  });
}

}  // namespace sqms::complaints::rpc
