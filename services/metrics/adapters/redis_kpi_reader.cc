#include "services/metrics/adapters/redis_kpi_reader.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/metrics/adapters/kpi_keys.h"

namespace sqms::metrics::adapters {
namespace {

// One HGETALL reply (field, value, field, value, ...) → the units of `dimension`.
ports::WindowAggregate Parse(const runtime::RedisReply& reply, domain::Dimension dimension) {
  ports::WindowAggregate out;
  const std::string_view wanted = domain::DimensionName(dimension);
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    const std::string& field = reply.elements[i].str;
    int64_t value = 0;
    if (!absl::SimpleAtoi(reply.elements[i + 1].str, &value)) continue;
    if (field == kLateField) {
      out.late_events = value;
      continue;
    }
    if (field == kRevisionField) {
      out.revision = value;
      continue;
    }
    std::optional<ParsedField> parsed = ParseField(field);
    if (!parsed || parsed->dimension != wanted) continue;
    ports::UnitAggregate& unit = out.units[parsed->unit];
    if (parsed->event_type) {
      unit.events_by_type[parsed->name] += value;
    } else if (auto counter = domain::ParseCounter(parsed->name)) {
      unit.counters[static_cast<int>(*counter)] += value;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<ports::WindowAggregate>> RedisKpiReader::Read(
    const std::vector<domain::Window>& windows, domain::Dimension dimension, bool drill) {
  std::vector<runtime::RedisClient::Argv> commands;
  commands.reserve(windows.size());
  for (const domain::Window& w : windows) commands.push_back({"HGETALL", WindowKey(w, drill)});
  std::vector<absl::StatusOr<runtime::RedisReply>> replies = redis_.Pipeline(std::move(commands));
  std::vector<ports::WindowAggregate> out;
  out.reserve(replies.size());
  for (auto& reply : replies) {
    if (!reply.ok()) return reply.status();
    if (reply->type == runtime::RedisReply::Type::kError) {
      return absl::InternalError(absl::StrCat("redis: ", reply->str));
    }
    out.push_back(Parse(*reply, dimension));
  }
  return out;
}

}  // namespace sqms::metrics::adapters
