#include "tools/sqmsctl/enum_names.h"

#include <google/protobuf/generated_enum_reflection.h>

#include <algorithm>
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"

namespace sqms::tools {

namespace {

namespace av1 = ::sqms::alerts::v1;
namespace cv1 = ::sqms::complaints::v1;
namespace ev1 = ::sqms::events::v1;
namespace mv1 = ::sqms::metrics::v1;
using google::protobuf::EnumDescriptor;

struct Alias {
  std::string_view enum_name;  // full proto name of the enum
  std::string_view alias;      // normalized (lower case, '_')
  int value;
};

// Words operators use that differ from the proto names.
constexpr Alias kAliases[] = {
    {"sqms.complaints.v1.Channel", "phone", cv1::CHANNEL_HOTLINE},
    {"sqms.complaints.v1.Category", "quality", cv1::CATEGORY_SERVICE_QUALITY},
    {"sqms.complaints.v1.Category", "attitude", cv1::CATEGORY_SERVICE_ATTITUDE},
    {"sqms.complaints.v1.Category", "facility", cv1::CATEGORY_FACILITIES},
    {"sqms.complaints.v1.Category", "equipment", cv1::CATEGORY_FACILITIES},
    {"sqms.complaints.v1.Category", "delay", cv1::CATEGORY_TIMELINESS},
    {"sqms.complaints.v1.Category", "ticket", cv1::CATEGORY_TICKETING},
    {"sqms.complaints.v1.Category", "food", cv1::CATEGORY_CATERING},
    {"sqms.complaints.v1.Category", "baggage", cv1::CATEGORY_LUGGAGE},
    {"sqms.complaints.v1.Category", "network", cv1::CATEGORY_NETWORK_FAULT},
    {"sqms.complaints.v1.Level", "med", cv1::LEVEL_MEDIUM},
    {"sqms.complaints.v1.Status", "new", cv1::STATUS_RECEIVED},
    {"sqms.complaints.v1.Status", "waiting", cv1::STATUS_WAITING_CUSTOMER},
    {"sqms.complaints.v1.Status", "followed", cv1::STATUS_FOLLOWED_UP},
};

std::string Normalize(std::string_view name) {
  std::string out = absl::AsciiStrToLower(std::string(name));
  std::replace(out.begin(), out.end(), '-', '_');
  return out;
}

// "CHANNEL_" from "CHANNEL_UNSPECIFIED": every SQMS enum follows that rule.
std::string_view Prefix(const EnumDescriptor& descriptor) {
  std::string_view zero = descriptor.FindValueByNumber(0)->name();
  return zero.substr(0, zero.size() - std::string_view("UNSPECIFIED").size());
}

std::string ShortName(const EnumDescriptor& descriptor, int value) {
  const auto* value_descriptor = descriptor.FindValueByNumber(value);
  if (value_descriptor == nullptr) return std::to_string(value);
  if (value == 0) return "-";
  std::string_view full = value_descriptor->name();
  return absl::AsciiStrToLower(std::string(full.substr(Prefix(descriptor).size())));
}

std::vector<std::string> ShortNames(const EnumDescriptor& descriptor) {
  std::vector<std::string> names;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    int number = descriptor.value(i)->number();
    if (number != 0) names.push_back(ShortName(descriptor, number));
  }
  return names;
}

absl::StatusOr<int> Parse(const EnumDescriptor& descriptor, std::string_view name) {
  std::string wanted = Normalize(name);
  for (const Alias& alias : kAliases) {
    if (alias.enum_name == descriptor.full_name() && alias.alias == wanted) return alias.value;
  }
  std::string prefix = Normalize(Prefix(descriptor));
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const auto* value = descriptor.value(i);
    if (value->number() == 0) continue;
    std::string full = Normalize(value->name());
    if (full == wanted || full.substr(prefix.size()) == wanted) return value->number();
  }
  return absl::InvalidArgumentError("unknown " + Normalize(descriptor.name()) + " \"" +
                                    std::string(name) +
                                    "\"; one of: " + absl::StrJoin(ShortNames(descriptor), ", "));
}

}  // namespace

absl::StatusOr<int> ParseEnumValue(const EnumDescriptor& descriptor, std::string_view name) {
  const auto* zero = descriptor.FindValueByNumber(0);
  if (zero == nullptr || !absl::EndsWith(zero->name(), "UNSPECIFIED")) {
    const auto* value = descriptor.FindValueByName(std::string(name));
    if (value != nullptr) return value->number();
    return absl::InvalidArgumentError("unknown " + std::string(descriptor.name()) + " \"" +
                                      std::string(name) + "\"");
  }
  return Parse(descriptor, name);
}

template <typename E>
absl::StatusOr<E> ParseEnum(std::string_view name) {
  absl::StatusOr<int> value = Parse(*google::protobuf::GetEnumDescriptor<E>(), name);
  if (!value.ok()) return value.status();
  return static_cast<E>(*value);
}

template <typename E>
std::string EnumShortName(E value) {
  return ShortName(*google::protobuf::GetEnumDescriptor<E>(), static_cast<int>(value));
}

template <typename E>
std::vector<std::string> EnumShortNames() {
  return ShortNames(*google::protobuf::GetEnumDescriptor<E>());
}

#define SQMS_INSTANTIATE_ENUM_NAMES(E)                            \
  template absl::StatusOr<E> ParseEnum<E>(std::string_view name); \
  template std::string EnumShortName<E>(E value);                 \
  template std::vector<std::string> EnumShortNames<E>();

SQMS_INSTANTIATE_ENUM_NAMES(cv1::Channel)
SQMS_INSTANTIATE_ENUM_NAMES(cv1::Category)
SQMS_INSTANTIATE_ENUM_NAMES(cv1::Priority)
SQMS_INSTANTIATE_ENUM_NAMES(cv1::Level)
SQMS_INSTANTIATE_ENUM_NAMES(cv1::Status)
SQMS_INSTANTIATE_ENUM_NAMES(cv1::SlaTarget)
SQMS_INSTANTIATE_ENUM_NAMES(ev1::ComplaintEventType)
SQMS_INSTANTIATE_ENUM_NAMES(mv1::WindowSize)
SQMS_INSTANTIATE_ENUM_NAMES(mv1::Direction)
SQMS_INSTANTIATE_ENUM_NAMES(av1::IncidentState)
SQMS_INSTANTIATE_ENUM_NAMES(av1::Outcome)
SQMS_INSTANTIATE_ENUM_NAMES(av1::AlertStatus)

#undef SQMS_INSTANTIATE_ENUM_NAMES

}  // namespace sqms::tools
