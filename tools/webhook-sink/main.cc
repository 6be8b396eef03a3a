// webhook-sink: receives the alert notification webhooks (generic JSON,
// DingTalk, WeCom, Feishu) for the demo and the integration tests. Answers
// as the robots do — {"errcode":0,"errmsg":"ok"} (DingTalk, WeCom, generic),
// {"code":0,"msg":"success",…} to a Feishu body ("msg_type") —, appends
// each request to --out as one JSON line, prints a human summary per
// request, fails --fail-path requests with 503 so tests can exercise
// retries, and answers --body-error paths HTTP 200 with the given body, as
// a robot refusing a message does (wrong keyword or signature, too fast).
//
//   webhook-sink --listen 127.0.0.1:0 --port-file port --out hooks.jsonl
//   webhook-sink … --body-error '/dingtalk={"errcode":310000,"errmsg":"keywords not in content"}'
//   curl -d '{"msgtype":"text","text":{"content":"hi"}}' http://127.0.0.1:$(cat port)/hook

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/http/http_server.h"

namespace {

using nlohmann::json;
using sqms::runtime::HttpServerRequest;
using sqms::runtime::HttpServerResponse;

struct Flags {
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  std::string out;
  bool quiet = false;
  std::vector<std::string> extra_paths;
  std::vector<std::string> fail_paths;
  std::vector<std::string> body_errors;  // "PATH=BODY"
  std::string token;
};

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string FirstLine(const std::string& text) { return text.substr(0, text.find('\n')); }

// Header names lower-cased; a repeated header's values joined with ", ".
json LowerCaseHeaders(const HttpServerRequest& request) {
  json headers = json::object();
  for (const auto& [raw_name, value] : request.headers) {
    std::string name = absl::AsciiStrToLower(raw_name);
    headers[name] = headers.contains(name)
                        ? absl::StrCat(headers[name].get<std::string>(), ", ", value)
                        : value;
  }
  return headers;
}

// The parsed JSON body, or the raw text when it is not JSON.
json ParseBody(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? json(body) : parsed;
}

// The string at JSON pointer `at`, or "" when absent or not a string.
std::string StringAt(const json& body, const char* at) {
  json::json_pointer pointer(at);
  return body.contains(pointer) && body[pointer].is_string() ? body[pointer].get<std::string>()
                                                             : "";
}

// The generic body as "[DRILL] [I] title — kind (tier N)"; its tier is
// 0-based, shown 1-based as in the robots' text.
std::string DescribeGeneric(const json& body) {
  bool drill = body.contains("drill") && body["drill"] == true;
  int tier = body.contains("tier") && body["tier"].is_number_integer() ? body["tier"].get<int>() : 0;
  std::string title = StringAt(body, "/title");
  if (drill && title.rfind("[DRILL] ", 0) == 0) title = title.substr(8);  // marked once
  return absl::StrCat(drill ? "[DRILL] " : "", "[", StringAt(body, "/level"), "] ",
                      title, " — ", StringAt(body, "/kind"), " (tier ",
                      tier + 1, ")");
}

// What a person watching the demo wants to read: the robots' title or first
// line of text, the generic body's summary, or the start of anything else.
std::string Describe(const json& body) {
  for (const char* at : {"/markdown/title", "/markdown/content", "/content/text", "/text/content"}) {
    std::string text = StringAt(body, at);
    if (!text.empty()) return FirstLine(text);
  }
  if (body.is_object() && body.contains("kind") && body.contains("title")) {
    return DescribeGeneric(body);
  }
  std::string raw = body.is_string() ? body.get<std::string>() : Dump(body);
  return raw.size() > 120 ? raw.substr(0, 120) + "…" : raw;
}

// Writes each request to the --out file and stdout; called from the
// server's worker threads.
class Recorder {
 public:
  Recorder(int out_fd, bool quiet) : out_fd_(out_fd), quiet_(quiet) {}

  void Record(const HttpServerRequest& request, int status) {
    absl::Time now = absl::Now();
    json body = ParseBody(request.body);
    std::string line = Dump({{"received_at_ms", absl::ToUnixMillis(now)},
                             {"path", request.path},
                             {"status", status},
                             {"headers", LowerCaseHeaders(request)},
                             {"body", body}}) + "\n";
    absl::MutexLock lock(&mu_);
    // One write per line (O_APPEND), so a reader never sees half of one.
    if (out_fd_ >= 0 && write(out_fd_, line.data(), line.size()) < 0) {
      std::perror("webhook-sink: --out");
    }
    if (!quiet_) {
      std::cout << absl::FormatTime("%H:%M:%E3S", now, absl::LocalTimeZone()) << " "
                << request.path << " " << status << " " << Describe(body) << std::endl;
    }
  }

 private:
  absl::Mutex mu_;  // keeps lines whole and in one order in both outputs
  const int out_fd_;
  const bool quiet_;
};

bool ParseListen(const std::string& listen, std::string* host, int* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), port) ||
      *port < 0 || *port > 65535) {
    return false;
  }
  *host = listen.substr(0, colon);
  if (host->size() > 1 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  return !host->empty();
}

