#pragma once
// The canonical encoding of a command that request fingerprints hash: a
// retry must resend the same command, so a service binds each request id
// to the encoding of the command it first came with and refuses the id
// with any other (complaints: domain/request_fingerprint.h; alerts:
// domain/request_fingerprint.h).
//
// Each field is appended as "<name>=<length>:<bytes>;". Length-prefixed, so
// no two different field lists encode alike ("ab" + "c" vs "a" + "bc").
// The caller chooses the fields and their order; the encoding of one
// command must never change once stored fingerprints depend on it.
// Header-only and pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace sqms::runtime {

class CanonicalFields {
 public:
  CanonicalFields& Add(std::string_view name, std::string_view value) {
    out_.append(name).append("=").append(std::to_string(value.size())).append(":");
    out_.append(value).append(";");
    return *this;
  }
  CanonicalFields& Add(std::string_view name, int64_t value) {
    return Add(name, absl::StrCat(value));
  }
  // An optional number (a bool as 0/1), or "" when absent: absent and 0
  // differ.
  CanonicalFields& AddOptional(std::string_view name, std::optional<int64_t> value) {
    return value.has_value() ? Add(name, *value) : Add(name, std::string_view());
  }
  // A time as Unix nanoseconds, or "" when absent: absent and the epoch
  // differ. Outside what int64 nanoseconds hold (about 1678 to 2261),
  // where absl::ToUnixNanos saturates, as "<seconds>s<nanoseconds>n", so
  // distinct times never encode alike.
  CanonicalFields& AddTime(std::string_view name, std::optional<absl::Time> t) {
    if (!t.has_value()) return Add(name, std::string_view());
    constexpr int64_t kNanosSecondsLimit = 9'000'000'000;  // < 2^63 ns in seconds
    const int64_t seconds = absl::ToUnixSeconds(*t);
    if (seconds > -kNanosSecondsLimit && seconds < kNanosSecondsLimit) {
      return Add(name, absl::StrCat(absl::ToUnixNanos(*t)));
    }
    const int64_t nanos = absl::ToInt64Nanoseconds(*t - absl::FromUnixSeconds(seconds));
    return Add(name, absl::StrCat(seconds, "s", nanos, "n"));
  }
  // The encoding so far; the object is empty afterwards.
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

}  // namespace sqms::runtime
