#pragma once
// Short lower-case names of the domain enums, taken from the proto enums they
// mirror (CATEGORY_SAFETY → "safety", COMPLAINT_EVENT_TYPE_SLA_BREACHED →
// "sla_breached"): the one source of metric labels and CloudEvents types, so
// a value added to a proto enum is named everywhere without another table.
// Built once from the descriptors; lookups are an index. Thread-safe.
// Out-of-range values are "unknown".

#include <string>

#include "services/complaints/domain/model.h"

namespace sqms::complaints::codec {

const std::string& Label(domain::Status status);
const std::string& Label(domain::Channel channel);
const std::string& Label(domain::Category category);
const std::string& Label(domain::Priority priority);
const std::string& Label(domain::SlaTarget target);
const std::string& Label(domain::EventType type);

}  // namespace sqms::complaints::codec
