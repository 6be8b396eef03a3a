#include "sqms/runtime/http/http_auth.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <array>
#include <string>

#include "../secret_digest.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace sqms::runtime {
namespace {

// Comparing digests makes the comparison independent of the secrets'
// lengths; CRYPTO_memcmp does not stop at the first differing byte.
using Digest = internal::SecretDigest;
Digest Sha256(std::string_view s) { return internal::DigestOfSecret(s); }

// Checks every candidate (no early exit), so the time taken does not tell
// which one matched.
template <typename Range, typename Render>
bool AnyMatches(const Range& candidates, const Digest& presented, Render render) {
  int matches = 0;
  for (const auto& candidate : candidates) {
    const Digest expected = Sha256(render(candidate));
    matches |= CRYPTO_memcmp(expected.data(), presented.data(), presented.size()) == 0;
  }
  return matches != 0;
}

// "<scheme> <credentials>" with a case-insensitive scheme; "" when the
// header uses another scheme.
absl::string_view Credentials(absl::string_view header, absl::string_view scheme) {
  header = absl::StripAsciiWhitespace(header);
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ' ||
      !absl::StartsWithIgnoreCase(header, scheme)) {
    return {};
  }
  return absl::StripAsciiWhitespace(header.substr(scheme.size() + 1));
}

}  // namespace

bool HttpAuth::Allows(std::string_view authorization_header) const {
  if (open()) return true;
  const absl::string_view header(authorization_header.data(), authorization_header.size());
  if (absl::string_view token = Credentials(header, "Bearer"); !token.empty()) {
    return AnyMatches(bearer_tokens, Sha256(std::string_view(token.data(), token.size())),
                      [](const std::string& t) -> std::string_view { return t; });
  }
  if (absl::string_view encoded = Credentials(header, "Basic"); !encoded.empty()) {
    std::string user_password;
    if (!absl::Base64Unescape(encoded, &user_password)) return false;
    return AnyMatches(basic_users, Sha256(user_password),
                      [](const std::pair<std::string, std::string>& u) {
                        return absl::StrCat(u.first, ":", u.second);
                      });
  }
  return false;
}

std::string HttpAuth::Challenge() const {
  std::string challenge;
  if (!bearer_tokens.empty()) absl::StrAppend(&challenge, "Bearer realm=\"", realm, "\"");
  if (!basic_users.empty()) {
    if (!challenge.empty()) challenge += ", ";
    absl::StrAppend(&challenge, "Basic realm=\"", realm, "\", charset=\"UTF-8\"");
  }
  return challenge;
}

}  // namespace sqms::runtime
