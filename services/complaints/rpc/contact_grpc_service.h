#pragma once
// sqms.contact.v1.ContactEventService over the callback API.
// StreamContactEvents: every event is handled on the worker pool
// (app::ContactIntake: validate → mask → durable append), up to 32 in flight
// per stream, and acknowledged in order with ContactEventAck{sequence,
// event_id, status} — status code 0, or the error with BadRequest details
// (runtime::ToRpcStatusProto). A bad event never ends the stream.
//
// Threads: the RPC method runs on a gRPC callback thread and never blocks.
// Thread-safe; every dependency must outlive the gRPC server.

#include "services/complaints/app/contact_intake.h"
#include "services/complaints/rpc/call_support.h"
#include "sqms/contact/v1/service.grpc.pb.h"

namespace sqms::complaints::rpc {

class ContactGrpcService final : public ::sqms::contact::v1::ContactEventService::CallbackService {
 public:
  ContactGrpcService(app::ContactIntake& intake, const runtime::TokenAuthenticator& auth,
                     runtime::WorkerPool& pool, runtime::RpcMetrics& metrics);

  grpc::ServerBidiReactor<::sqms::events::v1::ContactEvent, ::sqms::contact::v1::ContactEventAck>*
  StreamContactEvents(grpc::CallbackServerContext* call) override;

  // One event → its acknowledgement (pool thread). Public for tests.
  ::sqms::contact::v1::ContactEventAck Handle(const ::sqms::events::v1::ContactEvent& event,
                                              int64_t sequence);

 private:
  app::ContactIntake& intake_;
  const CallSupport support_;  // refers to pool_ (bound before pool_ is built, used after)
  // Last member: destroyed first, it waits for the pool tasks that use the rest.
  TrackedPool pool_;
};

}  // namespace sqms::complaints::rpc
