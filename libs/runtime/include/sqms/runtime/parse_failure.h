#pragma once
// Requests that fail to parse (a proto3 string holding invalid UTF-8) never
// reach a handler. For unary calls the runtime answers INVALID_ARGUMENT
// itself (src/parse_error_interceptor.h). A stream reactor sees only a failed
// read — the same as the client half-closing — so it asks here: a field name
// means the read failed on a bad item, on this thread, just now.

#include <string>

#include "google/protobuf/descriptor.h"

namespace sqms::runtime {

// The field path ("content", "complainant.name"), from `request` (the
// stream's request type; null: a best guess), of the message that last
// failed to parse on this thread within the last second, and forgets it; ""
// when there is none.
std::string TakeRequestParseFailure(const google::protobuf::Descriptor* request = nullptr);

}  // namespace sqms::runtime
