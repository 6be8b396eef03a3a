#pragma once
// Turns "the request did not parse" into a clear INVALID_ARGUMENT.
//
// protobuf rejects a proto3 string field holding invalid UTF-8 while parsing,
// before any handler runs, and gRPC 1.51's callback API then answers
// UNIMPLEMENTED with an empty message. protobuf does name the field in a log
// message, on the thread that parses, and gRPC sends that status from the
// same thread; so a log handler notes the field in a thread-local and a
// server interceptor rewrites the status to INVALID_ARGUMENT with a
// google.rpc.BadRequest violation for that field ("content",
// "complainant.name", "command.note").

#include <memory>
#include <string>
#include <vector>

#include "grpcpp/support/server_interceptor.h"

namespace sqms::runtime {

// Installs the protobuf log handler (once per process; protobuf's other log
// messages go to the JSON log as warnings).
void InstallProtobufParseErrorCapture();

// "sqms.complaints.v1.SubmitComplaintRequest.content" → "content";
// "sqms.complaints.v1.Complainant.name" → "complainant.name";
// "sqms.complaints.v1.LifecycleRequest.note" → "command.note".
std::string ApiFieldPath(const std::string& full_field_name);

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
ParseErrorInterceptors();

}  // namespace sqms::runtime
