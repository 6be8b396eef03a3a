#include "sqms/runtime/auth.h"

#include <fstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "grpcpp/server_context.h"
#include "secret_digest.h"

namespace sqms::runtime {
namespace {

// Debian's Abseil is built without ABSL_USES_STD_STRING_VIEW.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }
std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

constexpr std::pair<Role, std::string_view> kRoleNames[] = {
    {Role::kAgent, "agent"},
    {Role::kSupervisor, "supervisor"},
    {Role::kAdmin, "admin"},
    {Role::kService, "service"},
};

// Parses one non-comment line into `tokens`; the error has no location.
absl::Status ParseLine(std::string_view line, std::map<std::string, Principal>& tokens) {
  std::vector<absl::string_view> parts =
      absl::StrSplit(Sv(line), absl::ByAnyChar(" \t"), absl::SkipEmpty());
  if (parts.size() != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("expected '<token> <subject> <role>', got ", parts.size(), " fields"));
  }
  absl::StatusOr<Role> role = ParseRole(Sv(parts[2]));
  if (!role.ok()) return role.status();
  auto [it, inserted] = tokens.emplace(std::string(parts[0]), Principal{std::string(parts[1]), *role});
  if (!inserted) return absl::InvalidArgumentError("duplicate token");
  return absl::OkStatus();
}

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [r, name] : kRoleNames) {
    if (r == role) return name;
  }
  return "unknown";
}

absl::StatusOr<Role> ParseRole(std::string_view name) {
  for (const auto& [role, role_name] : kRoleNames) {
    if (role_name == name) return role;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown role '", Sv(name), "' (want agent, supervisor, admin or service)"));
}

Roles::Roles(std::initializer_list<Role> roles) {
  for (Role role : roles) bits_ |= 1u << static_cast<int>(role);
}

std::string Roles::Names() const {
  std::vector<std::string> names;
  for (const auto& [role, name] : kRoleNames) {
    if (Contains(role)) names.emplace_back(name);
  }
  return names.empty() ? "no role" : absl::StrJoin(names, " or ");
}

absl::StatusOr<std::unique_ptr<TokenAuthenticator>> TokenAuthenticator::FromFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open tokens file"));
  std::map<std::string, Principal> tokens;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string_view text = Sv(absl::StripAsciiWhitespace(line));
    if (text.empty() || text.front() == '#') continue;
    if (absl::Status s = ParseLine(text, tokens); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ":", number, ": ", s.message()));
    }
  }
  if (tokens.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no tokens"));
  return FromMap(std::move(tokens));
}

std::unique_ptr<TokenAuthenticator> TokenAuthenticator::FromMap(
    std::map<std::string, Principal> tokens) {
  auto auth = std::unique_ptr<TokenAuthenticator>(new TokenAuthenticator());
  for (auto& [token, principal] : tokens) {
    auth->tokens_.emplace(internal::DigestOfSecret(token), std::move(principal));
  }
  return auth;
}

absl::StatusOr<Principal> TokenAuthenticator::Authenticate(
    std::string_view authorization_header) const {
  std::string_view header = Sv(absl::StripAsciiWhitespace(Sv(authorization_header)));
  constexpr std::string_view kBearer = "bearer ";
  if (header.size() <= kBearer.size() ||
      !absl::EqualsIgnoreCase(Sv(header.substr(0, kBearer.size())), Sv(kBearer))) {
    return absl::UnauthenticatedError("missing bearer token");
  }
  std::string_view token = Sv(absl::StripAsciiWhitespace(Sv(header.substr(kBearer.size()))));
  auto it = tokens_.find(internal::DigestOfSecret(token));
  if (it == tokens_.end()) return absl::UnauthenticatedError("unknown bearer token");
  return it->second;
}

absl::StatusOr<Principal> TokenAuthenticator::Authorize(const grpc::CallbackServerContext& context,
                                                        const Roles& allowed) const {
  const auto& metadata = context.client_metadata();
  // gRPC lower-cases metadata keys on the wire.
  auto it = metadata.find("authorization");
  if (it == metadata.end()) return absl::UnauthenticatedError("missing authorization metadata");
  absl::StatusOr<Principal> principal =
      Authenticate(std::string_view(it->second.data(), it->second.size()));
  if (!principal.ok()) return principal.status();
  if (!allowed.Contains(principal->role)) {
    return absl::PermissionDeniedError(absl::StrCat("role '", Sv(RoleName(principal->role)),
                                                    "' may not call this method (needs ",
                                                    allowed.Names(), ")"));
  }
  return principal;
}

}  // namespace sqms::runtime
