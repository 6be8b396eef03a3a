#include "parse_error_interceptor.h"

#include <algorithm>
#include <mutex>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/grpc_status.h"
#include "absl/time/clock.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/parse_failure.h"

namespace sqms::runtime {
namespace {

// The field of the last request that failed to parse on this thread, and
// when (a stream reactor must not mistake an old failure for a new one).
thread_local std::string failed_field;
thread_local absl::Time failed_at = absl::InfinitePast();

void OnProtobufLog(google::protobuf::LogLevel level, const char* /*file*/, int /*line*/,
                   const std::string& message) {
  // "String field 'pkg.Message.field' contains invalid UTF-8 data when parsing ..."
  constexpr std::string_view kPrefix = "String field '";
  if (message.rfind(kPrefix, 0) == 0 && absl::StrContains(message, "when parsing")) {
    const size_t end = message.find('\'', kPrefix.size());
    if (end != std::string::npos) {
      failed_field = message.substr(kPrefix.size(), end - kPrefix.size());
      failed_at = absl::Now();
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

// Created for every call, so it only keeps the method name (valid for the
// call); the request type is looked up on the rare call whose request did
// not parse.
class ParseErrorInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ParseErrorInterceptor(const char* method) : method_(method) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS) &&
        !failed_field.empty()) {
      const grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED && status.error_message().empty()) {
        methods->ModifySendStatus(ToGrpcStatus(InvalidArgument(
            {{ApiFieldPath(RequestType(method_), failed_field), "is not valid UTF-8"}})));
      }
      failed_field.clear();
    }
    methods->Proceed();
  }

 private:
  const char* method_;  // "/pkg.Service/Method"
};

class ParseErrorInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new ParseErrorInterceptor(info->method());
  }
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
  std::string field;
  if (!failed_field.empty() && absl::Now() - failed_at < absl::Seconds(1)) {
    field = ApiFieldPath(request, failed_field);
  }
  failed_field.clear();
  return field;
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
ParseErrorInterceptors() {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> out;
  out.push_back(std::make_unique<ParseErrorInterceptorFactory>());
  return out;
}

}  // namespace sqms::runtime
