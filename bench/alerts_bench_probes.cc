// alerts_bench e2e and timers (see alerts_bench.cc): latencies read off
// webhook-sink's file. Every time is wall-clock Unix ms on this machine:
// the sink stamps received_at_ms, the service renders opened_at and
// sent_at into each page, and the probes note when they sent.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "bench/alerts_bench.h"
#include "sqms/alerts/v1/service.grpc.pb.h"
#include "sqms/complaints/v1/service.grpc.pb.h"
#include "sqms/runtime/http/http_client.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::bench {
namespace {

namespace av1 = ::sqms::alerts::v1;
namespace cv1 = ::sqms::complaints::v1;
using SteadyClock = std::chrono::steady_clock;

// A probe waiting for its page.
struct Probe {
  int64_t sent_ms = 0;      // just before the call
  int64_t deadline_ms = 0;  // lost after this
};

// Where the time of one page went.
struct Legs {
  std::vector<double> total, before_open, open_to_send, send_to_receive;
};

nlohmann::json LegsJson(const Legs& l) {
  return {{"total", Summary(l.total)},
          {"to_incident_opened", Summary(l.before_open)},
          {"opened_to_sent", Summary(l.open_to_send)},
          {"sent_to_received", Summary(l.send_to_receive)}};
}

// Removes the probes past their deadline; returns how many.
int64_t DropExpired(std::map<std::string, Probe>& waiting) {
  const int64_t now = NowUnixMs();
  int64_t dropped = 0;
  for (auto it = waiting.begin(); it != waiting.end();) {
    if (now > it->second.deadline_ms) {
      ++dropped;
      it = waiting.erase(it);
    } else {
      ++it;
    }
  }
  return dropped;
}

}  // namespace

int RunEndToEnd(const Flags& flags) {
  const std::string token = flags.Str("token"), sink_file = flags.Str("sink");
  const int64_t probes = flags.Int("probes"), interval_ms = flags.Int("interval-ms", 200);
  const int64_t timeout_ms = 1000 * flags.Int("timeout-s", 30);
  if (probes < 1 || interval_ms < 1) {
    std::fprintf(stderr, "alerts_bench e2e: --probes and --interval-ms must be >= 1\n");
    return 2;
  }
  auto stub = cv1::ComplaintService::NewStub(
      grpc::CreateChannel(flags.Str("complaints"), grpc::InsecureChannelCredentials()));
  SinkTail sink(sink_file);
  (void)sink.Poll();  // pages of earlier steps are not ours

  const std::string prefix = absl::StrCat("bench-e2e-", ::getpid(), "-");
  std::map<std::string, Probe> waiting;  // station → probe
  Legs legs;
  std::vector<double> submit_ms;
  int64_t sent = 0, lost = 0, rpc_errors = 0;
  std::string first_error;
  auto next_probe = SteadyClock::now();
  while (sent < probes || !waiting.empty()) {
    if (sent < probes && SteadyClock::now() >= next_probe) {
      cv1::SubmitComplaintRequest request;
      const std::string station = absl::StrCat(prefix, sent);
      request.set_idempotency_key(station);
      request.set_channel(cv1::CHANNEL_HOTLINE);
      request.set_title("车厢冒烟 smoke in coach 5");
      request.set_content(absl::StrCat("Smoke in coach 5 at ", station, ", passengers moved."));
      request.mutable_complainant()->set_phone(
          absl::StrCat("139", 10000000 + (::getpid() % 1000) * 10000 + sent));
      request.mutable_location()->set_station(station);
      request.set_category(cv1::CATEGORY_SAFETY);
      cv1::SubmitComplaintResponse response;
      auto ctx = CallContext(token, std::chrono::seconds(10));
      const int64_t t0 = NowUnixMs();
      const auto started = SteadyClock::now();
      grpc::Status status = stub->SubmitComplaint(ctx.get(), request, &response);
      submit_ms.push_back(
          std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count());
      if (status.ok()) {
        waiting[station] = {t0, t0 + timeout_ms};
      } else if (rpc_errors++ == 0) {
        first_error = absl::StrCat(status.error_code(), ": ", status.error_message());
      }
      ++sent;
      next_probe += std::chrono::milliseconds(interval_ms);
    }
    for (const SinkRecord& r : sink.Poll()) {
      if (r.path != "/hook" || !r.body.is_object() || !r.body.contains("labels")) continue;
      const std::string station = r.body["labels"].value("station", "");
      auto it = waiting.find(station);
      if (it == waiting.end()) continue;
      const int64_t t0 = it->second.sent_ms;
      const int64_t opened = ParseRfc3339Ms(r.body.value("opened_at", ""));
      const int64_t sent_at = ParseRfc3339Ms(r.body.value("sent_at", ""));
      legs.total.push_back(static_cast<double>(r.received_at_ms - t0));
      if (opened > 0 && sent_at > 0) {
        legs.before_open.push_back(static_cast<double>(opened - t0));
        legs.open_to_send.push_back(static_cast<double>(sent_at - opened));
        legs.send_to_receive.push_back(static_cast<double>(r.received_at_ms - sent_at));
      }
      waiting.erase(it);
    }
    lost += DropExpired(waiting);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  nlohmann::json out = LegsJson(legs);
  out.update({{"probes", probes},
              {"paged", legs.total.size()},
              {"lost", lost},
              {"rpc_errors", rpc_errors},
              {"interval_ms", interval_ms},
              {"submit_rpc", Summary(submit_ms)}});
  // The headline figures at the top level, as the other benches print them.
  for (const char* k : {"p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"})
    out[k] = out["total"][k];
  if (!first_error.empty()) out["first_error"] = first_error;
  std::printf("%s\n", out.dump().c_str());
  return rpc_errors == probes ? 1 : 0;
}

namespace {

// Cumulative bucket counts (le → count) of the histogram `name` samples
// whose labels contain `filter`, from Prometheus text.
std::map<double, double> HistogramBuckets(const std::string& text, const std::string& name,
                                          const std::string& filter) {
  std::map<double, double> out;
  const std::string prefix = name + "_bucket{";
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!absl::StartsWith(line, prefix) || line.find(filter) == absl::string_view::npos) continue;
    const size_t le = line.find("le=\"");
    const size_t space = line.rfind(' ');
    if (le == absl::string_view::npos || space == absl::string_view::npos) continue;
    const size_t end = line.find('"', le + 4);
    absl::string_view bound = line.substr(le + 4, end - le - 4);
    double upper = 0, count = 0;
    if (bound == "+Inf") {
      upper = std::numeric_limits<double>::infinity();
    } else if (!absl::SimpleAtod(bound, &upper)) {
      continue;
    }
    if (!absl::SimpleAtod(line.substr(space + 1), &count)) continue;
    out[upper] = count;
  }
  return out;
}

