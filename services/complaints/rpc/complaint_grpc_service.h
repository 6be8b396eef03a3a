#pragma once
// sqms.complaints.v1.ComplaintService over the callback API. Thin: decode →
// authorize (rpc/roles.h) → delegate to app::ComplaintService on the worker
// pool → encode → respond. Errors are mapped only by runtime::ToGrpcStatus /
// ToRpcStatusProto.
//
// Personal data: supervisor and admin get complaints unmasked; agent and
// service get domain::MaskForAgent. Only GetComplaint carries the audit trail.
//
// Threads: the RPC methods run on gRPC callback threads and never block; the
// app calls run on the WorkerPool. Submissions (SubmitComplaint and each
// StreamComplaints item) block no thread: they start on the pool (the CPU
// work: validation, triage) and are answered from the Redis I/O thread's
// completion (runtime::RunUnaryAsync, OrderedStreamSpec::handle_async).
// Thread-safe; every dependency must outlive the gRPC server and every
// pending submission (pool_'s destructor waits for both).

#include <functional>
#include <utility>

#include "services/complaints/adapters/kafka_watch_hub.h"
#include "services/complaints/app/complaint_service.h"
#include "services/complaints/rpc/roles.h"
#include "sqms/complaints/v1/service.grpc.pb.h"
#include "sqms/runtime/rpc_call.h"

namespace sqms::complaints::rpc {

// runtime::RunUnary for one of the service's methods (rpc/roles.h).
inline grpc::ServerUnaryReactor* RunUnary(const runtime::CallSupport& support,
                                          grpc::CallbackServerContext* call, Method method,
                                          runtime::UnaryBody body) {
  return runtime::RunUnary(support, call, Describe(method), std::move(body));
}

namespace pb = ::sqms::complaints::v1;

class ComplaintGrpcService final : public pb::ComplaintService::CallbackService {
 public:
  // `max_outstanding`: calls and stream items admitted and not yet answered
  // (running, queued, or waiting for Redis) beyond which new ones are
  // refused RESOURCE_EXHAUSTED (runtime::TrackedPool).
  ComplaintGrpcService(app::ComplaintService& app, adapters::WatchHub& watch_hub,
                       const runtime::TokenAuthenticator& auth, runtime::WorkerPool& pool,
                       runtime::RpcMetrics& metrics,
                       size_t max_outstanding = runtime::WorkerPool::kUnbounded);

  grpc::ServerUnaryReactor* SubmitComplaint(grpc::CallbackServerContext* call,
                                            const pb::SubmitComplaintRequest* request,
                                            pb::SubmitComplaintResponse* response) override;
  grpc::ServerBidiReactor<pb::SubmitComplaintRequest, pb::StreamComplaintsResponse>*
  StreamComplaints(grpc::CallbackServerContext* call) override;
  grpc::ServerUnaryReactor* GetComplaint(grpc::CallbackServerContext* call,
                                         const pb::GetComplaintRequest* request,
                                         pb::Complaint* response) override;
  // page_size 0 → 50; < 0 or > 500 → INVALID_ARGUMENT field "page_size".
  grpc::ServerUnaryReactor* ListComplaints(grpc::CallbackServerContext* call,
                                           const pb::ListComplaintsRequest* request,
                                           pb::ListComplaintsResponse* response) override;
  grpc::ServerWriteReactor<::sqms::events::v1::ComplaintEvent>* WatchComplaints(
      grpc::CallbackServerContext* call, const pb::WatchComplaintsRequest* request) override;

