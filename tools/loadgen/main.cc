// sqms-loadgen: the call-center simulation behind `make demo` and
// `make bench`. Parses flags and runs a mode; the logic is in loadgen_lib.
#include <CLI/CLI.hpp>
#include <chrono>
#include <exception>
#include <iostream>

#include "tools/loadgen/modes.h"
#include "tools/sqmsctl/client.h"

namespace {

// A run id unique enough that a rerun is not answered from the previous
// run's idempotency records.
std::string DefaultRunId() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

int64_t NowUnixSeconds() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(now).count();
}

}  // namespace

int main(int argc, char** argv) {
  using sqms::loadgen::LoadOptions;
  CLI::App app{"sqms-loadgen: simulated call-center traffic for SQMS"};
  LoadOptions options;
  options.complaints = -1;
  options.contact_events = -1;
  std::string mode = "demo";
  std::string run_id;
  std::string ids_out;
  app.add_option("--server", options.client.server, "host:port")
      ->envname("SQMS_SERVER")
      ->capture_default_str();
  app.add_option("--token", options.client.token, "bearer token")->envname("SQMS_TOKEN");
  sqms::tools::AddTlsFlags(app, options.client.tls);
  app.add_option("--mode", mode, "demo or bench")
      ->check(CLI::IsMember({"demo", "bench"}))
      ->capture_default_str();
  app.add_option("--complaints", options.complaints,
                 "complaints to submit (demo 200, bench 100000)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--contact-events", options.contact_events, "contact events (demo 300, bench 0)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--streams", options.streams, "concurrent streams")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--inflight", options.inflight, "outstanding requests per stream")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--rate", options.rate_per_s, "requests per second over all streams; 0 = max")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--seed", options.generator.seed, "generator seed")->capture_default_str();
  app.add_option("--run-id", run_id, "prefix of idempotency keys and event ids (default: time)");
  app.add_option("--duplicate-share", options.generator.duplicate_share,
                 "share of repeat complaints (same person, issue, station)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--retry-share", options.generator.retry_share,
                 "share of retried submissions (same idempotency key)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  std::string view = "basic";
  app.add_option("--view", view,
                 "what each answer carries: basic (the outcome) or full (the complaint)")
      ->check(CLI::IsMember({"basic", "full"}))
      ->capture_default_str();
  app.add_option("--connect-timeout", options.client.timeout_seconds,
                 "seconds to wait for the server")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--ids-out", ids_out, "demo: write accepted complaint ids to this file");
  app.add_option("--latency-log", options.latency_log,
                 "bench: write '<answered at ms> <latency ms>' per answer to this file");
  int64_t base_unix_seconds = 0;
  app.add_option("--base-unix-seconds", base_unix_seconds,
                 "event times fall in the 90 minutes after this (0: from 3 h ago)")
      ->check(CLI::NonNegativeNumber);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (absl::Status s = sqms::tools::LoadChannelCredentials(options.client); !s.ok()) {
    std::cerr << "error: " << s.message() << std::endl;
    return 2;
  }
  bool bench = mode == "bench";
  options.generator.view = view == "full" ? sqms::complaints::v1::COMPLAINT_VIEW_FULL
                                          : sqms::complaints::v1::COMPLAINT_VIEW_BASIC;
  if (options.complaints < 0) options.complaints = bench ? 100000 : 200;
  if (options.contact_events < 0) options.contact_events = bench ? 0 : 300;
  options.generator.id_prefix = "lg" + (run_id.empty() ? DefaultRunId() : run_id);
  options.generator.base_unix_seconds =
      base_unix_seconds > 0 ? base_unix_seconds : NowUnixSeconds() - 3 * 3600;
  options.detailed = !bench;
  try {
    return bench ? sqms::loadgen::RunBench(options) : sqms::loadgen::RunDemo(options, ids_out);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return 1;
  }
}
