#include "services/complaints/codec/triage_codec.h"

namespace sqms::complaints::codec {
namespace {

namespace pb = ::sqms::complaints::v1;

template <typename To, typename From>
To Cast(From value) {
  return static_cast<To>(static_cast<int>(value));
}

pb::TriageSignal::Raises ToProto(domain::SignalRaises raises) {
  return raises == domain::SignalRaises::kUrgency ? pb::TriageSignal::RAISES_URGENCY
                                                  : pb::TriageSignal::RAISES_IMPORTANCE;
}

}  // namespace

void ToProto(const domain::TriageExplanation& e, pb::TriageExplanation* out) {
  out->set_config_version(e.config_version);
  out->set_category_rule(e.category_rule);
  out->set_suggested_category(Cast<pb::Category>(e.suggested_category));
  for (const domain::CategoryScore& s : e.scores) {
    pb::TriageCategoryScore* score = out->add_scores();
    score->set_category(Cast<pb::Category>(s.category));
    score->set_score(s.score);
    for (const domain::TermEvidence& t : s.evidence) {
      pb::TriageEvidence* evidence = score->add_evidence();
      evidence->set_term(t.term);
      evidence->set_weight(t.weight);
      evidence->set_negated_by(t.negated_by);
    }
  }
  for (const domain::SignalEvidence& s : e.signals) {
    pb::TriageSignal* signal = out->add_signals();
    signal->set_signal(s.signal);
    signal->set_term(s.term);
    signal->set_raises(ToProto(s.raises));
  }
  out->set_urgency_source(e.urgency_source);
  out->set_importance_source(e.importance_source);
  out->set_priority_rule(e.priority_rule);
  for (const auto& [category, probability] : e.model) {
    pb::TriageModelScore* score = out->add_model();
    score->set_category(Cast<pb::Category>(category));
    score->set_probability(probability);
  }
  if (e.routing_rule) {
    pb::TriageRoutingRule* rule = out->mutable_routing_rule();
    rule->set_category(Cast<pb::Category>(e.routing_rule->category));
    rule->set_region(e.routing_rule->region);
    rule->set_station(e.routing_rule->station);
    rule->set_department(e.routing_rule->department);
  }
}

domain::TriageExplanation FromProto(const pb::TriageExplanation& p) {
  domain::TriageExplanation e;
  e.config_version = p.config_version();
  e.category_rule = p.category_rule();
  e.suggested_category = Cast<domain::Category>(p.suggested_category());
  for (const pb::TriageCategoryScore& s : p.scores()) {
    domain::CategoryScore score{Cast<domain::Category>(s.category()), s.score(), {}};
    for (const pb::TriageEvidence& t : s.evidence()) {
      score.evidence.push_back({t.term(), t.weight(), t.negated_by()});
    }
    e.scores.push_back(std::move(score));
  }
  for (const pb::TriageSignal& s : p.signals()) {
    e.signals.push_back({s.signal(), s.term(),
                         s.raises() == pb::TriageSignal::RAISES_IMPORTANCE
                             ? domain::SignalRaises::kImportance
                             : domain::SignalRaises::kUrgency});
  }
  e.urgency_source = p.urgency_source();
  e.importance_source = p.importance_source();
  e.priority_rule = p.priority_rule();
  for (const pb::TriageModelScore& m : p.model()) {
    e.model.emplace_back(Cast<domain::Category>(m.category()), m.probability());
  }
  if (p.has_routing_rule()) {
    const pb::TriageRoutingRule& r = p.routing_rule();
    e.routing_rule = domain::RoutingRule{Cast<domain::Category>(r.category()), r.region(),
                                         r.station(), r.department()};
  }
  return e;
}

void ToProto(const domain::Assessment& a, const domain::SlaPolicy& policy,
             const std::string& normalized_text, pb::ExplainTriageResponse* out) {
  out->set_category(Cast<pb::Category>(a.category));
  out->set_urgency(Cast<pb::Level>(a.urgency));
  out->set_importance(Cast<pb::Level>(a.importance));
  out->set_priority(Cast<pb::Priority>(a.priority));
  out->set_department(a.department);
  ToProto(a.explanation, out->mutable_explanation());
  out->set_first_response_seconds(absl::ToInt64Seconds(policy.first_response));
  out->set_resolution_seconds(absl::ToInt64Seconds(policy.resolution));
  out->set_business_hours(policy.business_hours);
  out->set_normalized_text(normalized_text);
}

}  // namespace sqms::complaints::codec
