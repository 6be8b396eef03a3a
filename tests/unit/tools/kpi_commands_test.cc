// sqmsctl kpi end to end against a fake MetricsService on a free local
// port: what is sent (request, token), what is printed, the exit codes.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "tests/unit/tools/sqmsctl_harness.h"

namespace sqms::tools {
namespace {

namespace mv1 = ::sqms::metrics::v1;
using ::testing::HasSubstr;
using ::testing::Not;

class FakeMetricsService final : public mv1::MetricsService::Service {
 public:
  grpc::Status ListKpiDefinitions(grpc::ServerContext* context,
                                  const mv1::ListKpiDefinitionsRequest*,
                                  mv1::ListKpiDefinitionsResponse* response) override {
    Record(*context, "ListKpiDefinitions");
    mv1::KpiDefinition* kpi = response->add_kpis();
    kpi->set_name("answer_rate");
    kpi->set_title("Call answer rate 接通率");
    kpi->set_formula("answered / offered × 100 %");
    kpi->set_unit("percent");
    kpi->set_direction(mv1::DIRECTION_HIGHER_IS_BETTER);
    return grpc::Status::OK;
  }

  grpc::Status GetKpi(grpc::ServerContext* context, const mv1::GetKpiRequest* request,
                      mv1::KpiValue* response) override {
    Record(*context, "GetKpi");
    {
      absl::MutexLock lock(&mu_);
      get_ = *request;
    }
    *response = Value();
    return grpc::Status::OK;
  }

  grpc::Status QueryKpis(grpc::ServerContext* context, const mv1::QueryKpisRequest*,
                         mv1::QueryKpisResponse* response) override {
    Record(*context, "QueryKpis");
    *response->add_values() = Value();
    return grpc::Status::OK;
  }

  grpc::Status RankUnits(grpc::ServerContext* context, const mv1::RankUnitsRequest*,
                         mv1::RankUnitsResponse*) override {
    Record(*context, "RankUnits");
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "unknown KPI \"speed\"");
  }

  grpc::Status ExplainKpi(grpc::ServerContext* context, const mv1::GetKpiRequest*,
                          mv1::KpiExplanation* response) override {
    Record(*context, "ExplainKpi");
    *response->mutable_value() = Value();
    response->mutable_definition()->set_unit("percent");
    response->mutable_definition()->set_numerator("calls_answered");
    (*response->mutable_counters())["calls_offered"] = 1000;
    return grpc::Status::OK;
  }

  std::string calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }
  std::string authorization() const {
    absl::MutexLock lock(&mu_);
    return authorization_;
  }
  mv1::GetKpiRequest get() const {
    absl::MutexLock lock(&mu_);
    return get_;
  }

 private:
  static mv1::KpiValue Value() {
    mv1::KpiValue v;
    v.set_kpi("answer_rate");
    v.set_period("2026-12-02");
    v.set_size(mv1::WINDOW_SIZE_DAY);
    v.set_dimension("department");
    v.set_unit("ticketing-center");
    v.set_value(92.4);
    v.set_numerator(924);
    v.set_denominator(1000);
    return v;
  }

  void Record(const grpc::ServerContext& context, const std::string& method) {
    absl::MutexLock lock(&mu_);
    calls_ += method + ";";
    auto it = context.client_metadata().find("authorization");
    if (it != context.client_metadata().end()) {
      authorization_ = std::string(it->second.data(), it->second.size());
    }
  }

  mutable absl::Mutex mu_;
  std::string calls_ ABSL_GUARDED_BY(mu_);
  std::string authorization_ ABSL_GUARDED_BY(mu_);
  mv1::GetKpiRequest get_ ABSL_GUARDED_BY(mu_);
};

class KpiCommandsTest : public ::testing::Test {
 protected:
  // `args` as sqmsctl's command line, pointed at the fake, run as main does.
  testing::CliResult Run(const std::string& args) {
    return testing::RunSqmsctl(absl::StrCat(args, " --metrics-addr ", server_.address()),
                               [](CLI::App& app, Cli& cli) { RegisterKpiCommands(app, cli); });
  }

  FakeMetricsService service_;
  testing::FakeServer server_{service_};
};

TEST_F(KpiCommandsTest, GetSendsTheRequestWithTheTokenAndShowsTheValueInItsUnit) {
  testing::CliResult r =
      Run("kpi get answer_rate --period day:2026-12-02 --by department "
          "--unit ticketing-center --compare previous");
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("answer_rate — Call answer rate 接通率"));
  EXPECT_THAT(r.out, HasSubstr("value:       92.40 % (924/1000)"));
  // The definitions first (for the unit), then the value.
  EXPECT_EQ(service_.calls(), "ListKpiDefinitions;GetKpi;");
  EXPECT_EQ(service_.authorization(), "Bearer t0k");
  const mv1::GetKpiRequest sent = service_.get();
  EXPECT_EQ(sent.kpi(), "answer_rate");
  EXPECT_EQ(sent.period().size(), mv1::WINDOW_SIZE_DAY);
  EXPECT_EQ(sent.period().label(), "2026-12-02");
  EXPECT_EQ(sent.dimension(), "department");
  EXPECT_EQ(sent.unit(), "ticketing-center");
  EXPECT_TRUE(sent.compare_previous());
}

TEST_F(KpiCommandsTest, JsonIsTheAnswerAsProtoJsonWithoutAskingForDefinitions) {
  testing::CliResult r = Run("kpi query answer_rate --period day --from 2026-12-01 -o json");
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("{\"values\":[{\"kpi\":\"answer_rate\""));
  EXPECT_THAT(r.out, HasSubstr("\"size\":\"WINDOW_SIZE_DAY\""));
  EXPECT_EQ(service_.calls(), "QueryKpis;");
}

TEST_F(KpiCommandsTest, DefsAndExplainPrintTables) {
  testing::CliResult defs = Run("kpi defs");
  EXPECT_EQ(defs.code, kExitOk) << defs.err;
  EXPECT_THAT(defs.out, HasSubstr("answer_rate  Call answer rate 接通率"));
  testing::CliResult explain = Run("kpi explain answer_rate --period day");
  EXPECT_EQ(explain.code, kExitOk) << explain.err;
  EXPECT_THAT(explain.out, HasSubstr("numerator:   calls_answered = 924"));
  EXPECT_THAT(explain.out, HasSubstr("calls_offered  1000"));
}

TEST_F(KpiCommandsTest, AServiceErrorIsPrintedWithExitCode1) {
  testing::CliResult r = Run("kpi rank --period month --by department --kpi speed");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, HasSubstr("error: INVALID_ARGUMENT: unknown KPI \"speed\""));
  EXPECT_THAT(r.out, Not(HasSubstr("POS")));
}

TEST_F(KpiCommandsTest, ABadFlagIsNamedWithExitCode2AndNothingIsSent) {
  testing::CliResult r = Run("kpi query answer_rate --period day:2026-12-01 --from 2026-12-01");
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("error: --period \"day:2026-12-01\": a size only here"));
  EXPECT_EQ(service_.calls(), "");
}

TEST_F(KpiCommandsTest, NoServerIsUnavailableWithExitCode1) {
  server_.Shutdown();
  testing::CliResult r = Run("kpi defs --timeout 2");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, HasSubstr("error: UNAVAILABLE"));
}

}  // namespace
}  // namespace sqms::tools