bool WriteAtomically(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return false;
  bool ok = std::fputs(content.c_str(), f) >= 0;
  ok = std::fclose(f) == 0 && ok;
  return ok && std::rename(tmp.c_str(), path.c_str()) == 0;
}

// A robot's "accepted" in the format of the request: Feishu bodies carry
// "msg_type" and get Feishu's answer; the rest DingTalk's and WeCom's.
std::string SuccessBody(const std::string& request_body) {
  json body = json::parse(request_body, nullptr, /*allow_exceptions=*/false);
  if (body.is_object() && body.contains("msg_type")) {
    return R"({"StatusCode":0,"StatusMessage":"success","code":0,"data":{},"msg":"success"})";
  }
  return R"({"errcode":0,"errmsg":"ok"})";
}

// --body-error "PATH=BODY" flags as path → body; false (naming the flag)
// on one without "=" or a path not starting with "/".
bool ParseBodyErrors(const std::vector<std::string>& flags,
                     std::map<std::string, std::string>* out) {
  for (const std::string& flag : flags) {
    size_t eq = flag.find('=');
    if (eq == std::string::npos || eq == 0 || flag[0] != '/') {
      std::cerr << "webhook-sink: --body-error '" << flag << "': expected /path=body\n";
      return false;
    }
    (*out)[flag.substr(0, eq)] = flag.substr(eq + 1);
  }
  return true;
}

void AddRoutes(const Flags& flags, const std::map<std::string, std::string>& body_errors,
               Recorder& recorder, sqms::runtime::HttpServer& server) {
  std::set<std::string> fail(flags.fail_paths.begin(), flags.fail_paths.end());
  std::set<std::string> all = {"/hook", "/dingtalk", "/wecom", "/feishu"};
  all.insert(flags.extra_paths.begin(), flags.extra_paths.end());
  all.insert(fail.begin(), fail.end());
  for (const auto& [path, body] : body_errors) all.insert(path);
  for (const std::string& path : all) {
    bool fails = fail.contains(path);
    auto refusal = body_errors.find(path);
    std::optional<std::string> refuse;
    if (refusal != body_errors.end()) refuse = refusal->second;
    server.Handle("POST", path, [&recorder, fails, refuse](const HttpServerRequest& request) {
      HttpServerResponse response;
      response.status = fails ? 503 : 200;
      response.content_type = "application/json";
      response.body = fails    ? R"({"errcode":503,"errmsg":"failing on purpose: --fail-path"})"
                      : refuse ? *refuse
                               : SuccessBody(request.body);
      recorder.Record(request, response.status);
      return response;
    });
  }
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  CLI::App app{"webhook-sink: records alert notification webhooks (demo and tests)"};
  app.add_option("--listen", flags.listen, "host:port to bind (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--port-file", flags.port_file, "Write the bound port here once listening");
  app.add_option("--out", flags.out, "Append one JSON line per request to this file");
  app.add_flag("--quiet", flags.quiet, "No per-request line on stdout");
  app.add_option("--path", flags.extra_paths, "Accept POSTs on this path too (repeatable)");
  app.add_option("--fail-path", flags.fail_paths, "Answer 503 on this path (repeatable)");
  app.add_option("--body-error", flags.body_errors,
                 "Answer HTTP 200 with this body on this path, as a robot refusing a message "
                 "does: /path={\"errcode\":310000,…} (repeatable)");
  app.add_option("--token", flags.token, "Require \"Authorization: Bearer <token>\" (else 401)");
  CLI11_PARSE(app, argc, argv);

  std::map<std::string, std::string> body_errors;
  if (!ParseBodyErrors(flags.body_errors, &body_errors)) return 2;
  sqms::runtime::HttpServerOptions options;
  if (!ParseListen(flags.listen, &options.host, &options.port)) {
    std::cerr << "webhook-sink: --listen '" << flags.listen << "': expected host:port\n";
    return 2;
  }
  if (!flags.token.empty()) options.auth.bearer_tokens = {flags.token};
  // Each idle keep-alive connection holds a worker; a sender's burst opens a
  // connection per request, which must not queue behind idle ones (they
  // would time out waiting and be sent again).
  options.worker_threads = 128;
  int out_fd = -1;
  if (!flags.out.empty() &&
      (out_fd = open(flags.out.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
    std::perror(("webhook-sink: --out " + flags.out).c_str());
    return 1;
  }

  // Before any thread exists, so the signals reach WaitForShutdownSignal.
  sqms::runtime::BlockShutdownSignals();
  Recorder recorder(out_fd, flags.quiet);
  sqms::runtime::HttpServer server(options);
  AddRoutes(flags, body_errors, recorder, server);
  if (absl::Status started = server.Start(); !started.ok()) {
    std::cerr << "webhook-sink: " << started << "\n";
    return 1;
  }
  if (!flags.port_file.empty() &&
      !WriteAtomically(flags.port_file, absl::StrCat(server.port(), "\n"))) {
    std::perror(("webhook-sink: --port-file " + flags.port_file).c_str());
    return 1;
  }
  if (!flags.quiet) {
    std::cout << "webhook-sink: listening on " << options.host << ":" << server.port() << std::endl;
  }
  sqms::runtime::WaitForShutdownSignal();
  server.Stop();
  if (out_fd >= 0) close(out_fd);
  return 0;
}
