#pragma once
// Structured JSON logs on stderr, one object per line:
//   {"ts":"2026-11-21T10:00:00.123Z","level":"info","service":"complaints",
//    "msg":"...","request_id":"...", ...fields}
// Callers must never pass personal data; values are logged as given.

#include <string_view>

#include "nlohmann/json.hpp"

namespace sqms::runtime::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Call once from main before other threads start. INVALID level names are
// rejected by config validation, not here.
void Init(std::string_view service, Level min_level);
bool ParseLevel(std::string_view name, Level* out);

void Write(Level level, std::string_view msg, const nlohmann::json& fields = {});
inline void Debug(std::string_view m, const nlohmann::json& f = {}) { Write(Level::kDebug, m, f); }
inline void Info(std::string_view m, const nlohmann::json& f = {}) { Write(Level::kInfo, m, f); }
inline void Warn(std::string_view m, const nlohmann::json& f = {}) { Write(Level::kWarn, m, f); }
inline void Error(std::string_view m, const nlohmann::json& f = {}) { Write(Level::kError, m, f); }

}  // namespace sqms::runtime::log
