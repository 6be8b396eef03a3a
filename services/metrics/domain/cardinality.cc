#include "services/metrics/domain/cardinality.h"

#include <algorithm>

namespace sqms::metrics::domain {
namespace {

constexpr std::array<Dimension, 8> kFoldable = {
    Dimension::kDepartment, Dimension::kChannel, Dimension::kCategory, Dimension::kRegion,
    Dimension::kStation,    Dimension::kAgent,   Dimension::kPlan,     Dimension::kLevel};

// The field of `dims` that holds the value of `d` (a foldable dimension).
std::string& FieldOf(Dimensions& dims, Dimension d) {
  switch (d) {
    case Dimension::kDepartment: return dims.department;
    case Dimension::kChannel: return dims.channel;
    case Dimension::kCategory: return dims.category;
    case Dimension::kRegion: return dims.region;
    case Dimension::kStation: return dims.station;
    case Dimension::kAgent: return dims.agent;
    case Dimension::kPlan: return dims.plan;
    default: return dims.level;
  }
}

bool Reserved(const std::string& value) {
  return value.empty() || IsBucketUnit(value);
}

}  // namespace

std::span<const Dimension> FoldableDimensions() { return kFoldable; }

bool IsFoldable(Dimension d) {
  return std::find(kFoldable.begin(), kFoldable.end(), d) != kFoldable.end();
}

bool AdmittedValues::Contains(Dimension d, const std::string& value) const {
  return values_[static_cast<size_t>(d)].contains(value);
}

void AdmittedValues::Admit(Dimension d, std::string value) {
  values_[static_cast<size_t>(d)].insert(std::move(value));
}

void AdmittedValues::Clear() {
  for (auto& values : values_) values.clear();
}

FoldOutcome FoldDimensions(Dimensions& dims, const CardinalityLimits& limits,
                           AdmittedValues& admitted) {
  FoldOutcome out;
  for (Dimension d : kFoldable) {
    std::string& value = FieldOf(dims, d);
    if (Reserved(value) || admitted.Contains(d, value)) continue;
    if (admitted.Count(d) < limits[d]) {
      admitted.Admit(d, value);
      out.admitted.emplace_back(d, value);
    } else {
      value = std::string(kFoldedUnit);
      out.folded.push_back(d);
    }
  }
  return out;
}

std::string AdmittedField(Dimension d, std::string_view value) {
  return std::string(DimensionName(d)) + "|" + std::string(value);
}

std::optional<std::pair<Dimension, std::string>> ParseAdmittedField(std::string_view field) {
  const size_t bar = field.find('|');
  if (bar == std::string_view::npos) return std::nullopt;
  const std::optional<Dimension> d = ParseDimension(field.substr(0, bar));
  if (!d || !IsFoldable(*d)) return std::nullopt;
  return std::pair{*d, std::string(field.substr(bar + 1))};
}

bool IsBucketUnit(std::string_view unit) { return unit == kUnknownUnit || unit == kFoldedUnit; }

}  // namespace sqms::metrics::domain
