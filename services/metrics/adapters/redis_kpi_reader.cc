#include "services/metrics/adapters/redis_kpi_reader.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/metrics/adapters/kpi_keys.h"
#include "sqms/runtime/checkpoint_store.h"

namespace sqms::metrics::adapters {
namespace {

// Adds a cell's vector (kpi_keys.h) to `unit`; a value that is no vector
// (not a whole number of int64s) is skipped, as a field that is no integer.
void AddCell(std::string_view stored, ports::UnitAggregate& unit) {
  std::optional<std::vector<int64_t>> values = runtime::DecodeVector(stored);
  if (!values) return;
  for (size_t slot = 0; slot < values->size(); ++slot) {
    const int64_t value = (*values)[slot];
    if (value == 0) continue;
    const CellSlot at = CellSlotAt(slot);  // neither: a slot of a newer layout
    if (at.counter) {
      unit.counters[static_cast<int>(*at.counter)] += value;
    } else if (at.event_type) {
      unit.events_by_type[std::string(domain::EventTypeNameAt(*at.event_type))] += value;
    }
  }
}

// One HGETALL reply (field, value, field, value, ...) → the units of `dimension`.
ports::WindowAggregate Parse(const runtime::RedisReply& reply, domain::Dimension dimension) {
  ports::WindowAggregate out;
  const std::string_view wanted = domain::DimensionName(dimension);
  for (size_t i = 0; i + 1 < reply.elements.size(); i += 2) {
    const std::string& field = reply.elements[i].str;
    std::optional<ParsedField> parsed = ParseField(field);
    if (parsed && parsed->cell) {
      if (parsed->dimension == wanted) AddCell(reply.elements[i + 1].str, out.units[parsed->unit]);
      continue;
    }
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
    if (!parsed || parsed->dimension != wanted) continue;
    // A field of its own per counter: written before the cell vectors.
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
      return runtime::RedisErrorStatus(*reply, "kpi read");
    }
    out.push_back(Parse(*reply, dimension));
  }
  return out;
}

}  // namespace sqms::metrics::adapters
