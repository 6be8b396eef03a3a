// kpi defs | get | query | rank | breaches | explain | watch: the handbooks' KPIs from the
// metrics service (sqms.metrics.v1.MetricsService at --metrics-addr). Flags
// become requests in kpi_args, answers become text in kpi_view; here only
// the calls.
#include <iostream>
#include <memory>

#include "tools/sqmsctl/commands.h"
#include "tools/sqmsctl/kpi_args.h"
#include "tools/sqmsctl/kpi_view.h"

namespace sqms::tools {
namespace {

namespace mv1 = ::sqms::metrics::v1;
using Stub = mv1::MetricsService::Stub;

// The definitions, for the units values are shown in (a KpiValue has none).
grpc::Status FetchCatalog(const GlobalOptions& global, Stub& stub, KpiCatalog& catalog) {
  grpc::ClientContext context;
  PrepareContext(global.client, true, context);
  mv1::ListKpiDefinitionsResponse response;
  grpc::Status status = stub.ListKpiDefinitions(&context, {}, &response);
  if (status.ok()) catalog = CatalogOf(response);
  return status;
}

// Calls `rpc` and prints its answer as JSON, or with the catalog through
// `render` as text. Returns the exit code.
template <typename Response, typename Call, typename Render>
int CallAndPrint(const GlobalOptions& global, Call call, Render render) {
  std::unique_ptr<Stub> stub = NewMetricsStub(global);
  KpiCatalog catalog;
  const bool json = global.format() == OutputFormat::kJson;
  if (!json) {
    if (grpc::Status s = FetchCatalog(global, *stub, catalog); !s.ok()) return ReportRpcError(s);
  }
  grpc::ClientContext context;
  PrepareContext(global.client, true, context);
  Response response;
  grpc::Status status = call(*stub, context, response);
  if (!status.ok()) return ReportRpcError(status);
  if (json) {
    std::cout << ToJson(response) << std::endl;
  } else {
    std::cout << render(response, catalog);
  }
  return kExitOk;
}

int Defs(const GlobalOptions& global) {
  grpc::ClientContext context;
  PrepareContext(global.client, true, context);
  mv1::ListKpiDefinitionsResponse response;
  grpc::Status status = NewMetricsStub(global)->ListKpiDefinitions(&context, {}, &response);
  if (!status.ok()) return ReportRpcError(status);
  if (global.format() == OutputFormat::kJson) {
    std::cout << ToJson(response) << std::endl;
  } else {
    std::cout << KpiDefinitionsTable(response).Render();
  }
  return kExitOk;
}

int Get(const GlobalOptions& global, const KpiGetFlags& flags, bool explain) {
  absl::StatusOr<mv1::GetKpiRequest> request = BuildGetKpiRequest(flags);
  if (!request.ok()) return ReportUsageError(request.status());
  if (explain) {
    return CallAndPrint<mv1::KpiExplanation>(
        global,
        [&](Stub& stub, grpc::ClientContext& context, mv1::KpiExplanation& response) {
          return stub.ExplainKpi(&context, *request, &response);
        },
        [](const mv1::KpiExplanation& response, const KpiCatalog&) {
          return ExplainKpiText(response);
        });
  }
  return CallAndPrint<mv1::KpiValue>(
      global,
      [&](Stub& stub, grpc::ClientContext& context, mv1::KpiValue& response) {
        return stub.GetKpi(&context, *request, &response);
      },
      [](const mv1::KpiValue& response, const KpiCatalog& catalog) {
        return KpiValueDetail(response, catalog);
      });
}

int Query(const GlobalOptions& global, const KpiQueryFlags& flags, bool counts) {
  absl::StatusOr<mv1::QueryKpisRequest> request = BuildQueryKpisRequest(flags);
  if (!request.ok()) return ReportUsageError(request.status());
  const std::vector<std::string> kpis(request->kpis().begin(), request->kpis().end());
  return CallAndPrint<mv1::QueryKpisResponse>(
      global,
      [&](Stub& stub, grpc::ClientContext& context, mv1::QueryKpisResponse& response) {
        return stub.QueryKpis(&context, *request, &response);
      },
      [&](const mv1::QueryKpisResponse& response, const KpiCatalog& catalog) {
        Table table = KpiQueryTable(response, kpis, request->dimension(), catalog, counts);
        return table.Render() + std::to_string(table.row_count()) + " row(s)\n";
      });
}

int Rank(const GlobalOptions& global, const KpiRankFlags& flags) {
  absl::StatusOr<mv1::RankUnitsRequest> request = BuildRankUnitsRequest(flags);
  if (!request.ok()) return ReportUsageError(request.status());
  std::vector<std::string> kpis;
  for (const mv1::RankingKpi& kpi : request->kpis()) kpis.push_back(kpi.kpi());
  return CallAndPrint<mv1::RankUnitsResponse>(
      global,
      [&](Stub& stub, grpc::ClientContext& context, mv1::RankUnitsResponse& response) {
        return stub.RankUnits(&context, *request, &response);
      },
      [&](const mv1::RankUnitsResponse& response, const KpiCatalog& catalog) {
        return RankUnitsText(response, kpis, catalog);
      });
}

int Breaches(const GlobalOptions& global, const std::string& kpi, int limit) {
  mv1::ListBreachesRequest request;
  request.set_kpi(kpi);
  request.set_limit(limit);
  return CallAndPrint<mv1::ListBreachesResponse>(
      global,
      [&](Stub& stub, grpc::ClientContext& context, mv1::ListBreachesResponse& response) {
        return stub.ListBreaches(&context, request, &response);
      },
      [](const mv1::ListBreachesResponse& response, const KpiCatalog& catalog) {
        Table table = KpiBreachesTable(response, catalog);
        return table.Render() + std::to_string(table.row_count()) + " event(s)\n";
      });
}

void RegisterBreaches(CLI::App& kpi, Cli& cli) {
  auto kpi_name = std::make_shared<std::string>();
  auto limit = std::make_shared<int>(50);
  CLI::App* cmd = kpi.add_subcommand(
      "breaches", "the latest breach, recovery and missed-repeatedly events, newest first");
  cmd->add_option("--kpi", *kpi_name, "only this KPI");
  cmd->add_option("--limit", *limit, "how many (1..1000)")->capture_default_str();
  cmd->callback([&cli, kpi_name, limit] {
    cli.run = [&cli, kpi_name, limit] { return Breaches(cli.global, *kpi_name, *limit); };
  });
}

constexpr char kPeriodHelp[] =
    "SIZE[:LABEL]: minute, hour, day, week, month or quarter, and the window's label in the "
    "service's time zone (day:2026-12-02, week:2026-W49, month:2026-12, quarter:2026-Q4); no "
    "label: the window that contains now";
constexpr char kByHelp[] =
    "dimension: total, department, channel, category, region, station, band, agent, plan "
    "(incidents), level (incidents)";

void AddUnitFlags(CLI::App& cmd, std::string& by, std::string& unit) {
  cmd.add_option("--by", by, kByHelp);
  cmd.add_option("--unit", unit, "a unit of the --by dimension, e.g. ticketing-center");
}

void RegisterGetLike(CLI::App& kpi, Cli& cli, const char* name, const char* help, bool explain) {
  auto flags = std::make_shared<KpiGetFlags>();
  CLI::App* cmd = kpi.add_subcommand(name, help);
  cmd->add_option("kpi", flags->kpi, "KPI name (sqmsctl kpi defs)")->required();
  cmd->add_option("--period", flags->period, kPeriodHelp)->required();
  AddUnitFlags(*cmd, flags->by, flags->unit);
  cmd->add_option("--compare", flags->compare,
                  "previous (the window before) or a label of the same size (a baseline)");
  cmd->add_flag("--drill", flags->drill, "the drills' figures instead of the official ones");
  cmd->callback([&cli, flags, explain] {
    cli.run = [&cli, flags, explain] { return Get(cli.global, *flags, explain); };
  });
}

void RegisterQuery(CLI::App& kpi, Cli& cli) {
  auto flags = std::make_shared<KpiQueryFlags>();
  auto counts = std::make_shared<bool>(false);
  CLI::App* cmd = kpi.add_subcommand(
      "query", "KPIs over a range of periods, one row per period and unit");
  cmd->add_option("kpis", flags->kpis, "KPI[,KPI…] (at most 20)")->required();
  cmd->add_option("--period", flags->period, "window size: minute, hour, day, week, month, quarter")
      ->required();
  cmd->add_option("--from", flags->from, "first period's label, e.g. 2026-12-01")->required();
  cmd->add_option("--to", flags->to, "last period's label (default: --from; at most 400 periods)");
  cmd->add_option("--by", flags->by, std::string(kByHelp) + " (one row per unit)");
  cmd->add_option("--unit", flags->unit, "only this unit of the --by dimension");
  cmd->add_option("--compare", flags->compare,
                  "previous: each value's change from the period before");
  cmd->add_flag("--counts", *counts, "show numerator/denominator beside each value");
  cmd->add_flag("--drill", flags->drill, "the drills' figures instead of the official ones");
  cmd->callback([&cli, flags, counts] {
    cli.run = [&cli, flags, counts] { return Query(cli.global, *flags, *counts); };
  });
}

void RegisterRank(CLI::App& kpi, Cli& cli) {
  auto flags = std::make_shared<KpiRankFlags>();
  CLI::App* cmd = kpi.add_subcommand(
      "rank", "rank the units of a dimension on weighted KPIs (WRSR), worst flagged");
  cmd->add_option("--period", flags->period, kPeriodHelp)->required();
  cmd->add_option("--by", flags->by, "the dimension whose units are ranked, e.g. department")
      ->required();
  cmd->add_option("--kpi", flags->kpis,
                  "KPIs and relative weights: NAME[=WEIGHT],… e.g. answer_rate=2,satisfaction_rate=1")
      ->required();
  cmd->add_option("--bottom", flags->bottom, "how many of the worst units to flag")
      ->capture_default_str();
  cmd->add_option("--min-sample", flags->min_sample,
                  "rank only units with at least this sample for every KPI (default: the "
                  "service's, 30; 0: no minimum)");
  cmd->callback([&cli, flags] { cli.run = [&cli, flags] { return Rank(cli.global, *flags); }; });
}

struct WatchOptions {
  KpiWatchFlags flags;
  int count = 0;  // stop after this many updates; 0 = until interrupted
};

// Prints every update as it arrives (JSON lines with -o json). Returns the
// exit code: 0 once --count updates were printed.
int Watch(const GlobalOptions& global, const WatchOptions& options) {
  absl::StatusOr<mv1::WatchKpisRequest> request = BuildWatchKpisRequest(options.flags);
  if (!request.ok()) return ReportUsageError(request.status());
  std::unique_ptr<Stub> stub = NewMetricsStub(global);
  const bool json = global.format() == OutputFormat::kJson;
  KpiCatalog catalog;
  if (!json) {
    if (grpc::Status s = FetchCatalog(global, *stub, catalog); !s.ok()) return ReportRpcError(s);
  }
  if (!json) std::cout << KpiWatchHeader() << std::endl;
  int seen = 0;
  // A reconnected watch starts with a fresh snapshot of the figures.
  const grpc::Status status =
      WatchWithReconnects(global, [&](grpc::ClientContext& context, bool& connected) {
        auto reader = stub->WatchKpis(&context, *request);
        connected = OpenedWatch(*reader, context);
        mv1::KpiUpdate update;
        while (reader->Read(&update)) {
          std::cout << (json ? ToJson(update) : KpiWatchLine(update, catalog)) << std::endl;
          if (options.count > 0 && ++seen >= options.count) {
            context.TryCancel();
            break;
          }
        }
        return reader->Finish();
      });
  const bool done = options.count > 0 && seen >= options.count;
  return status.ok() || done ? kExitOk : ReportRpcError(status);
}

void RegisterWatch(CLI::App& kpi, Cli& cli) {
  auto options = std::make_shared<WatchOptions>();
  KpiWatchFlags& flags = options->flags;
  CLI::App* cmd = kpi.add_subcommand(
      "watch", "KPIs as they change: the current figures, then every change and correction");
  cmd->add_option("kpis", flags.kpis, "KPI[,KPI…] (at most 20)")->required();
  cmd->add_option("--period", flags.period,
                  "window size: minute, hour, day, week, month, quarter (the window that "
                  "contains now, moving on with the clock)")
      ->required();
  cmd->add_option("--by", flags.by, kByHelp);
  cmd->add_option("--unit", flags.unit,
                  "only this unit of the --by dimension (default: every unit)");
  cmd->add_option("--previous", flags.previous,
                  "also the N windows before the current one, for late corrections (0..31)")
      ->capture_default_str();
  cmd->add_flag("--drill", flags.drill, "the drills' figures instead of the official ones");
  cmd->add_option("--count", options->count, "stop after N updates (default: until Ctrl-C)")
      ->check(CLI::NonNegativeNumber);
  cmd->callback([&cli, options] {
    cli.run = [&cli, options] { return Watch(cli.global, *options); };
  });
}

}  // namespace

void RegisterKpiCommands(CLI::App& app, Cli& cli) {
  CLI::App* kpi = app.add_subcommand("kpi", "service-quality KPIs (the metrics service)");
  kpi->require_subcommand(1);
  kpi->add_subcommand("defs", "list the KPI definitions")->callback([&cli] {
    cli.run = [&cli] { return Defs(cli.global); };
  });
  RegisterGetLike(*kpi, cli, "get", "one KPI for one period and unit, optionally compared",
                  false);
  RegisterQuery(*kpi, cli);
  RegisterRank(*kpi, cli);
  RegisterBreaches(*kpi, cli);
  RegisterGetLike(*kpi, cli, "explain",
                  "a KPI value with everything behind it: counters, events, late events", true);
  RegisterWatch(*kpi, cli);
}

}  // namespace sqms::tools
