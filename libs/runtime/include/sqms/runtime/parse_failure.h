#pragma once
// Requests that fail to parse (a proto3 string holding invalid UTF-8) never
// reach a handler. For unary calls the runtime answers INVALID_ARGUMENT
// itself (src/parse_error_interceptor.h). A stream reactor sees only a failed
// read — the same as the client half-closing — so it asks here: a field name
// means the read failed on a bad item, on this thread, just now.

#include <string>

namespace sqms::runtime {

// The API field path ("content", "complainant.name") of the message that last
// failed to parse on this thread within the last second, and forgets it; ""
// when there is none.
std::string TakeRequestParseFailure();

}  // namespace sqms::runtime
