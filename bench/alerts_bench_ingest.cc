// alerts_bench ingest and raw-redis (see alerts_bench.cc): the service's
// RaiseAlert rate, first-time and answered from the record, and the Redis
// round-trip ceiling beside it at the same client concurrency.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "bench/alerts_bench.h"
#include "sqms/alerts/v1/service.grpc.pb.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::bench {
namespace {

namespace av1 = ::sqms::alerts::v1;
using SteadyClock = std::chrono::steady_clock;

double Round(double x, int digits) {
  const double f = std::pow(10.0, digits);
  return std::round(x * f) / f;
}

double SecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// What one thread saw in a phase.
struct Tally {
  std::vector<double> latencies_ms;
  std::vector<double> done_at_s;  // since the phase's start
  std::map<std::string, int> outcomes;
  int errors = 0;
  int mismatched = 0;  // retries whose answer differed from the first
  std::string first_error;
};

// "OUTCOME_OPENED" → "opened".
std::string OutcomeLabel(av1::Outcome o) {
  std::string name = av1::Outcome_Name(o);
  if (name.rfind("OUTCOME_", 0) == 0) name = name.substr(8);
  return absl::AsciiStrToLower(name);
}

// The parts of an answer a retry must reproduce.
std::string AnswerKey(const av1::RaiseAlertResponse& r) {
  std::vector<std::string> parts = {r.fingerprint()};
  for (const av1::AlertDecision& d : r.decisions()) {
    parts.push_back(absl::StrCat(d.plan_id(), ":", d.outcome(), ":", d.incident_id()));
  }
  return absl::StrJoin(parts, "|");
}

struct IngestSetup {
  std::string token, run_id;
  int64_t alerts = 0, groups = 0, threads = 0;
  runtime::RedisClient* redis = nullptr;  // for INFO commandstats; may be null
};

// INFO commandstats: command → {calls, usec}. Empty when unreadable.
std::map<std::string, std::pair<int64_t, int64_t>> CommandStats(runtime::RedisClient* redis) {
  std::map<std::string, std::pair<int64_t, int64_t>> out;
  if (redis == nullptr) return out;
  auto reply = redis->Command({"INFO", "commandstats"});
  if (!reply.ok()) return out;
  for (absl::string_view line : absl::StrSplit(reply->str, absl::ByAnyChar("\r\n"))) {
    // cmdstat_get:calls=12,usec=34,usec_per_call=2.83,...
    if (!absl::ConsumePrefix(&line, "cmdstat_")) continue;
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    std::pair<int64_t, int64_t> v{0, 0};
    for (absl::string_view field : absl::StrSplit(line.substr(colon + 1), ',')) {
      if (absl::ConsumePrefix(&field, "calls=")) (void)absl::SimpleAtoi(field, &v.first);
      if (absl::ConsumePrefix(&field, "usec=")) (void)absl::SimpleAtoi(field, &v.second);
    }
    out[std::string(line.substr(0, colon))] = v;
  }
  return out;
}

// Per alert: each command's calls and Redis-side microseconds between two
// snapshots (commands a script runs count under their own name too).
nlohmann::json PerAlert(const std::map<std::string, std::pair<int64_t, int64_t>>& before,
                        const std::map<std::string, std::pair<int64_t, int64_t>>& after,
                        int64_t alerts) {
  nlohmann::json commands = nlohmann::json::object();
  double usec = 0;
  for (const auto& [name, v] : after) {
    if (name == "info") continue;
    auto it = before.find(name);
    const int64_t calls = v.first - (it == before.end() ? 0 : it->second.first);
    const int64_t us = v.second - (it == before.end() ? 0 : it->second.second);
    if (calls <= 0) continue;
    const double n = static_cast<double>(alerts);
    commands[name] = {{"calls", Round(static_cast<double>(calls) / n, 2)},
                      {"usec", Round(static_cast<double>(us) / n, 1)}};
    usec += static_cast<double>(us) / n;
  }
  return {{"redis_usec", Round(usec, 1)}, {"commands", commands}};
}

// One phase: every alert once, thread t taking i = t, t+T, …. `answers`
// (size N) is written in the first phase and compared in the retry phase.
nlohmann::json RunPhase(av1::AlertService::Stub& stub, const IngestSetup& s, bool retry,
                        std::vector<std::string>& answers) {
  std::vector<Tally> tallies(static_cast<size_t>(s.threads));
  std::vector<std::thread> workers;
  const auto stats_before = CommandStats(s.redis);
  const auto start = SteadyClock::now();
  for (int64_t t = 0; t < s.threads; ++t) {
    workers.emplace_back([&, t] {
      Tally& tally = tallies[static_cast<size_t>(t)];
      av1::RaiseAlertRequest request;
      av1::RaiseAlertResponse response;
      for (int64_t i = t; i < s.alerts; i += s.threads) {
        request.Clear();
        auto& labels = *request.mutable_labels();
        labels["alertname"] = "BenchIngest";
        labels["case"] = absl::StrCat(i % s.groups);
        labels["n"] = absl::StrCat(i);
        request.set_request_id(absl::StrCat(s.run_id, "-", i));
        response.Clear();
        auto ctx = CallContext(s.token, std::chrono::seconds(30));
        const auto sent = SteadyClock::now();
        grpc::Status status = stub.RaiseAlert(ctx.get(), request, &response);
        const auto done = SteadyClock::now();
        tally.latencies_ms.push_back(
            std::chrono::duration<double, std::milli>(done - sent).count());
        tally.done_at_s.push_back(std::chrono::duration<double>(done - start).count());
        if (!status.ok()) {
          if (tally.errors++ == 0) {
            tally.first_error = absl::StrCat(status.error_code(), ": ", status.error_message());
          }
          continue;
        }
        for (const av1::AlertDecision& d : response.decisions())
          ++tally.outcomes[OutcomeLabel(d.outcome())];
        if (response.decisions().empty()) ++tally.outcomes["no_plan"];
        std::string& answer = answers[static_cast<size_t>(i)];
        if (!retry) {
          answer = AnswerKey(response);
        } else if (answer != AnswerKey(response)) {
          ++tally.mismatched;
        }
      }
    });
  }
  for (std::thread& w : workers) w.join();
  const double seconds = SecondsSince(start);
  const auto stats_after = CommandStats(s.redis);

  std::vector<double> latencies, done_at;
  std::map<std::string, int> outcomes;
  int errors = 0, mismatched = 0;
  std::string first_error;
  for (Tally& t : tallies) {
    latencies.insert(latencies.end(), t.latencies_ms.begin(), t.latencies_ms.end());
    done_at.insert(done_at.end(), t.done_at_s.begin(), t.done_at_s.end());
    for (const auto& [k, v] : t.outcomes) outcomes[k] += v;
    errors += t.errors;
    mismatched += t.mismatched;
    if (first_error.empty()) first_error = t.first_error;
  }
  // The rate over the first and the last tenth of the calls: a per-alert
  // cost that grows with what is already stored shows as a falling rate.
  std::sort(done_at.begin(), done_at.end());
  const size_t tenth = std::max<size_t>(1, done_at.size() / 10);
  double first_tenth = 0, last_tenth = 0;
  if (done_at.size() >= 20) {
    first_tenth = static_cast<double>(tenth) / done_at[tenth - 1];
    last_tenth =
        static_cast<double>(tenth) / (done_at.back() - done_at[done_at.size() - tenth - 1]);
  }
  const double n = static_cast<double>(s.alerts);
  nlohmann::json out = {{"calls", s.alerts},
                        {"seconds", Round(seconds, 3)},
                        {retry ? "duplicates_per_s" : "alerts_per_s", Round(n / seconds, 1)},
                        {"first_tenth_per_s", Round(first_tenth, 1)},
                        {"last_tenth_per_s", Round(last_tenth, 1)},
                        {"latency", Summary(latencies)},
                        {"outcomes", outcomes},
                        {"errors", errors}};
  if (!first_error.empty()) out["first_error"] = first_error;
  if (!stats_after.empty()) out["redis_per_call"] = PerAlert(stats_before, stats_after, s.alerts);
  if (retry) {
    out["answered_from_record"] = s.alerts - errors - mismatched;
    out["mismatched"] = mismatched;
  }
  return out;
}

}  // namespace

