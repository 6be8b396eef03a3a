// Intake, reads and watch of ComplaintGrpcService; the lifecycle commands
// are in complaint_lifecycle_handlers.cc.
#include "services/complaints/rpc/complaint_grpc_service.h"

#include <chrono>
#include <memory>
#include <utility>

#include "services/complaints/codec/complaint_codec.h"
#include "services/complaints/domain/masking.h"
#include "services/complaints/rpc/ordered_bidi_reactor.h"
#include "services/complaints/rpc/watch_reactor.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/grpc_status.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/request_id.h"

namespace sqms::complaints::rpc {
namespace {

constexpr int kMaxPageSize = 500;

using StreamReactor = OrderedBidiReactor<pb::SubmitComplaintRequest, pb::StreamComplaintsResponse>;

}  // namespace

void ComplaintForRole(const domain::Complaint& complaint, runtime::Role role, View view,
                      pb::Complaint* out) {
  if (view == View::kDetail && SeesPersonalData(role)) {
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
                                           runtime::RpcMetrics& metrics)
    : app_(app), watch_hub_(watch_hub), support_{auth, pool_, metrics}, pool_(pool) {}

absl::Status ComplaintGrpcService::Submit(const pb::SubmitComplaintRequest& request,
                                          const runtime::Principal& principal,
                                          pb::SubmitComplaintResponse* out) {
  absl::StatusOr<app::SubmitResult> result =
      app_.Submit(codec::FromProto(request), principal.subject);
  if (!result.ok()) return result.status();
  ComplaintForRole(result->complaint, principal.role, View::kSummary,
                   out->mutable_complaint());
  out->set_replayed(result->replayed);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* ComplaintGrpcService::SubmitComplaint(
    grpc::CallbackServerContext* call, const pb::SubmitComplaintRequest* request,
    pb::SubmitComplaintResponse* response) {
  return RunUnary(support_, call, Method::kSubmitComplaint,
                  [this, request, response](const runtime::Principal& principal) {
                    return Submit(*request, principal, response);
                  });
}

grpc::ServerBidiReactor<pb::SubmitComplaintRequest, pb::StreamComplaintsResponse>*
ComplaintGrpcService::StreamComplaints(grpc::CallbackServerContext* call) {
  const Method method = Method::kStreamComplaints;
  std::string request_id = runtime::AdoptRequestId(*call);
  absl::StatusOr<runtime::Principal> principal = AuthorizeStream(support_, *call, method);
  if (!principal.ok()) {
    return new RejectedBidiReactor<pb::SubmitComplaintRequest, pb::StreamComplaintsResponse>(
        runtime::ToGrpcStatus(principal.status()));
  }
  const auto start = std::chrono::steady_clock::now();
  auto handle = [this, principal = *principal, request_id = std::move(request_id)](
                    pb::SubmitComplaintRequest& request, int64_t sequence) {
    runtime::log::ScopedRequestId scoped(request_id);
    const auto item_start = std::chrono::steady_clock::now();
    pb::StreamComplaintsResponse response;
    response.set_sequence(sequence);
    const absl::Status status = Submit(request, principal, response.mutable_accepted());
    if (!status.ok()) *response.mutable_error() = runtime::ToRpcStatusProto(status);
    LogServerError(Method::kStreamComplaints, status);
    support_.Observe(Method::kStreamComplaints, ".item", static_cast<int>(status.code()),
                     item_start);
    return response;
  };
  auto finished = [this, start](const grpc::Status& status) {
    support_.Observe(Method::kStreamComplaints, "", status.error_code(), start);
  };
  auto bad_item = [](int64_t sequence, const absl::Status& status) {
    pb::StreamComplaintsResponse response;
    response.set_sequence(sequence);
    *response.mutable_error() = runtime::ToRpcStatusProto(status);
    return response;
  };
  return new StreamReactor(support_.pool, std::move(handle), std::move(finished),
                           std::move(bad_item));
}

grpc::ServerUnaryReactor* ComplaintGrpcService::GetComplaint(
    grpc::CallbackServerContext* call, const pb::GetComplaintRequest* request,
    pb::Complaint* response) {
  return RunUnary(support_, call, Method::kGetComplaint,
                  [this, request, response](const runtime::Principal& principal) {
                    absl::StatusOr<domain::Complaint> complaint = app_.Get(request->id());
                    if (!complaint.ok()) return complaint.status();
                    ComplaintForRole(*complaint, principal.role, View::kDetail, response);
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* ComplaintGrpcService::ListComplaints(
    grpc::CallbackServerContext* call, const pb::ListComplaintsRequest* request,
    pb::ListComplaintsResponse* response) {
  return RunUnary(support_, call, Method::kListComplaints,
                  [this, request, response](const runtime::Principal& principal) {
                    if (request->page_size() < 0 || request->page_size() > kMaxPageSize) {
                      return runtime::InvalidArgument(
                          {{"page_size", "must be between 1 and 500 (0 = 50)"}});
                    }
                    absl::StatusOr<ports::ListPage> page = app_.List(codec::FromProto(*request));
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
  absl::StatusOr<runtime::Principal> principal =
      AuthorizeStream(support_, *call, Method::kWatchComplaints);
  if (!principal.ok()) {
    // A write reactor that ends at once.
    class Rejected final : public grpc::ServerWriteReactor<::sqms::events::v1::ComplaintEvent> {
     public:
      explicit Rejected(const grpc::Status& status) { Finish(status); }
      void OnDone() override { delete this; }
    };
    return new Rejected(runtime::ToGrpcStatus(principal.status()));
  }
  const auto start = std::chrono::steady_clock::now();
  return new WatchReactor(watch_hub_, request->filter(), [this, start](const grpc::Status& s) {
    support_.Observe(Method::kWatchComplaints, "", s.error_code(), start);
  });
}

}  // namespace sqms::complaints::rpc
