#pragma once
// sqms.metrics.v1 requests → the app's requests, and the app's results →
// responses. The only place that knows the API protos' shapes.

#include "services/metrics/app/kpi_queries.h"
#include "sqms/metrics/v1/service.pb.h"

namespace sqms::metrics::codec {

namespace pb = ::sqms::metrics::v1;

app::KpiRequest FromProto(const pb::GetKpiRequest& request);
app::RangeRequest FromProto(const pb::QueryKpisRequest& request);
app::RankRequest FromProto(const pb::RankUnitsRequest& request);

void ToProto(const domain::KpiDefinition& kpi, pb::KpiDefinition* out);
// Labels in `zone`.
void ToProto(const app::KpiResult& result, pb::KpiValue* out);
void ToProto(const app::Explanation& explanation, pb::KpiExplanation* out);
void ToProto(const app::RankResult& result, pb::RankUnitsResponse* out);

}  // namespace sqms::metrics::codec
