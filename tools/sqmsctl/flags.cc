#include "tools/sqmsctl/flags.h"

#include <google/protobuf/util/time_util.h>

#include <cstdint>

#include "absl/strings/str_join.h"

namespace sqms::tools {

namespace {

namespace cv1 = ::sqms::complaints::v1;
using google::protobuf::util::TimeUtil;

template <typename E>
void AddEnumList(CLI::App& command, const std::string& name, std::vector<std::string>& values,
                 const std::string& what) {
  command
      .add_option(name, values,
                  what + " (comma-separated: " + absl::StrJoin(EnumShortNames<E>(), ",") + ")")
      ->delimiter(',')
      ->check(EnumValidator<E>());
}

template <typename E, typename Repeated>
void CopyEnums(const std::vector<std::string>& names, Repeated& out) {
  for (const std::string& name : names) out.Add(EnumOrUnspecified<E>(name));
}

}  // namespace

CLI::Validator TimestampValidator() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        google::protobuf::Timestamp ignored;
        if (TimeUtil::FromString(value, &ignored)) return "";
        return "not an RFC 3339 timestamp (e.g. 2024-05-01T08:00:00Z): " + value;
      },
      "RFC3339");
}

void FilterFlags::Register(CLI::App& command) {
  AddEnumList<cv1::Status>(command, "--status", statuses, "only these statuses");
  AddEnumList<cv1::Category>(command, "--category", categories, "only these categories");
  AddEnumList<cv1::Priority>(command, "--priority", priorities, "only these priorities");
  command.add_option("--department", department, "only this department");
  command.add_option("--channel", channel, "only this channel")
      ->check(EnumValidator<cv1::Channel>());
  command.add_option("--region", region, "only this region");
  command.add_option("--station", station, "only this station");
  command.add_option("--created-after", created_after, "received at or after (RFC 3339)")
      ->check(TimestampValidator());
  command.add_option("--created-before", created_before, "received before (RFC 3339)")
      ->check(TimestampValidator());
  command.add_flag("--sla-breached", sla_breached, "only complaints whose SLA is breached");
  command.add_flag("--sla-at-risk", sla_at_risk,
                   "only complaints with a deadline at risk (not yet breached)");
  command.add_flag("--escalated", escalated, "only escalated complaints");
  command.add_option("--assignee", assignee,
                     "only complaints assigned to this agent; \"me\": your own queue (the "
                     "token's subject)");
  command.add_option("--phone", phone,
                     "a caller's history: complaints of the complainant with this phone (any "
                     "spelling; matched through the service's keyed hash, list only)");
  command.add_option("--incident", incident,
                     "complaints linked to this incident as a known issue (the list to answer "
                     "together once it is resolved)");
}

cv1::ComplaintFilter FilterFlags::ToProto() const {
  cv1::ComplaintFilter filter;
  CopyEnums<cv1::Status>(statuses, *filter.mutable_statuses());
  CopyEnums<cv1::Category>(categories, *filter.mutable_categories());
  CopyEnums<cv1::Priority>(priorities, *filter.mutable_priorities());
  filter.set_department(department);
  filter.set_channel(EnumOrUnspecified<cv1::Channel>(channel));
  filter.set_region(region);
  filter.set_station(station);
  if (!created_after.empty()) TimeUtil::FromString(created_after, filter.mutable_created_after());
  if (!created_before.empty()) {
    TimeUtil::FromString(created_before, filter.mutable_created_before());
  }
  filter.set_sla_breached_only(sla_breached);
  filter.set_sla_at_risk_only(sla_at_risk);
  filter.set_escalated_only(escalated);
  filter.set_assignee(assignee);
  filter.set_complainant_phone(phone);
  filter.set_incident_id(incident);
  return filter;
}


}  // namespace sqms::tools
