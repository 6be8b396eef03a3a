#pragma once
#include <string>
#include <string_view>

namespace sqms::runtime {
// HMAC-SHA256 of `data` under `key`, lower-case hex. Thread-safe.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
// SHA-1 of `data`, lower-case hex (Redis script SHAs).
std::string Sha1Hex(std::string_view data);
}  // namespace sqms::runtime
