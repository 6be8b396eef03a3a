#pragma once
// Structured JSON logs on stderr, one object per line:
//   {"ts":"2026-11-21T10:00:00.123Z","level":"info","service":"complaints",
//    "msg":"...","request_id":"...","trace_id":"...", ...fields}
// Callers must never pass personal data; values are logged as given.

#include <string>
#include <string_view>

#include "nlohmann/json.hpp"

namespace sqms::runtime::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Call once from main before other threads start. INVALID level names are
// rejected by config validation, not here.
void Init(std::string_view service, Level min_level);
bool ParseLevel(std::string_view name, Level* out);

// Writes one line when `level` >= the Init level: ts (UTC, millis), level,
// service, msg, request_id (when a ScopedRequestId is active on this
// thread), trace_id (when a ScopedTraceContext is, trace_context.h),
// then `fields` (an object; a non-object is logged as "fields").
// Invalid UTF-8 is replaced, never thrown on. Thread-safe: one write(2) per
// line, lines never interleave.
void Write(Level level, std::string_view msg, const nlohmann::json& fields = {});
inline void Debug(std::string_view m, const nlohmann::json& f = {}) { Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, const nlohmann::json& f = {}) { Write(Level::kInfo, m, f); }
inline void Warn(std::string_view m, const nlohmann::json& f = {}) { Write(Level::kWarn, m, f); }
inline void Error(std::string_view m, const nlohmann::json& f = {}) { Write(Level::kError, m, f); }

// Sets the request id logged by every line this thread writes while it is in
// scope (restores the previous one after). For work that hops threads (gRPC
// callbacks, Redis replies), open one on each thread or pass "request_id"
// in `fields` explicitly. Refers to `request_id`, which must outlive the
// scope (no copy: scopes open per call and per stream item).
class ScopedRequestId {
 public:
  explicit ScopedRequestId(const std::string& request_id);
  explicit ScopedRequestId(std::string&&) = delete;  // would dangle
  ~ScopedRequestId();
  ScopedRequestId(const ScopedRequestId&) = delete;
  ScopedRequestId& operator=(const ScopedRequestId&) = delete;

 private:
  const std::string* previous_;
};

// This thread's current request id ("" when none).
const std::string& CurrentRequestId();

}  // namespace sqms::runtime::log
