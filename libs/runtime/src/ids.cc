#include "sqms/runtime/ids.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"

namespace sqms::runtime {

namespace {

// 128 bits as a UUID of `version` with the RFC 4122 variant.
std::string FormatUuid(uint64_t hi, uint64_t lo, uint64_t version) {
  hi = (hi & 0xffffffffffff0fffULL) | (version << 12);
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", hi >> 32, (hi >> 16) & 0xffff, hi & 0xffff,
                         lo >> 48, lo & 0xffffffffffffULL);
}

}  // namespace

std::string NewEventId() {
  thread_local absl::BitGen gen;
  return FormatUuid(absl::Uniform<uint64_t>(gen), absl::Uniform<uint64_t>(gen), 4);
}

std::string EventIdFromDigest(std::string_view hex_digest) {
  uint64_t hi = 0, lo = 0;
  // Debian's absl takes absl::string_view, not std::string_view.
  (void)absl::SimpleHexAtoi(absl::string_view(hex_digest.data(), 16), &hi);
  (void)absl::SimpleHexAtoi(absl::string_view(hex_digest.data() + 16, 16), &lo);
  return FormatUuid(hi, lo, 8);
}

}  // namespace sqms::runtime
