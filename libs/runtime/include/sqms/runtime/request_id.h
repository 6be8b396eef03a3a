#pragma once
// Request ids for logs: the client's "x-request-id" when it sent a sane one
// (1..64 printable ASCII characters), else a fresh random one. Either way the
// id is echoed back in the response's initial metadata, so a client can quote
// it, and every log line written under log::ScopedRequestId carries it.

#include <string>

namespace grpc { class CallbackServerContext; }

namespace sqms::runtime {

inline constexpr char kRequestIdHeader[] = "x-request-id";

// Call on the gRPC thread before the call sends its initial metadata (i.e.
// before Finish/StartWrite). Thread-safe.
std::string AdoptRequestId(grpc::CallbackServerContext& call);

}  // namespace sqms::runtime