// histogram_quantile over cumulative buckets: linear within the bucket the
// rank falls in; the highest finite bound when it falls in +Inf.
double HistogramQuantile(const std::map<double, double>& buckets, double q) {
  if (buckets.empty()) return 0;
  const double total = buckets.rbegin()->second;
  if (total <= 0) return 0;
  const double rank = q * total;
  double lower = 0, below = 0;
  for (const auto& [upper, count] : buckets) {
    if (count >= rank) {
      if (std::isinf(upper)) return lower;
      return count == below ? upper : lower + (upper - lower) * (rank - below) / (count - below);
    }
    lower = upper;
    below = count;
  }
  return lower;
}

std::string Scrape(runtime::HttpClient& http, const std::string& url) {
  runtime::HttpRequest request;
  request.url = url;
  auto response = http.SendAndWait(request);
  if (!response.ok() || response->status != 200) return "";
  return response->body;
}

// Adds `pending` far-future timers, 1,000 members per ZADD, 20 ZADDs per
// pipeline. Returns the seconds it took, or -1 on an error.
double AddDummyTimers(runtime::RedisClient& redis, int64_t pending) {
  const std::string key = "{sqms:alerts}:timers";
  // Thirty days ahead, integer ms (a fractional score would read as a claim).
  const std::string due = absl::StrCat(NowUnixMs() + int64_t{30} * 86400 * 1000);
  const auto start = SteadyClock::now();
  std::vector<runtime::RedisClient::Argv> batch;
  for (int64_t i = 0; i < pending;) {
    runtime::RedisClient::Argv zadd = {"ZADD", key};
    for (int64_t j = 0; j < 1000 && i < pending; ++j, ++i) {
      zadd.push_back(due);
      zadd.push_back(absl::StrCat("bench|idle|", ::getpid(), "|", i));
    }
    batch.push_back(std::move(zadd));
    if (batch.size() == 20 || i == pending) {
      for (auto& reply : redis.Pipeline(std::move(batch))) {
        if (!reply.ok() || reply->type == runtime::RedisReply::Type::kError) {
          std::fprintf(stderr, "alerts_bench timers: ZADD: %s\n",
                       reply.ok() ? reply->str.c_str() : reply.status().ToString().c_str());
          return -1;
        }
      }
      batch.clear();
    }
  }
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

}  // namespace

