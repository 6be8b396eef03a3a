#pragma once
// W3C Trace Context (https://www.w3.org/TR/trace-context/) for requests and
// the events they cause: the client's `traceparent`/`tracestate` gRPC
// metadata when valid, else a fresh trace. While a request is handled its
// context is "current" on the handling thread (ScopedTraceContext), so log
// lines carry its trace_id (log.h) and outbox entries its traceparent
// (relayed as the CloudEvents distributed-tracing extension, ce_traceparent).

#include <optional>
#include <string>
#include <string_view>

namespace grpc { class CallbackServerContext; }

namespace sqms::runtime {

inline constexpr char kTraceparentHeader[] = "traceparent";
inline constexpr char kTracestateHeader[] = "tracestate";

struct TraceContext {
  std::string trace_id;   // 32 lowercase hex digits, not all zero
  std::string span_id;    // 16 lowercase hex digits, not all zero (parent-id)
  std::string flags = "00";  // 2 lowercase hex digits (trace-flags)
  std::string tracestate;    // as received ("" = none); opaque to us

  bool valid() const { return !trace_id.empty(); }
  // "00-<trace_id>-<span_id>-<flags>"; "" when !valid().
  std::string Traceparent() const;
  bool operator==(const TraceContext&) const = default;
};

// Parses a traceparent header value per the spec's rules: version 2 hex
// digits other than "ff"; version 00 is exactly 55 characters; a higher
// version may be longer when the 56th character is '-' (the extra is
// ignored); ids and flags lowercase hex, ids not all zero. nullopt when
// invalid.
std::optional<TraceContext> ParseTraceparent(std::string_view value);

// A new trace: random 16-byte trace id, random 8-byte span id, flags 00.
TraceContext NewTraceContext();

// Our own span in `parent`'s trace: same trace id, flags and tracestate,
// a new random span id.
TraceContext ChildSpan(const TraceContext& parent);

// The context of a call: ChildSpan of the client's traceparent (with its
// tracestate, when at most 512 printable ASCII characters) when valid, else
// NewTraceContext() (any tracestate is then dropped, as the spec says).
// Call on the gRPC thread. Thread-safe.
TraceContext AdoptTraceContext(const grpc::CallbackServerContext& call);

// Makes `context` current on this thread while in scope (restores the
// previous one after). Like log::ScopedRequestId: open one on each thread
// that works for the request; refers to `context`, which must outlive the
// scope (no copy).
class ScopedTraceContext {
 public:
  explicit ScopedTraceContext(const TraceContext& context);
  explicit ScopedTraceContext(TraceContext&&) = delete;  // would dangle
  ~ScopedTraceContext();
  ScopedTraceContext(const ScopedTraceContext&) = delete;
  ScopedTraceContext& operator=(const ScopedTraceContext&) = delete;

 private:
  const TraceContext* previous_;
};

// This thread's current context (!valid() when none).
const TraceContext& CurrentTraceContext();

}  // namespace sqms::runtime
