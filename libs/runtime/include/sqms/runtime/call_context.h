#pragma once
// The request id (log.h) and the W3C trace context (trace_context.h) of the
// call being worked on, as one value. Both are thread-local "current"
// values; an asynchronous step that continues on another thread (a Redis
// I/O thread's completion) captures them where it starts and makes them
// current again where it continues, so its log lines and the events it
// writes still carry them.

#include <string>
#include <utility>

#include "sqms/runtime/log.h"
#include "sqms/runtime/trace_context.h"

namespace sqms::runtime {

// A copy (no references to the thread it was taken on). Copyable, cheap.
struct CallContext {
  std::string request_id;  // "" = none
  TraceContext trace;      // !valid() = none

  // What is current on the calling thread.
  static CallContext Current() { return {log::CurrentRequestId(), CurrentTraceContext()}; }
};

// Makes `context` current on this thread until the scope ends, then the
// previous values again. Refers to `context`, which must outlive the scope.
class ScopedCallContext {
 public:
  explicit ScopedCallContext(const CallContext& context)
      : request_id_(context.request_id), trace_(context.trace) {}
  explicit ScopedCallContext(CallContext&&) = delete;  // would dangle
  ScopedCallContext(const ScopedCallContext&) = delete;
  ScopedCallContext& operator=(const ScopedCallContext&) = delete;

 private:
  log::ScopedRequestId request_id_;
  ScopedTraceContext trace_;
};

}  // namespace sqms::runtime
