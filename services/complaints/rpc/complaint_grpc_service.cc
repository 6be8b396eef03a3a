// Intake, reads and watch of ComplaintGrpcService; the lifecycle commands
// are in complaint_lifecycle_handlers.cc.
#include "services/complaints/rpc/complaint_grpc_service.h"

#include <chrono>
#include <memory>
#include <utility>

#include "services/complaints/codec/complaint_codec.h"
#include "services/complaints/domain/masking.h"
#include "services/complaints/rpc/request_checks.h"
#include "services/complaints/rpc/watch_reactor.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/grpc_status.h"
#include "sqms/runtime/ordered_bidi_reactor.h"

namespace sqms::complaints::rpc {
namespace {

constexpr int kMaxPageSize = 500;
constexpr size_t kMaxPageToken = 512;

}  // namespace

void ComplaintForRole(const domain::Complaint& complaint, runtime::Role role, View view,
                      pb::Complaint* out) {
  if (view == View::kBasic) {
    codec::ToBasicProto(complaint, out);
  } else if (view == View::kDetail && SeesPersonalData(role)) {
    codec::ToProto(complaint, out);
  } else {
    codec::ToProto(domain::MaskForAgent(complaint), out);
  }
  if (view == View::kSummary) out->clear_audit();
}

ComplaintGrpcService::ComplaintGrpcService(app::ComplaintService& app,
                                           adapters::WatchHub& watch_hub,
                                           const runtime::TokenAuthenticator& auth,
                                           runtime::WorkerPool& pool,
                                           runtime::RpcMetrics& metrics, size_t max_outstanding)
    : app_(app),
      watch_hub_(watch_hub),
      support_{auth, pool_, metrics},
      pool_(pool, max_outstanding) {}

void ComplaintGrpcService::SubmitAsync(const pb::SubmitComplaintRequest& request,
                                       const runtime::Principal& principal,
                                       pb::SubmitComplaintResponse* out,
                                       std::function<void(absl::Status)> done) {
  if (absl::Status s = CheckWellFormed(request); !s.ok()) return done(s);
  app_.SubmitAsync(codec::FromProto(request), principal.subject,
                   [out, role = principal.role,
                    view = request.view() == pb::COMPLAINT_VIEW_BASIC ? View::kBasic
                                                                      : View::kSummary,
                    done = std::move(done)](absl::StatusOr<app::SubmitResult> result) {
                     if (!result.ok()) return done(result.status());
                     ComplaintForRole(result->complaint, role, view, out->mutable_complaint());
                     out->set_replayed(result->replayed);
                     done(absl::OkStatus());
                   });
}

grpc::ServerUnaryReactor* ComplaintGrpcService::SubmitComplaint(
    grpc::CallbackServerContext* call, const pb::SubmitComplaintRequest* request,
    pb::SubmitComplaintResponse* response) {
  return runtime::RunUnaryAsync(
      support_, call, Describe(Method::kSubmitComplaint),
      [this, request, response](const runtime::Principal& principal, runtime::UnaryDone done) {
        SubmitAsync(*request, principal, response, std::move(done));
      });
}

grpc::ServerBidiReactor<pb::SubmitComplaintRequest, pb::StreamComplaintsResponse>*
ComplaintGrpcService::StreamComplaints(grpc::CallbackServerContext* call) {
  runtime::OrderedStreamSpec<pb::SubmitComplaintRequest, pb::StreamComplaintsResponse> spec;
  spec.handle_async = [this](const runtime::Principal& principal,
                             pb::SubmitComplaintRequest& request,
                             pb::StreamComplaintsResponse& response,
                             std::function<void(absl::Status)> done) {
    SubmitAsync(request, principal, response.mutable_accepted(), std::move(done));
  };
  spec.answer = [](int64_t sequence, const absl::Status& status,
                   pb::StreamComplaintsResponse& response) {
    response.set_sequence(sequence);
    if (!status.ok()) *response.mutable_error() = runtime::ToRpcStatusProto(status);
  };
  // Validation and triage (~50-80 µs of CPU, nothing that waits on I/O) on
  // the gRPC thread that read the item: one thread hand-off less per item,
  // ~15 % less CPU per complaint in the intake bench than starting on the
  // pool. Admission: the bound on outstanding work (max_outstanding).
  spec.start_on = runtime::OrderedBidiReactor<pb::SubmitComplaintRequest,
                                              pb::StreamComplaintsResponse>::StartOn::kGrpcThread;
  return runtime::OpenOrderedStream(support_, call, Describe(Method::kStreamComplaints),
                                    std::move(spec));
}

grpc::ServerUnaryReactor* ComplaintGrpcService::GetComplaint(
    grpc::CallbackServerContext* call, const pb::GetComplaintRequest* request,
    pb::Complaint* response) {
  return RunUnary(support_, call, Method::kGetComplaint,
                  [this, request, response](const runtime::Principal& principal) {
                    if (absl::Status s = CheckWellFormed(*request); !s.ok()) return s;
                    absl::StatusOr<domain::Complaint> complaint = app_.Get(request->id());
                    if (!complaint.ok()) return complaint.status();
                    ComplaintForRole(*complaint, principal.role, View::kDetail, response);
                    return absl::OkStatus();
                  });
}

namespace {
// The personal queue: filter.assignee "me" is the caller's own subject.
std::string ResolveAssignee(const std::string& assignee, const runtime::Principal& principal) {
  return assignee == "me" ? principal.subject : assignee;
}
}  // namespace

grpc::ServerUnaryReactor* ComplaintGrpcService::ListComplaints(
    grpc::CallbackServerContext* call, const pb::ListComplaintsRequest* request,
    pb::ListComplaintsResponse* response) {
  return RunUnary(support_, call, Method::kListComplaints,
                  [this, request, response](const runtime::Principal& principal) {
                    std::vector<runtime::FieldViolation> violations =
                        runtime::FieldViolations(CheckFilter(request->filter(), "filter."));
                    if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
                      violations.push_back({"page_size", "must be between 1 and 500 (0 = 50)"});
                    }
                    if (request->order_by() != "" && request->order_by() != "received_at" &&
                        request->order_by() != "next_due") {
                      violations.push_back({"order_by", "must be received_at or next_due"});
                    }
                    if (request->page_token().size() > kMaxPageToken) {
                      violations.push_back({"page_token", "not a token from next_page_token"});
                    }
                    if (!violations.empty()) return runtime::InvalidArgument(violations);
                    ports::ListQuery query = codec::FromProto(*request);
                    query.assignee = ResolveAssignee(query.assignee, principal);
                    absl::StatusOr<ports::ListPage> page = app_.List(query);
                    if (!page.ok()) return page.status();
                    for (const domain::Complaint& complaint : page->complaints) {
                      ComplaintForRole(complaint, principal.role, View::kSummary,
                                       response->add_complaints());
                    }
                    response->set_next_page_token(page->next_page_token);
                    return absl::OkStatus();
                  });
}

