#include "sqms/runtime/trace_context.h"

#include <cstdint>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "grpcpp/server_context.h"

namespace sqms::runtime {
namespace {

constexpr size_t kVersion00Size = 55;  // 2 + 1 + 32 + 1 + 16 + 1 + 2
constexpr size_t kMaxTracestate = 512;

const TraceContext kNoTrace;
thread_local const TraceContext* current = &kNoTrace;

bool LowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// tracestate is a list of key=value members of printable ASCII.
bool Printable(std::string_view s) {
  for (char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

bool AllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

std::string RandomHex(int bytes) {
  thread_local absl::BitGen gen;
  std::string out;
  do {
    out.clear();
    for (int i = 0; i < bytes; i += 8) {
      absl::StrAppend(&out, absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen)));
    }
    out.resize(static_cast<size_t>(bytes) * 2);
  } while (AllZero(out));  // all-zero ids are invalid
  return out;
}

std::string Metadata(const grpc::CallbackServerContext& call, const char* name) {
  const auto& metadata = call.client_metadata();
  auto it = metadata.find(name);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

std::string TraceContext::Traceparent() const {
  if (!valid()) return "";
  return absl::StrCat("00-", trace_id, "-", span_id, "-", flags);
}

std::optional<TraceContext> ParseTraceparent(std::string_view value) {
  if (value.size() < kVersion00Size) return std::nullopt;
  std::string_view version = value.substr(0, 2);
  if (!LowerHex(version) || version == "ff") return std::nullopt;
  if (version == "00" ? value.size() != kVersion00Size
                      : value.size() > kVersion00Size && value[kVersion00Size] != '-') {
    return std::nullopt;
  }
  if (value[2] != '-' || value[35] != '-' || value[52] != '-') return std::nullopt;
  TraceContext context;
  context.trace_id = std::string(value.substr(3, 32));
  context.span_id = std::string(value.substr(36, 16));
  context.flags = std::string(value.substr(53, 2));
  if (!LowerHex(context.trace_id) || !LowerHex(context.span_id) || !LowerHex(context.flags) ||
      AllZero(context.trace_id) || AllZero(context.span_id)) {
    return std::nullopt;
  }
  return context;
}

TraceContext NewTraceContext() {
  TraceContext context;
  context.trace_id = RandomHex(16);
  context.span_id = RandomHex(8);
  return context;
}

TraceContext ChildSpan(const TraceContext& parent) {
  TraceContext child = parent;
  child.span_id = RandomHex(8);
  return child;
}

TraceContext AdoptTraceContext(const grpc::CallbackServerContext& call) {
  std::optional<TraceContext> parent = ParseTraceparent(Metadata(call, kTraceparentHeader));
  if (!parent.has_value()) return NewTraceContext();
  std::string state = Metadata(call, kTracestateHeader);
  if (state.size() <= kMaxTracestate && Printable(state)) parent->tracestate = std::move(state);
  return ChildSpan(*parent);
}

ScopedTraceContext::ScopedTraceContext(const TraceContext& context)
    : previous_(std::exchange(current, &context)) {}

ScopedTraceContext::~ScopedTraceContext() { current = previous_; }

const TraceContext& CurrentTraceContext() { return *current; }

}  // namespace sqms::runtime
