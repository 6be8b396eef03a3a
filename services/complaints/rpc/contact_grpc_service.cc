#include "services/complaints/rpc/contact_grpc_service.h"

#include <chrono>
#include <utility>

#include "services/complaints/codec/contact_codec.h"
#include "services/complaints/rpc/ordered_bidi_reactor.h"
#include "sqms/runtime/grpc_status.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/request_id.h"

namespace sqms::complaints::rpc {
namespace {

namespace ev = ::sqms::events::v1;
namespace cpb = ::sqms::contact::v1;

}  // namespace

ContactGrpcService::ContactGrpcService(app::ContactIntake& intake,
                                       const runtime::TokenAuthenticator& auth,
                                       runtime::WorkerPool& pool, runtime::RpcMetrics& metrics)
    : intake_(intake), support_{auth, pool_, metrics}, pool_(pool) {}

cpb::ContactEventAck ContactGrpcService::Handle(const ev::ContactEvent& event, int64_t sequence) {
  const auto start = std::chrono::steady_clock::now();
  cpb::ContactEventAck ack;
  ack.set_sequence(sequence);
  absl::StatusOr<app::ContactAccepted> accepted = intake_.Accept(codec::FromProto(event));
  absl::Status status = accepted.status();
  if (accepted.ok()) {
    ack.set_event_id(accepted->event_id);
  } else {
    ack.set_event_id(event.event_id());
  }
  *ack.mutable_status() = runtime::ToRpcStatusProto(status);
  support_.Observe(Method::kStreamContactEvents, ".item", static_cast<int>(status.code()), start);
  return ack;
}

grpc::ServerBidiReactor<ev::ContactEvent, cpb::ContactEventAck>*
ContactGrpcService::StreamContactEvents(grpc::CallbackServerContext* call) {
  const Method method = Method::kStreamContactEvents;
  std::string request_id = runtime::AdoptRequestId(*call);
  absl::StatusOr<runtime::Principal> principal = AuthorizeStream(support_, *call, method);
  if (!principal.ok()) {
    return new RejectedBidiReactor<ev::ContactEvent, cpb::ContactEventAck>(
        runtime::ToGrpcStatus(principal.status()));
  }
  const auto start = std::chrono::steady_clock::now();
  auto handle = [this, request_id = std::move(request_id)](ev::ContactEvent& event,
                                                            int64_t sequence) {
    runtime::log::ScopedRequestId scoped(request_id);
    return Handle(event, sequence);
  };
  auto finished = [this, start](const grpc::Status& status) {
    support_.Observe(Method::kStreamContactEvents, "", status.error_code(), start);
  };
  // Events of one contact reach the outbox, and so Kafka, in the order sent.
  auto by_contact = [](const ev::ContactEvent& event) { return event.contact_id(); };
  using Reactor = OrderedBidiReactor<ev::ContactEvent, cpb::ContactEventAck>;
  auto bad_item = [](int64_t sequence, const absl::Status& status) {
    cpb::ContactEventAck ack;
    ack.set_sequence(sequence);
    *ack.mutable_status() = runtime::ToRpcStatusProto(status);
    return ack;
  };
  return new Reactor(support_.pool, std::move(handle), std::move(finished), std::move(bad_item),
                     Reactor::kDefaultMaxInFlight, std::move(by_contact));
}

}  // namespace sqms::complaints::rpc
