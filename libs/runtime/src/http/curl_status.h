#pragma once
// The one place where libcurl's error codes become absl::Status.

#include <curl/curl.h>

#include <string_view>

#include "absl/status/status.h"

namespace sqms::runtime::curl {

// `detail` is curl's error buffer (CURLOPT_ERRORBUFFER), may be empty.
// Timeout → DEADLINE_EXCEEDED; connect/DNS/reset/TLS → UNAVAILABLE; bad URL or
// scheme → INVALID_ARGUMENT; our write callback refusing an oversized body →
// RESOURCE_EXHAUSTED; anything else → UNKNOWN. Messages start with "http: ".
absl::Status StatusFromCurl(CURLcode code, std::string_view detail);

}  // namespace sqms::runtime::curl
