#pragma once
// Bearer-token authentication with roles. Tokens come from a file, one per
// line: `<token> <subject> <role>` (blank lines and # comments ignored).

#include <array>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace grpc { class CallbackServerContext; }

namespace sqms::runtime {

enum class Role { kAgent, kSupervisor, kAdmin, kService };
std::string_view RoleName(Role role);
absl::StatusOr<Role> ParseRole(std::string_view name);

struct Principal {
  std::string subject;
  Role role = Role::kAgent;
};

// A bit set of roles, e.g. Roles{Role::kSupervisor, Role::kAdmin}.
class Roles {
 public:
  Roles(std::initializer_list<Role> roles);
  bool Contains(Role role) const { return (bits_ >> static_cast<int>(role)) & 1u; }
  // The members' names for a message, in the enum's order: "supervisor or
  // admin"; "no role" when empty.
  std::string Names() const;

 private:
  unsigned bits_ = 0;
};

class TokenAuthenticator {
 public:
  // Errors name the file and line: "tokens.txt:3: unknown role 'boss'".
  static absl::StatusOr<std::unique_ptr<TokenAuthenticator>> FromFile(const std::string& path);
  static std::unique_ptr<TokenAuthenticator> FromMap(std::map<std::string, Principal> tokens);

  // Reads "authorization: Bearer <token>". UNAUTHENTICATED when missing or
  // unknown; PERMISSION_DENIED when the principal's role is not in `allowed`.
  // Thread-safe (immutable after construction).
  absl::StatusOr<Principal> Authorize(const grpc::CallbackServerContext& context,
                                      const Roles& allowed) const;
  absl::StatusOr<Principal> Authenticate(std::string_view authorization_header) const;

 private:
  // By the SHA-256 of each token: a lookup compares digests, so its time
  // tells nothing about how much of a guessed token was right.
  std::map<std::array<unsigned char, 32>, Principal> tokens_;
};

}  // namespace sqms::runtime
