#pragma once
// Requests that fail to parse (a proto3 string holding invalid UTF-8) never
// reach a handler. For unary calls the runtime answers INVALID_ARGUMENT
// itself (src/parse_error_interceptor.h). A stream reactor sees only a failed
// read — the same as the client half-closing — so it asks here: a field name
// means the read failed on a bad item just now. gRPC may parse on another
// thread than the one that runs the reactor, so a failure is noted for its
// thread and, briefly, for the process; each note is used once.

#include <string>

#include "google/protobuf/descriptor.h"

namespace sqms::runtime {

// The field path ("content", "complainant.name"), from `request` (the
// stream's request type; null: a best guess), of the message that last
// failed to parse — on this thread within the last second, else in the
// process within the last 250 ms and only if the field belongs to
// `request` — and forgets it; "" when there is none. Two streams of one
// request type whose items fail within the same 250 ms may swap their
// notes; each bad item is still answered once.
std::string TakeRequestParseFailure(const google::protobuf::Descriptor* request = nullptr);

}  // namespace sqms::runtime
