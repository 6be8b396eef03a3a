#include "sqms/runtime/log.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sqms/runtime/trace_context.h"

namespace sqms::runtime::log {
namespace {

std::atomic<Level> min_level{Level::kInfo};
std::string* service_name = new std::string("sqms");  // set by Init before threads
absl::Mutex write_mu;
const std::string kNoRequestId;
thread_local const std::string* current_request_id = &kNoRequestId;

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

void WriteAll(const std::string& line) {
  absl::MutexLock lock(&write_mu);
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere left to report it
    done += static_cast<size_t>(n);
  }
}

}  // namespace

void Init(std::string_view service, Level level) {
  *service_name = std::string(service);
  min_level.store(level, std::memory_order_relaxed);
}

bool ParseLevel(std::string_view name, Level* out) {
  for (Level level : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (name == LevelName(level)) {
      *out = level;
      return true;
    }
  }
  return false;
}

void Write(Level level, std::string_view msg, const nlohmann::json& fields) {
  if (level < min_level.load(std::memory_order_relaxed)) return;
  // Ordered so every line starts ts, level, service, msg: easy to scan.
  nlohmann::ordered_json line = {
      {"ts", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone())},
      {"level", LevelName(level)},
      {"service", *service_name},
      {"msg", msg},
  };
  if (!current_request_id->empty()) line["request_id"] = *current_request_id;
  if (const TraceContext& trace = CurrentTraceContext(); trace.valid()) {
    line["trace_id"] = trace.trace_id;
  }
  if (fields.is_object()) {
    for (const auto& [key, value] : fields.items()) line[key] = value;
  } else if (!fields.is_null()) {
    line["fields"] = fields;
  }
  std::string text =
      line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  text.push_back('\n');
  WriteAll(text);
}

ScopedRequestId::ScopedRequestId(const std::string& request_id)
    : previous_(std::exchange(current_request_id, &request_id)) {}

ScopedRequestId::~ScopedRequestId() { current_request_id = previous_; }

const std::string& CurrentRequestId() { return *current_request_id; }

}  // namespace sqms::runtime::log
