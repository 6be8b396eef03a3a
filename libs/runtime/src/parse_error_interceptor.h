#pragma once
// Turns "the request did not parse" into a clear INVALID_ARGUMENT.
//
// When a request does not parse — malformed protobuf bytes, or a proto3
// string field holding invalid UTF-8 — gRPC 1.51's callback API answers
// UNIMPLEMENTED with an empty message before any handler runs, exactly as
// for a method without a handler. Every method of the services the runtime
// serves has one, so for a method of the generated descriptor pool that
// answer means "did not parse": a server interceptor rewrites it to
// INVALID_ARGUMENT with a google.rpc.BadRequest violation, and counts the
// call in sqms_rpc_requests_total (which the handlers' runner never saw).
// The violation names the field when protobuf named one: it logs invalid
// UTF-8 on the thread that parses, and gRPC sends the status from the same
// thread, so a log handler notes the field in a thread-local — named by its
// path from the method's request message ("content", "complainant.name",
// "command.note" in a request wrapping a LifecycleRequest as `command`,
// "note" in a bare one). Otherwise it names "request": "does not parse as
// <request type>". A method unknown to the pool keeps gRPC's UNIMPLEMENTED.

#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "grpcpp/support/server_interceptor.h"

namespace sqms::runtime {

// Installs the protobuf log handler (once per process; protobuf's other log
// messages go to the JSON log as warnings).
void InstallProtobufParseErrorCapture();

// The path of field `full_field_name` ("pkg.Message.field") from `request`
// (the method's request type): with request SubmitComplaintRequest,
// "pkg.Complainant.name" → "complainant.name". The first path found, depth
// first; a repeated message on the way is named without an index. With a
// null or unrelated request: "<message in snake_case>.<field>".
std::string ApiFieldPath(const google::protobuf::Descriptor* request,
                         const std::string& full_field_name);

class RpcMetrics;

// `metrics`: where the rewritten calls are counted (null: nowhere).
std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
ParseErrorInterceptors(RpcMetrics* metrics);

}  // namespace sqms::runtime
