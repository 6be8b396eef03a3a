#include "services/complaints/rpc/contact_grpc_service.h"

#include <utility>

#include "services/complaints/codec/contact_codec.h"
#include "services/complaints/rpc/request_checks.h"
#include "services/complaints/rpc/roles.h"
#include "sqms/runtime/grpc_status.h"
#include "sqms/runtime/ordered_bidi_reactor.h"

namespace sqms::complaints::rpc {
namespace {

namespace ev = ::sqms::events::v1;
namespace cpb = ::sqms::contact::v1;

}  // namespace

ContactGrpcService::ContactGrpcService(app::ContactIntake& intake,
                                       const runtime::TokenAuthenticator& auth,
                                       runtime::WorkerPool& pool, runtime::RpcMetrics& metrics)
    : intake_(intake), support_{auth, pool_, metrics}, pool_(pool) {}

absl::Status ContactGrpcService::Handle(const ev::ContactEvent& event, cpb::ContactEventAck& ack) {
  if (absl::Status s = CheckWellFormed(event); !s.ok()) {
    ack.set_event_id(event.event_id());
    return s;
  }
  absl::StatusOr<app::ContactAccepted> accepted = intake_.Accept(codec::FromProto(event));
  ack.set_event_id(accepted.ok() ? accepted->event_id : event.event_id());
  return accepted.status();
}

grpc::ServerBidiReactor<ev::ContactEvent, cpb::ContactEventAck>*
ContactGrpcService::StreamContactEvents(grpc::CallbackServerContext* call) {
  runtime::OrderedStreamSpec<ev::ContactEvent, cpb::ContactEventAck> spec;
  spec.handle = [this](const runtime::Principal&, ev::ContactEvent& event,
                       cpb::ContactEventAck& ack) { return Handle(event, ack); };
  spec.answer = [](int64_t sequence, const absl::Status& status, cpb::ContactEventAck& ack) {
    ack.set_sequence(sequence);
    *ack.mutable_status() = runtime::ToRpcStatusProto(status);
  };
  // Events of one contact reach the outbox, and so Kafka, in the order sent.
  spec.ordering_key = [](const ev::ContactEvent& event) { return event.contact_id(); };
  return runtime::OpenOrderedStream(support_, call, Describe(Method::kStreamContactEvents),
                                    std::move(spec));
}

}  // namespace sqms::complaints::rpc
