#pragma once
// sqms.contact.v1.ContactEventService over the callback API.
// StreamContactEvents: every event is handled on the worker pool
// (app::ContactIntake: validate → complete from the contact's record → mask →
// durable append), up to 32 in flight per stream, and acknowledged in order
// with ContactEventAck{sequence, event_id, status} — status code 0, or the
// error with BadRequest details (runtime::ToRpcStatusProto). A bad event
// never ends the stream.
//
// Threads: the RPC method runs on a gRPC callback thread and never blocks.
// Thread-safe; every dependency must outlive the gRPC server.

#include "services/complaints/app/contact_intake.h"
#include "sqms/contact/v1/service.grpc.pb.h"
#include "sqms/runtime/rpc_call.h"

namespace sqms::complaints::rpc {

class ContactGrpcService final : public ::sqms::contact::v1::ContactEventService::CallbackService {
 public:
  ContactGrpcService(app::ContactIntake& intake, const runtime::TokenAuthenticator& auth,
                     runtime::WorkerPool& pool, runtime::RpcMetrics& metrics);

  grpc::ServerBidiReactor<::sqms::events::v1::ContactEvent, ::sqms::contact::v1::ContactEventAck>*
  StreamContactEvents(grpc::CallbackServerContext* call) override;

  // One event: accepts it and fills `ack`'s event_id; returns the event's
  // status (the stream stamps sequence and status). Pool thread.
  absl::Status Handle(const ::sqms::events::v1::ContactEvent& event,
                      ::sqms::contact::v1::ContactEventAck& ack);

 private:
  app::ContactIntake& intake_;
  const runtime::CallSupport support_;  // refers to pool_ (bound before it is built, used after)
  // Last member: destroyed first, it waits for the pool tasks that use the rest.
  runtime::TrackedPool pool_;
};

}  // namespace sqms::complaints::rpc