int RunTimers(const Flags& flags) {
  const std::string token = flags.Str("token"), metrics_url = flags.Str("metrics");
  const int64_t pending = flags.Int("pending"), probes = flags.Int("probes");
  const int64_t interval_ms = flags.Int("interval-ms", 100);
  const int64_t ack_ms = flags.Int("ack-timeout-ms", 2000);
  const int64_t timeout_ms = 1000 * flags.Int("timeout-s", 30);
  runtime::RedisOptions options;
  if (!ParseHostPort(flags.Str("redis"), options) || pending < 0 || probes < 1 || interval_ms < 1) {
    std::fprintf(stderr, "alerts_bench timers: --redis HOST:PORT, --pending >= 0, --probes >= 1\n");
    return 2;
  }
  runtime::RedisClient redis(options);
  runtime::HttpClient http;
  SinkTail sink(flags.Str("sink"));
  (void)sink.Poll();

  const double add_s = pending > 0 ? AddDummyTimers(redis, pending) : 0;
  if (add_s < 0) return 1;
  auto zcard = redis.Command({"ZCARD", "{sqms:alerts}:timers"});
  const int64_t in_set = zcard.ok() ? zcard->integer : -1;
  std::fprintf(stderr, "alerts_bench timers: %lld dummy timers added in %.2fs; %lld in the set\n",
               static_cast<long long>(pending), add_s, static_cast<long long>(in_set));
  const std::string lateness = "sqms_timer_lateness_seconds";
  const std::string before = Scrape(http, metrics_url);

  auto stub = av1::AlertService::NewStub(
      grpc::CreateChannel(flags.Str("server"), grpc::InsecureChannelCredentials()));
  std::map<std::string, Probe> waiting;  // incident id → probe
  Legs legs;                             // before_open unused: the lag starts at the due moment
  int64_t sent = 0, lost = 0, rpc_errors = 0;
  std::string first_error;
  auto next_probe = SteadyClock::now();
  while (sent < probes || !waiting.empty()) {
    if (sent < probes && SteadyClock::now() >= next_probe) {
      av1::RaiseAlertRequest request;
      (*request.mutable_labels())["alertname"] = "BenchTimer";
      (*request.mutable_labels())["case"] = absl::StrCat(::getpid(), "-", pending, "-", sent);
      request.set_request_id(absl::StrCat("bench-timer-", ::getpid(), "-", pending, "-", sent));
      av1::RaiseAlertResponse response;
      auto ctx = CallContext(token, std::chrono::seconds(10));
      const int64_t t0 = NowUnixMs();
      grpc::Status status = stub->RaiseAlert(ctx.get(), request, &response);
      std::string incident;
      for (const av1::AlertDecision& d : response.decisions()) {
        if (d.outcome() == av1::OUTCOME_OPENED) incident = d.incident_id();
      }
      if (status.ok() && !incident.empty()) {
        waiting[incident] = {t0, t0 + ack_ms + timeout_ms};
      } else if (rpc_errors++ == 0) {
        first_error = status.ok() ? "no incident opened (is plan bench-timer configured?)"
                                  : absl::StrCat(status.error_code(), ": ", status.error_message());
      }
      ++sent;
      next_probe += std::chrono::milliseconds(interval_ms);
    }
    for (const SinkRecord& r : sink.Poll()) {
      if (r.path != "/hook" || !r.body.is_object() || r.body.value("tier", -1) != 1) continue;
      auto it = waiting.find(r.body.value("incident_id", ""));
      if (it == waiting.end()) continue;
      const int64_t opened = ParseRfc3339Ms(r.body.value("opened_at", ""));
      const int64_t sent_at = ParseRfc3339Ms(r.body.value("sent_at", ""));
      if (opened > 0) {
        const int64_t due = opened + ack_ms;
        legs.total.push_back(static_cast<double>(r.received_at_ms - due));
        if (sent_at > 0) {
          legs.open_to_send.push_back(static_cast<double>(sent_at - due));
          legs.send_to_receive.push_back(static_cast<double>(r.received_at_ms - sent_at));
        }
      }
      waiting.erase(it);
    }
    lost += DropExpired(waiting);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const std::string after = Scrape(http, metrics_url);

  // The service's own view of the same run: every timer it fired meanwhile
  // (escalations and the deliveries they create), from its histogram.
  std::map<double, double> b = HistogramBuckets(before, lateness, "timers=\"alerts\"");
  std::map<double, double> delta = HistogramBuckets(after, lateness, "timers=\"alerts\"");
  for (auto& [le, count] : delta) count -= b.contains(le) ? b[le] : 0;
  nlohmann::json histogram = nullptr;
  if (!delta.empty()) {
    histogram = {{"observations", delta.rbegin()->second},
                 {"p50_ms", std::round(1000 * HistogramQuantile(delta, 0.5))},
                 {"p99_ms", std::round(1000 * HistogramQuantile(delta, 0.99))}};
  }
  nlohmann::json out = {{"pending_added", pending},
                        {"pending_in_set", in_set},
                        {"add_seconds", std::round(add_s * 100) / 100},
                        {"probes", probes},
                        {"fired", legs.total.size()},
                        {"lost", lost},
                        {"rpc_errors", rpc_errors},
                        {"ack_timeout_ms", ack_ms},
                        {"interval_ms", interval_ms},
                        {"lag", Summary(legs.total)},
                        {"due_to_sent", Summary(legs.open_to_send)},
                        {"sent_to_received", Summary(legs.send_to_receive)},
                        {"service_lateness_histogram", histogram}};
  for (const char* k : {"p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms"}) out[k] = out["lag"][k];
  if (!first_error.empty()) out["first_error"] = first_error;
  std::printf("%s\n", out.dump().c_str());
  return rpc_errors == probes ? 1 : 0;
}

}  // namespace sqms::bench
