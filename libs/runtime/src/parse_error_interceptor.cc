#include "parse_error_interceptor.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/grpc_status.h"
#include "absl/time/clock.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/metrics.h"
#include "sqms/runtime/parse_failure.h"

namespace sqms::runtime {
namespace {

// The field of the last request that failed to parse on this thread, for
// the unary interceptor (which runs on the parsing thread). Each failure has
// a number, so this note and the shared one below are consumed together.
thread_local std::string failed_field;
thread_local uint64_t failed_seq = 0;

// The newest failure of the process, for a stream reactor whose read
// completes on another thread than the one gRPC parsed on (the usual case
// for the callback API). Shared by all calls: it names a field only of the
// reactor's own request type, only briefly, and is consumed once.
struct SharedFailure {
  std::string field;
  absl::Time at = absl::InfinitePast();
  uint64_t seq = 0;
};
ABSL_CONST_INIT absl::Mutex shared_mu(absl::kConstInit);
SharedFailure& Shared() ABSL_EXCLUSIVE_LOCKS_REQUIRED(shared_mu) {
  static auto* shared = new SharedFailure;
  return *shared;
}
std::atomic<uint64_t> next_seq{1};
constexpr absl::Duration kSharedWindow = absl::Seconds(1);

// Forgets the shared note if it is failure `seq` (consumed elsewhere).
void DropShared(uint64_t seq) {
  absl::MutexLock lock(&shared_mu);
  if (seq != 0 && Shared().seq == seq) Shared() = SharedFailure{};
}

void OnProtobufLog(google::protobuf::LogLevel level, const char* /*file*/, int /*line*/,
                   const std::string& message) {
  // "String field 'pkg.Message.field' contains invalid UTF-8 data when parsing ..."
  constexpr std::string_view kPrefix = "String field '";
  if (message.rfind(kPrefix, 0) == 0 && absl::StrContains(message, "when parsing")) {
    const size_t end = message.find('\'', kPrefix.size());
    if (end != std::string::npos) {
      failed_field = message.substr(kPrefix.size(), end - kPrefix.size());
      failed_seq = next_seq.fetch_add(1);
      absl::MutexLock lock(&shared_mu);
      Shared() = SharedFailure{failed_field, absl::Now(), failed_seq};
      return;
    }
  }
  if (level >= google::protobuf::LOGLEVEL_WARNING) log::Warn("protobuf", {{"message", message}});
}

// Depth-first from `message` to the message declaring `field`: the dotted
// path of message fields leading there ("" when `message` declares it), or
// nullopt. Repeated messages are named without an index (parsing reports no
// index).
std::optional<std::string> PathTo(const google::protobuf::Descriptor* message,
                                  const google::protobuf::FieldDescriptor* field, int depth) {
  if (field->containing_type() == message) return std::string();
  if (depth == 0) return std::nullopt;
  for (int i = 0; i < message->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = message->field(i);
    if (f->message_type() == nullptr) continue;
    if (auto rest = PathTo(f->message_type(), field, depth - 1)) return f->name() + "." + *rest;
  }
  return std::nullopt;
}

// "/pkg.Service/Method" → the method's request type, from the generated pool.
const google::protobuf::Descriptor* RequestType(const char* method) {
  if (method == nullptr) return nullptr;
  std::string name(method);
  if (!name.empty() && name[0] == '/') name.erase(0, 1);
  std::replace(name.begin(), name.end(), '/', '.');
  const auto* m = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  return m == nullptr ? nullptr : m->input_type();
}

// Created for every call, so it only keeps the method name and its start
// (valid for the call); the request type is looked up on the rare call
// whose request did not parse.
class ParseErrorInterceptor final : public grpc::experimental::Interceptor {
 public:
  ParseErrorInterceptor(const char* method, RpcMetrics* metrics)
      : method_(method), metrics_(metrics), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      const google::protobuf::Descriptor* request = nullptr;
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        request = RequestType(method_);
      }
      if (request != nullptr) {
        const FieldViolation violation =
            failed_field.empty()
                ? FieldViolation{"request",
                                 absl::StrCat("does not parse as ", request->full_name())}
                : FieldViolation{ApiFieldPath(request, failed_field), "is not valid UTF-8"};
        methods->ModifySendStatus(ToGrpcStatus(InvalidArgument({violation})));
        Count();
      }
      if (!failed_field.empty()) {
        failed_field.clear();
        DropShared(failed_seq);
      }
    }
    methods->Proceed();
  }

 private:
  // sqms_rpc_requests_total{service, method, code="INVALID_ARGUMENT"}.
  void Count() const {
    if (metrics_ == nullptr) return;
    // "/pkg.Service/Method"
    const std::string_view path(method_);
    const size_t slash = path.rfind('/');
    if (path.empty() || slash == 0 || slash == std::string_view::npos) return;
    metrics_->Observe(path.substr(1, slash - 1), path.substr(slash + 1), "INVALID_ARGUMENT",
                      std::chrono::steady_clock::now() - start_);
  }

  const char* method_;  // "/pkg.Service/Method"
  RpcMetrics* metrics_;
  const std::chrono::steady_clock::time_point start_;
};

class ParseErrorInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ParseErrorInterceptorFactory(RpcMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ParseErrorInterceptor(info->method(), metrics_);
  }

 private:
  RpcMetrics* metrics_;
};

// CamelCase → snake_case: "SlaClock" → "sla_clock".
std::string Snake(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (absl::ascii_isupper(c) && !out.empty()) out.push_back('_');
    out.push_back(absl::ascii_tolower(c));
  }
  return out;
}

}  // namespace

std::string TakeRequestParseFailure(const google::protobuf::Descriptor* request) {
  // Only the process-wide note: this thread's may be an older failure whose
  // reactor ran elsewhere (it would name another item's field).
  if (request == nullptr) return "";
  const absl::Time now = absl::Now();
  absl::MutexLock lock(&shared_mu);
  SharedFailure& shared = Shared();
  if (shared.field.empty() || now - shared.at >= kSharedWindow) return "";
  const auto* field =
      google::protobuf::DescriptorPool::generated_pool()->FindFieldByName(shared.field);
  if (field == nullptr || !PathTo(request, field, /*depth=*/6)) return "";
  std::string path = ApiFieldPath(request, shared.field);
  shared = SharedFailure{};
  return path;
}

void InstallProtobufParseErrorCapture() {
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(&OnProtobufLog); });
}

std::string ApiFieldPath(const google::protobuf::Descriptor* request,
                         const std::string& full_field_name) {
  const auto* field =
      google::protobuf::DescriptorPool::generated_pool()->FindFieldByName(full_field_name);
  if (request != nullptr && field != nullptr) {
    if (auto path = PathTo(request, field, /*depth=*/6)) return *path + field->name();
  }
  // Unknown request: "<message in snake_case>.<field>", the best guess.
  const size_t dot = full_field_name.rfind('.');
  if (dot == std::string::npos) return full_field_name;
  const std::string name = full_field_name.substr(dot + 1);
  const size_t message_start = full_field_name.rfind('.', dot - 1);
  const std::string message =
      full_field_name.substr(message_start + 1, dot - message_start - 1);
  return Snake(message) + "." + name;
}

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
ParseErrorInterceptors(RpcMetrics* metrics) {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<ParseErrorInterceptorFactory>(metrics));
  return out;
}

}  // namespace sqms::runtime
