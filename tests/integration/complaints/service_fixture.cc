#include "tests/integration/complaints/service_fixture.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sqms/runtime/http/http_client.h"

namespace sqms::complaints::it {
namespace {

using testing::WriteTextFile;

struct RoleInfo {
  const char* token;
  const char* subject;
  const char* name;
};

const RoleInfo& Info(Role role) {
  static const RoleInfo kInfo[] = {{"tok-agent", "agent-ann", "agent"},
                                   {"tok-supervisor", "supervisor-sam", "supervisor"},
                                   {"tok-admin", "admin-ada", "admin"},
                                   {"tok-service", "gateway-1", "service"}};
  return kInfo[static_cast<int>(role)];
}

}  // namespace

std::string SourceFile(const std::string& relative) {
  // tests/CMakeLists.txt passes ENVIRONMENT "A=..;B=.." as two list items, so
  // only SQMS_BUILD_DIR reaches the tests; fall back to this file's location.
  if (std::getenv("SQMS_SOURCE_DIR") != nullptr) return testing::SourcePath(relative);
  std::string here = __FILE__;
  const std::string suffix = "tests/integration/complaints/service_fixture.cc";
  if (here.size() >= suffix.size() &&
      here.compare(here.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return here.substr(0, here.size() - suffix.size()) + relative;
  }
  return testing::SourcePath(relative);
}

std::string Token(Role role) { return Info(role).token; }
std::string Subject(Role role) { return Info(role).subject; }
std::string RoleName(Role role) { return Info(role).name; }

absl::StatusOr<std::unique_ptr<ComplaintsStack>> ComplaintsStack::Start(
    const StackOptions& options) {
  std::unique_ptr<ComplaintsStack> stack(new ComplaintsStack());
  stack->options_ = options;
  stack->dir_ = testing::MakeTestDir(options.name);
  const std::string& dir = stack->dir_;
  stack->tokens_file_ = dir + "/tokens";
  stack->pii_key_file_ = dir + "/pii.key";
  stack->ready_file_ = dir + "/ready.json";
  stack->triage_file_ = options.triage_yaml.empty()
                            ? SourceFile("services/complaints/config/triage.yaml")
                            : dir + "/triage.yaml";
  std::string tokens = "# test tokens: <token> <subject> <role>\n";
  for (Role role : kAllRoles) {
    absl::StrAppend(&tokens, Token(role), " ", Subject(role), " ", RoleName(role), "\n");
  }
  if (auto s = WriteTextFile(stack->tokens_file_, tokens); !s.ok()) return s;
  if (auto s = WriteTextFile(stack->pii_key_file_, "integration-test-pii-key-0123456789abcdef");
      !s.ok()) {
    return s;
  }
  if (!options.triage_yaml.empty()) {
    if (auto s = WriteTextFile(stack->triage_file_, options.triage_yaml); !s.ok()) return s;
  }
  std::filesystem::create_directories(dir + "/redis");
  std::filesystem::create_directories(dir + "/kafka");
  if (options.redis_address.empty()) {
    auto redis = testing::RedisServer::Start(dir + "/redis");
    if (!redis.ok()) return redis.status();
    stack->redis_ = *std::move(redis);
  }
  auto kafka = testing::DevKafka::Start(dir + "/kafka");
  if (!kafka.ok()) return kafka.status();
  stack->kafka_ = *std::move(kafka);
  if (auto s = stack->StartService(); !s.ok()) return s;
  return stack;
}

ComplaintsStack::~ComplaintsStack() {
  if (service_ != nullptr) service_->Terminate(absl::Seconds(10));
  service_.reset();
  kafka_.reset();  // Process destructors SIGKILL and reap
  if (redis_ != nullptr) redis_->Stop();
}

absl::Status ComplaintsStack::StartService() {
  if (ServiceRunning()) return absl::OkStatus();
  std::vector<std::string> argv = {
      testing::BuildPath("services/complaints/sqms-complaints"),
      "--grpc-listen", "127.0.0.1:0",
      "--metrics-listen", "127.0.0.1:0",
      "--redis-address", redis_ != nullptr ? redis_->address() : options_.redis_address,
      "--kafka-brokers", kafka_->bootstrap(),
      "--tokens-file", tokens_file_,
      "--triage-config", triage_file_,
      "--pii-key-file", pii_key_file_,
      "--shards", std::to_string(options_.shards),
      "--ready-file", ready_file_,
      "--log-level", "debug"};
  if (!options_.redis_mode.empty()) argv.insert(argv.end(), {"--redis-mode", options_.redis_mode});
  if (options_.redis_timeout_ms > 0) {
    argv.insert(argv.end(), {"--redis-timeout-ms", std::to_string(options_.redis_timeout_ms)});
  }
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  const std::string log = absl::StrCat(dir_, "/service-", starts_++, ".log");
  testing::ReadyPorts ports;
  auto process = testing::StartServiceProcess(argv, log, ready_file_, &ports);
  if (!process.ok()) return process.status();
  service_ = *std::move(process);
  grpc_port_ = ports.grpc_port;
  metrics_port_ = ports.metrics_port;
  return absl::OkStatus();
}

void ComplaintsStack::KillService() {
  if (service_ != nullptr) service_->Kill();
  service_.reset();
}

int ComplaintsStack::StopService(absl::Duration timeout) {
  if (service_ == nullptr) return 0;
  int status = service_->Terminate(timeout);
  service_.reset();
  return status;
}

bool ComplaintsStack::ServiceRunning() { return service_ != nullptr && service_->Running(); }

std::shared_ptr<grpc::Channel> ComplaintsStack::Channel() const {
  return testing::LocalChannel(grpc_port_);
}

std::string ComplaintsStack::ScrapeMetrics() const {
  runtime::HttpClient http;
  runtime::HttpRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", metrics_port_, "/metrics");
  auto response = http.SendAndWait(request);
  return response.ok() ? response->body : "";
}

std::unique_ptr<v1::ComplaintService::Stub> ComplaintsStack::Complaints() const {
  return v1::ComplaintService::NewStub(Channel());
}

std::unique_ptr<contact::v1::ContactEventService::Stub> ComplaintsStack::Contact() const {
  return contact::v1::ContactEventService::NewStub(Channel());
}

std::unique_ptr<grpc::ClientContext> CtxWithToken(const std::string& token,
                                                  absl::Duration deadline) {
  return testing::CallContext(token, deadline);
}

std::unique_ptr<grpc::ClientContext> Ctx(std::optional<Role> role, absl::Duration deadline) {
  return CtxWithToken(role ? Token(*role) : "", deadline);
}

v1::SubmitComplaintRequest ValidSubmission(const std::string& tag) {
  static std::atomic<int> counter{0};
  // A unique 11-digit mobile number per submission: 139 + 8 digits.
  const int n = (static_cast<int>(getpid()) % 1000) * 100000 + counter++ % 100000;
  v1::SubmitComplaintRequest request;
  request.set_idempotency_key(Unique("idem-" + tag));
  request.set_channel(v1::CHANNEL_HOTLINE);
  request.set_title("Air conditioning broken in coach 5");
  request.set_content("The air conditioning in coach 5 of G101 did not work for two hours.");
  auto* who = request.mutable_complainant();
  who->set_name("Zhang Wei");
  who->set_phone(absl::StrCat("139", absl::StrFormat("%08d", n)));
  who->set_email(absl::StrCat("zhang.", n, "@example.com"));
  auto* where = request.mutable_location();
  where->set_region("East China");
  where->set_station("Shanghai Hongqiao");
  where->set_line("Jinghu");
  where->set_service_number("G101");
  return request;
}

ev::ContactEvent ValidContactEvent() {
  ev::ContactEvent e;
  e.set_event_id(Unique("evt"));
  e.set_contact_id(Unique("call"));
  e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  e.set_channel("hotline");
  e.set_department("customer-service");
  e.set_region("East China");
  e.set_station("Shanghai Hongqiao");
  e.set_category("ticketing");
  e.mutable_call_offered()->set_queue("12306-general");
  return e;
}

std::vector<contact::v1::ContactEventAck> StreamContact(const ComplaintsStack& stack,
                                                        const std::vector<ev::ContactEvent>& events) {
  auto contact = stack.Contact();
  auto ctx = Ctx(Role::kService, absl::Seconds(30));
  auto stream = contact->StreamContactEvents(ctx.get());
  std::thread writer([&] {
    for (const auto& e : events) {
      if (!stream->Write(e)) break;
    }
    stream->WritesDone();
  });
  std::vector<contact::v1::ContactEventAck> acks;
  contact::v1::ContactEventAck ack;
  while (stream->Read(&ack)) acks.push_back(ack);
  writer.join();
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << StatusText(status);
  return acks;
}

std::vector<ReadEvent> Decode(const std::vector<runtime::ConsumedRecord>& records,
                              const std::vector<std::string>& ids) {
  std::vector<ReadEvent> out;
  for (const auto& record : records) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), record.key) == ids.end()) continue;
    ReadEvent e;
    e.record = record;
    if (!e.event.ParseFromString(record.value)) {
      ADD_FAILURE() << "undecodable ComplaintEvent at offset " << record.offset;
      continue;
    }
    out.push_back(std::move(e));
  }
  return out;
}

