#pragma once
// Credentials an HttpServer route accepts: bearer tokens and/or HTTP basic
// user:password pairs. Checked in constant time (no early exit on the first
// differing byte, the same work whichever credential matches).

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sqms::runtime {

struct HttpAuth {
  std::vector<std::string> bearer_tokens;                       // "Authorization: Bearer <t>"
  std::vector<std::pair<std::string, std::string>> basic_users;  // user, password
  std::string realm = "sqms";                                    // in WWW-Authenticate

  // No credentials configured: every request passes.
  bool open() const { return bearer_tokens.empty() && basic_users.empty(); }

  // True when `authorization_header` (the raw header value, "" when absent)
  // carries one of the configured credentials, or when open(). Thread-safe.
  bool Allows(std::string_view authorization_header) const;

  // The WWW-Authenticate value of a 401: one challenge per scheme in use.
  std::string Challenge() const;
};

}  // namespace sqms::runtime