int RunIngest(const Flags& flags) {
  IngestSetup s{.token = flags.Str("token"),
                .run_id = flags.Str("run-id", absl::StrCat("ing", ::getpid())),
                .alerts = flags.Int("alerts"),
                .groups = flags.Int("groups", 100),
                .threads = flags.Int("threads", 8)};
  if (s.alerts < 1 || s.groups < 1 || s.threads < 1) {
    std::fprintf(stderr, "alerts_bench ingest: --alerts, --groups, --threads must be >= 1\n");
    return 2;
  }
  std::unique_ptr<runtime::RedisClient> redis;
  if (const std::string address = flags.Str("redis", ""); !address.empty()) {
    runtime::RedisOptions options;
    if (!ParseHostPort(address, options)) {
      std::fprintf(stderr, "alerts_bench ingest: --redis '%s': expected HOST:PORT\n",
                   address.c_str());
      return 2;
    }
    redis = std::make_unique<runtime::RedisClient>(options);
    s.redis = redis.get();
  }
  auto stub = av1::AlertService::NewStub(
      grpc::CreateChannel(flags.Str("server"), grpc::InsecureChannelCredentials()));
  std::vector<std::string> answers(static_cast<size_t>(s.alerts));
  std::fprintf(stderr, "alerts_bench ingest: %lld distinct alerts, %lld groups, %lld threads\n",
               static_cast<long long>(s.alerts), static_cast<long long>(s.groups),
               static_cast<long long>(s.threads));
  nlohmann::json distinct = RunPhase(*stub, s, /*retry=*/false, answers);
  std::fprintf(stderr, "alerts_bench ingest: distinct %s\n", distinct.dump().c_str());
  nlohmann::json retries = RunPhase(*stub, s, /*retry=*/true, answers);
  std::fprintf(stderr, "alerts_bench ingest: retries %s\n", retries.dump().c_str());
  nlohmann::json out = {{"alerts", s.alerts}, {"groups", s.groups},   {"threads", s.threads},
                        {"run_id", s.run_id}, {"distinct", distinct}, {"retries", retries}};
  std::printf("%s\n", out.dump().c_str());
  if (distinct["errors"].get<int>() == s.alerts) {
    std::fprintf(stderr, "alerts_bench ingest: every call failed: %s\n",
                 distinct.value("first_error", "").c_str());
    return 1;
  }
  return 0;
}

