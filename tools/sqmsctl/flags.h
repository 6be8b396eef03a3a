// CLI11 glue for SQMS types: enum validators and the complaint filter flags
// shared by `list` and `watch`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "sqms/complaints/v1/service.pb.h"
#include "tools/sqmsctl/enum_names.h"

namespace sqms::tools {

// Accepts exactly the names ParseEnum<E> accepts; the error lists them.
template <typename E>
CLI::Validator EnumValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        auto parsed = ParseEnum<E>(value);
        return parsed.ok() ? std::string() : std::string(parsed.status().message());
      },
      "ENUM");
}

// Accepts RFC 3339 timestamps ("2024-05-01T08:00:00Z").
CLI::Validator TimestampValidator();

// The flag values behind a ComplaintFilter; ToProto after parsing (the
// validators have already checked every value).
struct FilterFlags {
  std::vector<std::string> statuses;
  std::vector<std::string> categories;
  std::vector<std::string> priorities;
  std::string department;
  std::string channel;
  std::string region;
  std::string station;
  std::string created_after;
  std::string created_before;
  bool sla_breached = false;
  bool sla_at_risk = false;
  bool escalated = false;
  std::string assignee;  // "me": the token's subject (resolved by the server)
  std::string phone;     // a caller's history (list only)
  std::string incident;  // complaints linked to this incident (known issue)

  void Register(CLI::App& command);
  complaints::v1::ComplaintFilter ToProto() const;
};

// Parses a validated enum flag value; UNSPECIFIED when empty.
template <typename E>
E EnumOrUnspecified(const std::string& value) {
  if (value.empty()) return static_cast<E>(0);
  absl::StatusOr<E> parsed = ParseEnum<E>(value);
  return parsed.ok() ? *parsed : static_cast<E>(0);
}

}  // namespace sqms::tools
