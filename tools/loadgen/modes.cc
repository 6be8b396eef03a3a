#include "tools/loadgen/modes.h"

#include <cstdio>
#include <fstream>
#include <iostream>

#include "tools/loadgen/report.h"
#include "tools/sqmsctl/output.h"

namespace sqms::loadgen {

namespace {

// One line per answer, in answer order per stream: "<answered at ms> <latency ms>"
// (answered_at_ns and latencies_ns are filled together).
bool WriteLatencyLog(const std::string& path, const ComplaintTally& tally) {
  std::ofstream out(path, std::ios::trunc);
  for (size_t i = 0; i < tally.answered_at_ns.size(); ++i) {
    out << static_cast<double>(tally.answered_at_ns[i]) / 1e6 << ' '
        << static_cast<double>(tally.latencies_ns[i]) / 1e6 << '\n';
  }
  return static_cast<bool>(out);
}

void PrintCounts(const std::string& title, const std::map<std::string, int64_t>& counts) {
  tools::Table table({title, "COUNT"});
  for (const auto& [key, count] : counts) table.AddRow({key, std::to_string(count)});
  std::cout << table.Render() << "\n";
}

void PrintLines(const std::string& title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  std::cout << title << ":\n";
  for (const std::string& line : lines) std::cout << "  " << line << "\n";
}

void PrintComplaintSummary(const ComplaintRun& run) {
  const ComplaintTally& t = run.tally;
  std::printf(
      "complaints: %lld sent, %lld accepted (%lld duplicates linked, %lld replayed), "
      "%lld errors in %.2f s\n\n",
      static_cast<long long>(t.sent), static_cast<long long>(t.accepted),
      static_cast<long long>(t.duplicates), static_cast<long long>(t.replayed),
      static_cast<long long>(t.errors), run.seconds);
  std::fflush(stdout);
  PrintCounts("CATEGORY", t.by_category);
  PrintCounts("PRIORITY", t.by_priority);
  PrintCounts("DEPARTMENT", t.by_department);
  PrintCounts("CHANNEL", t.by_channel);
  if (!t.error_codes.empty()) PrintCounts("ERROR", t.error_codes);
  PrintLines("sample errors", t.error_samples);
  PrintLines("broken streams", run.failures);
}

void PrintContactSummary(const ContactRun& run) {
  std::cout << "contact events: " << run.sent << " sent, " << run.accepted << " accepted, "
            << run.rejected << " rejected\n";
  PrintLines("sample rejections", run.error_samples);
  PrintLines("broken streams", run.failures);
}

bool WriteIds(const std::string& path, const std::vector<std::string>& ids) {
  std::ofstream out(path, std::ios::trunc);
  for (const std::string& id : ids) out << id << "\n";
  return static_cast<bool>(out);
}

}  // namespace

int RunDemo(const LoadOptions& options, const std::string& ids_out) {
  if (absl::Status reachable = CheckReachable(options); !reachable.ok()) {
    std::cerr << "error: UNAVAILABLE: " << reachable.message() << std::endl;
    return 1;
  }
  ComplaintRun complaints = RunComplaints(options);
  PrintComplaintSummary(complaints);
  ContactRun contacts;
  if (options.contact_events > 0) {
    contacts = RunContactEvents(options);
    PrintContactSummary(contacts);
  }
  std::cout.flush();
  if (!ids_out.empty() && !WriteIds(ids_out, complaints.tally.ids)) {
    std::cerr << "error: cannot write " << ids_out << std::endl;
    return 1;
  }
  bool ok = complaints.failures.empty() && contacts.failures.empty() &&
            (options.complaints == 0 || complaints.tally.accepted > 0);
  return ok ? 0 : 1;
}

int RunBench(const LoadOptions& options) {
  if (absl::Status reachable = CheckReachable(options); !reachable.ok()) {
    std::cerr << "error: UNAVAILABLE: " << reachable.message() << std::endl;
    return 1;
  }
  ComplaintRun run = RunComplaints(options);
  for (const std::string& failure : run.failures) std::cerr << failure << std::endl;
  BenchReport report;
  report.sent = run.tally.sent;
  report.accepted = run.tally.accepted;
  report.replayed = run.tally.replayed;
  report.duplicates = run.tally.duplicates;
  report.errors = run.tally.errors;
  report.seconds = run.seconds;
  report.streams = options.streams;
  report.inflight = options.inflight;
  report.target_rate_per_s = options.rate_per_s;
  if (!options.latency_log.empty() && !WriteLatencyLog(options.latency_log, run.tally)) {
    std::cerr << "error: cannot write " << options.latency_log << std::endl;
    return 1;
  }
  report.latencies_ns = std::move(run.tally.latencies_ns);
  std::cout << report.ToJson() << std::endl;
  return run.failures.empty() ? 0 : 1;
}

}  // namespace sqms::loadgen