namespace {

// T threads, each issuing `calls / T` blocking calls of `call` in turn.
nlohmann::json RawPhase(int64_t threads, int64_t calls,
                        const std::function<absl::Status(int64_t)>& call) {
  std::atomic<int64_t> errors{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  std::vector<std::thread> workers;
  const auto start = SteadyClock::now();
  for (int64_t t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int64_t i = t; i < calls; i += threads) {
        const auto sent = SteadyClock::now();
        if (!call(i).ok()) ++errors;
        latencies[static_cast<size_t>(t)].push_back(
            std::chrono::duration<double, std::milli>(SteadyClock::now() - sent).count());
      }
    });
  }
  for (std::thread& w : workers) w.join();
  const double seconds = SecondsSince(start);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  return {{"calls", calls},
          {"seconds", Round(seconds, 3)},
          {"per_s", Round(static_cast<double>(calls) / seconds, 1)},
          {"latency", Summary(all)},
          {"errors", errors.load()}};
}

}  // namespace

int RunRawRedis(const Flags& flags) {
  const std::string address = flags.Str("redis");
  const int64_t threads = flags.Int("threads", 8), calls = flags.Int("calls", 50000);
  runtime::RedisOptions options;
  if (!ParseHostPort(address, options) || threads < 1 || calls < 1) {
    std::fprintf(stderr, "alerts_bench raw-redis: --redis HOST:PORT, --threads, --calls >= 1\n");
    return 2;
  }
  runtime::RedisClient redis(options);
  // The same hash tag as the service's keys; db 0 is the service's, and the
  // key is never written.
  const std::string key = "{sqms:alerts}:bench:raw";
  const runtime::LuaScript script("return 1");
  if (auto warm = redis.Eval(script, {key}, {}); !warm.ok()) {
    std::fprintf(stderr, "alerts_bench raw-redis: %s\n", warm.status().ToString().c_str());
    return 1;
  }
  auto ok = [](const absl::StatusOr<runtime::RedisReply>& r) {
    if (!r.ok()) return r.status();
    return r->type == runtime::RedisReply::Type::kError ? absl::InternalError(r->str)
                                                        : absl::OkStatus();
  };
  nlohmann::json evalsha =
      RawPhase(threads, calls, [&](int64_t) { return ok(redis.Eval(script, {key}, {})); });
  nlohmann::json get = RawPhase(threads, calls, [&](int64_t) {
    return ok(redis.Command({"GET", key}));
  });
  nlohmann::json out = {{"threads", threads}, {"evalsha_trivial", evalsha}, {"get", get}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

// Resolves every active incident, so that one step's incidents do not
// weigh on the next (each alert that matches a plan reads every active
// incident for the inhibition rules).
int RunResolveAll(const Flags& flags) {
  const std::string token = flags.Str("token");
  auto stub = av1::AlertService::NewStub(
      grpc::CreateChannel(flags.Str("server"), grpc::InsecureChannelCredentials()));
  const auto start = SteadyClock::now();
  int resolved = 0, errors = 0;
  for (int round = 0; round < 100; ++round) {
    av1::ListIncidentsRequest list;
    list.set_active_only(true);
    list.set_limit(1000);
    av1::ListIncidentsResponse active;
    auto ctx = CallContext(token, std::chrono::seconds(30));
    if (grpc::Status s = stub->ListIncidents(ctx.get(), list, &active); !s.ok()) {
      std::fprintf(stderr, "alerts_bench resolve: ListIncidents: %s\n", s.error_message().c_str());
      return 1;
    }
    if (active.incidents().empty()) break;
    for (const av1::Incident& incident : active.incidents()) {
      av1::IncidentCommand command;
      command.set_id(incident.id());
      command.set_request_id(
          absl::StrCat("bench-resolve-", incident.id(), "-", incident.version()));
      command.set_comment("benchmark step done");
      av1::Incident out;
      auto c = CallContext(token, std::chrono::seconds(30));
      if (stub->ResolveIncident(c.get(), command, &out).ok()) {
        ++resolved;
      } else {
        ++errors;
      }
    }
  }
  nlohmann::json out = {
      {"resolved", resolved}, {"errors", errors}, {"seconds", Round(SecondsSince(start), 2)}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace sqms::bench
