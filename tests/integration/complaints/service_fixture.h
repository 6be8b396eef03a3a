#pragma once
// The complaints integration tests' stack: a real redis-server, devkafka
// (3 brokers) and the sqms-complaints binary, started in a per-test
// directory, plus helpers to call the service as each role and to read what
// it published to Kafka.
//
// Under CTest every TEST runs in its own process, so a suite-wide stack
// (StackTest::SetUpTestSuite) is still fresh for each test; when the binary
// runs all tests at once they share it, so tests only look at complaints
// they created themselves.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sqms/complaints/v1/service.grpc.pb.h"
#include "sqms/contact/v1/service.grpc.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "sqms/runtime/kafka_consumer.h"
#include "tests/support/service_client.h"
#include "tests/support/support.h"

namespace sqms::complaints::it {

namespace v1 = ::sqms::complaints::v1;
namespace ev = ::sqms::events::v1;

inline constexpr char kComplaintsTopic[] = "sqms.complaints.v1";
inline constexpr char kContactTopic[] = "sqms.contact.v1";

// <source dir>/<relative>, also when CTest did not pass SQMS_SOURCE_DIR.
std::string SourceFile(const std::string& relative);

// The four roles of the tokens file; each has one token and one subject.
enum class Role { kAgent, kSupervisor, kAdmin, kService };
inline constexpr Role kAllRoles[] = {Role::kAgent, Role::kSupervisor, Role::kAdmin,
                                     Role::kService};
std::string Token(Role role);    // "tok-agent", ...
std::string Subject(Role role);  // "agent-ann", ... (the actor in audits)
std::string RoleName(Role role);

struct StackOptions {
  std::string name = "complaints";  // test directory name
  std::string triage_yaml;          // "" = the shipped triage.yaml
  int shards = 4;
  int redis_timeout_ms = 0;         // 0 = the service's default
  // Another Redis than the stack's own: "--redis-mode" and "--redis-address"
  // (e.g. "cluster" and a RedisCluster's seeds). When set, the stack starts
  // no redis-server and redis() must not be called.
  std::string redis_mode;
  std::string redis_address;
  // More flags for the binary (e.g. the TLS files); its channels stay
  // plaintext, so a test of TLS makes its own.
  std::vector<std::string> extra_args;
};

// Redis + devkafka + the service. Not thread-safe to start/stop; the stubs
// it hands out may be used from any thread.
class ComplaintsStack {
 public:
  static absl::StatusOr<std::unique_ptr<ComplaintsStack>> Start(const StackOptions& options);
  ~ComplaintsStack();  // stops the service, devkafka and Redis

  // Starts the binary (if not running) and waits for its ready file.
  absl::Status StartService();
  void KillService();          // SIGKILL
  // SIGTERM; the exit status (SIGKILL after `timeout`: 128 + 9).
  int StopService(absl::Duration timeout = absl::Seconds(15));
  absl::Status RestartService() { StopService(); return StartService(); }
  bool ServiceRunning();
  // --shards of the next StartService.
  void set_shards(int shards) { options_.shards = shards; }

  testing::RedisServer& redis() { return *redis_; }
  testing::DevKafka& kafka() { return *kafka_; }
  const std::string& dir() const { return dir_; }
  int grpc_port() const { return grpc_port_; }
  int metrics_port() const { return metrics_port_; }
  // GET /metrics of the running service ("" on error).
  std::string ScrapeMetrics() const;

  // A fresh channel to the running service (changes across restarts).
  std::shared_ptr<grpc::Channel> Channel() const;
  std::unique_ptr<v1::ComplaintService::Stub> Complaints() const;
  std::unique_ptr<contact::v1::ContactEventService::Stub> Contact() const;

 private:
  ComplaintsStack() = default;
  StackOptions options_;
  std::string dir_;
  std::string tokens_file_, pii_key_file_, triage_file_, ready_file_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
  int starts_ = 0;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::DevKafka> kafka_;
  std::unique_ptr<testing::Process> service_;
};

// A client context with `authorization: Bearer <token of role>` (no header
// when `role` is empty) and a deadline.
std::unique_ptr<grpc::ClientContext> Ctx(std::optional<Role> role,
                                         absl::Duration deadline = absl::Seconds(10));
std::unique_ptr<grpc::ClientContext> CtxWithToken(const std::string& token,
                                                  absl::Duration deadline = absl::Seconds(10));

// A valid submission whose complainant data is unique to `tag` (so no two
// submissions are duplicates of each other unless the test wants it).
v1::SubmitComplaintRequest ValidSubmission(const std::string& tag);
// A valid call_offered contact event (event_id and contact_id unique).
ev::ContactEvent ValidContactEvent();
// Streams `events` in one StreamContactEvents call as role service, writing
// while it reads; the acks, in order. Fails the current test when the
// stream ends with an error.
std::vector<contact::v1::ContactEventAck> StreamContact(const ComplaintsStack& stack,
                                                        const std::vector<ev::ContactEvent>& events);
// From sqms_test_support (tests/support/service_client.h).
using testing::StatusText;
using testing::Unique;
using testing::ViolationFields;

// One decoded record of sqms.complaints.v1.
struct ReadEvent {
  runtime::ConsumedRecord record;
  ev::ComplaintEvent event;
};
// Decodes `records`, keeping those keyed by one of `ids` (all when empty),
// in topic order per key.
std::vector<ReadEvent> Decode(const std::vector<runtime::ConsumedRecord>& records,
                              const std::vector<std::string>& ids = {});
size_t CountType(const std::vector<ReadEvent>& events, ev::ComplaintEventType type);

// Shortcuts over a stub; they fail the current test on an RPC error.
v1::Complaint SubmitOk(v1::ComplaintService::Stub& stub, const v1::SubmitComplaintRequest& request,
                       Role role = Role::kService);
v1::LifecycleRequest Cmd(const std::string& id, int64_t expected_version = 0,
                         const std::string& note = "");

// Base for tests that share one stack per suite (default options).
class StackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  static ComplaintsStack& stack() { return *stack_; }
  static v1::ComplaintService::Stub& stub() { return *stub_; }

 private:
  inline static std::unique_ptr<ComplaintsStack> stack_;
  inline static std::unique_ptr<v1::ComplaintService::Stub> stub_;
  inline static std::string start_error_;
};

}  // namespace sqms::complaints::it
