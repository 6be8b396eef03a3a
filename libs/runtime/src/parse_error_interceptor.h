#pragma once
// Turns "the request did not parse" into a clear INVALID_ARGUMENT.
//
// protobuf rejects a proto3 string field holding invalid UTF-8 while parsing,
// before any handler runs, and gRPC 1.51's callback API then answers
// UNIMPLEMENTED with an empty message. protobuf does name the field in a log
// message, on the thread that parses, and gRPC sends that status from the
// same thread; so a log handler notes the field in a thread-local and a
// server interceptor rewrites the status to INVALID_ARGUMENT with a
// google.rpc.BadRequest violation for that field, named by its path from the
// method's request message ("content", "complainant.name", "command.note" in
// a request wrapping a LifecycleRequest as `command`, "note" in a bare one).

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

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
ParseErrorInterceptors();

}  // namespace sqms::runtime