  // Lifecycle commands (complaint_lifecycle_handlers.cc): actor = token
  // subject (the app stamps the time); payload validated by the domain via the app.
  grpc::ServerUnaryReactor* AssignComplaint(grpc::CallbackServerContext* call,
                                            const pb::AssignComplaintRequest* request,
                                            pb::Complaint* response) override;
  grpc::ServerUnaryReactor* StartHandling(grpc::CallbackServerContext* call,
                                          const pb::LifecycleRequest* request,
                                          pb::Complaint* response) override;
  grpc::ServerUnaryReactor* WaitOnCustomer(grpc::CallbackServerContext* call,
                                           const pb::LifecycleRequest* request,
                                           pb::Complaint* response) override;
  grpc::ServerUnaryReactor* ResumeHandling(grpc::CallbackServerContext* call,
                                           const pb::LifecycleRequest* request,
                                           pb::Complaint* response) override;
  grpc::ServerUnaryReactor* ResolveComplaint(grpc::CallbackServerContext* call,
                                             const pb::ResolveComplaintRequest* request,
                                             pb::Complaint* response) override;
  grpc::ServerUnaryReactor* ReplyToComplainant(grpc::CallbackServerContext* call,
                                               const pb::ReplyRequest* request,
                                               pb::Complaint* response) override;
  grpc::ServerUnaryReactor* RecordFollowUp(grpc::CallbackServerContext* call,
                                           const pb::FollowUpRequest* request,
                                           pb::Complaint* response) override;
  grpc::ServerUnaryReactor* CloseComplaint(grpc::CallbackServerContext* call,
                                           const pb::LifecycleRequest* request,
                                           pb::Complaint* response) override;
  grpc::ServerUnaryReactor* ReopenComplaint(grpc::CallbackServerContext* call,
                                            const pb::LifecycleRequest* request,
                                            pb::Complaint* response) override;
  grpc::ServerUnaryReactor* EscalateComplaint(grpc::CallbackServerContext* call,
                                              const pb::LifecycleRequest* request,
                                              pb::Complaint* response) override;
  grpc::ServerUnaryReactor* AddNote(grpc::CallbackServerContext* call,
                                    const pb::LifecycleRequest* request,
                                    pb::Complaint* response) override;
  grpc::ServerUnaryReactor* ReclassifyComplaint(grpc::CallbackServerContext* call,
                                                const pb::ReclassifyComplaintRequest* request,
                                                pb::Complaint* response) override;
  // What triage would decide for the text, and why (triage_handlers.cc).
  grpc::ServerUnaryReactor* ExplainTriage(grpc::CallbackServerContext* call,
                                          const pb::ExplainTriageRequest* request,
                                          pb::ExplainTriageResponse* response) override;

 private:
  // Runs `command` (payload filled, actor/now not yet) on complaint
  // `common.id` and answers with the complaint after the change. `request`
  // is the whole request (`common` itself or the message wrapping it); it
  // outlives the call and gives violations their path (request_checks.h).
  grpc::ServerUnaryReactor* RunLifecycle(grpc::CallbackServerContext* call, Method method,
                                         const google::protobuf::Message& request,
                                         const pb::LifecycleRequest& common,
                                         domain::Command command, pb::Complaint* response);
  // One submission, for SubmitComplaint and each StreamComplaints item:
  // starts on the calling (pool) thread and calls `done` once, without
  // blocking, from the Redis I/O thread when the store was asked (see
  // app::ComplaintService::SubmitAsync), after filling `out`.
  void SubmitAsync(const pb::SubmitComplaintRequest& request,
                   const runtime::Principal& principal, pb::SubmitComplaintResponse* out,
                   std::function<void(absl::Status)> done);

  app::ComplaintService& app_;
  adapters::WatchHub& watch_hub_;
  const runtime::CallSupport support_;  // refers to pool_ (bound before it is built, used after)
  // Last member: destroyed first, it waits for the pool tasks that use the rest.
  runtime::TrackedPool pool_;
};

// How a complaint is shown. kDetail is GetComplaint's: with the audit trail,
// personal data unmasked for roles that may see it (SeesPersonalData).
// kSummary is every other response: masked for everyone, no audit trail —
// privacy by default, unmasking is a deliberate look at one complaint.
// kBasic is an intake answer's COMPLAINT_VIEW_BASIC: the outcome and state
// only, with nothing to mask.
enum class View { kDetail, kSummary, kBasic };
void ComplaintForRole(const domain::Complaint& complaint, runtime::Role role, View view,
                      pb::Complaint* out);

}  // namespace sqms::complaints::rpc