grpc::ServerWriteReactor<::sqms::events::v1::ComplaintEvent>*
ComplaintGrpcService::WatchComplaints(grpc::CallbackServerContext* call,
                                      const pb::WatchComplaintsRequest* request) {
  const runtime::RpcMethod method = Describe(Method::kWatchComplaints);
  absl::StatusOr<runtime::AdmittedStream> admitted = runtime::AdmitStream(support_, *call, method);
  if (!admitted.ok()) {
    return new runtime::RejectedWriteReactor<::sqms::events::v1::ComplaintEvent>(
        runtime::ToGrpcStatus(admitted.status()));
  }
  absl::Status s = CheckFilter(request->filter(), "filter.");
  if (s.ok() && !request->filter().complainant_phone().empty()) {
    s = runtime::InvalidArgument({{"filter.complainant_phone",
                                   "not supported by WatchComplaints (events carry no phone); "
                                   "use ListComplaints"}});
  }
  if (!s.ok()) {
    runtime::StreamEnded(support_, method, *admitted, grpc::StatusCode::INVALID_ARGUMENT);
    return new runtime::RejectedWriteReactor<::sqms::events::v1::ComplaintEvent>(
        runtime::ToGrpcStatus(s));
  }
  pb::ComplaintFilter filter = request->filter();
  filter.set_assignee(ResolveAssignee(filter.assignee(), admitted->principal));
  return new WatchReactor(*call, watch_hub_, adapters::WatchFilter(std::move(filter)),
                          [this, method, stream = *admitted](const grpc::Status& s) {
                            runtime::StreamEnded(support_, method, stream, s.error_code());
                          });
}

}  // namespace sqms::complaints::rpc