size_t CountType(const std::vector<ReadEvent>& events, ev::ComplaintEventType type) {
  return static_cast<size_t>(std::count_if(
      events.begin(), events.end(), [&](const ReadEvent& e) { return e.event.type() == type; }));
}

v1::Complaint SubmitOk(v1::ComplaintService::Stub& stub, const v1::SubmitComplaintRequest& request,
                       Role role) {
  v1::SubmitComplaintResponse response;
  auto ctx = Ctx(role);
  grpc::Status status = stub.SubmitComplaint(ctx.get(), request, &response);
  EXPECT_TRUE(status.ok()) << StatusText(status);
  return response.complaint();
}

v1::LifecycleRequest Cmd(const std::string& id, int64_t expected_version, const std::string& note) {
  v1::LifecycleRequest cmd;
  cmd.set_id(id);
  cmd.set_expected_version(expected_version);
  cmd.set_note(note);
  return cmd;
}

void StackTest::SetUpTestSuite() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_suite();
  StackOptions options;
  options.name = info != nullptr ? info->name() : "complaints";
  auto stack = ComplaintsStack::Start(options);
  if (!stack.ok()) {
    // Not ADD_FAILURE here: a failed SetUpTestSuite makes gtest skip the
    // tests and CTest count them as passed-skipped. SetUp fails each instead.
    start_error_ = stack.status().ToString();
    return;
  }
  stack_ = *std::move(stack);
  stub_ = stack_->Complaints();
}

void StackTest::TearDownTestSuite() {
  stub_.reset();
  stack_.reset();
}

void StackTest::SetUp() {
  if (stack_ == nullptr) GTEST_FAIL() << "stack did not start: " << start_error_;
}

}  // namespace sqms::complaints::it
