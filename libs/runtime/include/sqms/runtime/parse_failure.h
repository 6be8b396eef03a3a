#pragma once
// Requests that fail to parse (a proto3 string holding invalid UTF-8) never
// reach a handler. For unary calls the runtime answers INVALID_ARGUMENT
// itself (src/parse_error_interceptor.h). A stream reactor sees only a failed
// read — the same as the client half-closing — so it asks here: a field name
// means the read failed on a bad item just now. gRPC may parse on another
// thread than the one that runs the reactor, so the newest failure is noted
// for the whole process, briefly, and each note is used once.

#include <string>

#include "google/protobuf/descriptor.h"

namespace sqms::runtime {

// The field path ("content", "complainant.name") in `request` (the
// stream's request type) of the message that last failed to parse in this
// process, if that was within the last second and the field belongs to
// `request`; it is then forgotten. "" when there is none (or `request` is
// null). Two streams of one request type whose items fail within the same
// moment may swap their notes, and a failure superseded by a newer one
// before its reactor asks is not named (that item is answered naming
// "request" if another item follows, as before).
std::string TakeRequestParseFailure(const google::protobuf::Descriptor* request = nullptr);

}  // namespace sqms::runtime
