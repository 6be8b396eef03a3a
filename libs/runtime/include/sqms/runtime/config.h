#pragma once
// Configuration every service shares: flags with environment-variable
// equivalents (flag --redis-address ⇔ env SQMS_REDIS_ADDRESS), parsed by
// CLI11 and validated in one place. A bad value fails start-up with a
// message naming the flag, its variable and the problem, e.g.
//   config: --redis-address (SQMS_REDIS_ADDRESS): "localhost" is not host:port

#include <string>
#include <string_view>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/kafka_producer.h"
#include "sqms/runtime/kafka_properties.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::runtime {

// What a shutdown needs after its RPC drain, at least (CommonConfig::
// shutdown_seconds): the outbox relay's flush with Kafka down, its
// producer's and the consumers' close.
inline constexpr int kShutdownAfterDrain = 12;

struct CommonConfig {
  std::string grpc_listen = "0.0.0.0:50051";
  std::string metrics_listen = "0.0.0.0:9464";
  std::string redis_address = "127.0.0.1:6379";  // cluster mode: seeds, comma-separated
  std::string redis_mode = "standalone";           // standalone or cluster
  std::string redis_password_file;       // optional; secret read from file
  int redis_timeout_ms = 2000;           // per command
  std::string kafka_brokers = "127.0.0.1:9092";  // KAFKA_BROKERS also accepted
  std::string
      kafka_properties_file;  // optional: librdkafka properties (TLS, SASL), kafka_properties.h
  std::string tokens_file;               // required: bearer tokens
  std::string log_level = "info";
  int drain_seconds = 10;
  // On SIGTERM, how long the whole shutdown may take before the process
  // exits anyway (status 3, logged): librdkafka 2.0 can block for good
  // closing a consumer whose brokers vanished meanwhile. No acknowledged
  // data is lost by exiting then (every service survives SIGKILL; the
  // outbox's unsent events wait in Redis for the next relay). At least
  // kShutdownAfterDrain more than drain_seconds (the relay's flush and the
  // consumers' close after the drain); under the pod's
  // terminationGracePeriodSeconds less its preStop, so the log says why.
  int shutdown_seconds = 22;
  // TLS of the gRPC port (GrpcTlsOptions): both files or neither; neither
  // is plaintext, logged as a warning at start-up.
  std::string tls_cert_file;       // PEM certificate chain
  std::string tls_key_file;        // PEM private key of tls_cert_file
  std::string tls_client_ca_file;  // optional, with TLS: require client certificates (mTLS)
  std::string grpc_health_listen;  // optional plaintext grpc.health.v1-only host:port (probes)
};

// Registers the flags (with env names) on `app`, writing into `config`.
void AddCommonFlags(CLI::App& app, CommonConfig& config);

// Checks every common value; INVALID_ARGUMENT naming flag and env var.
// Reads the TLS files when they are set: each must be readable and hold
// what its flag says (a certificate, an unencrypted key of that
// certificate, a CA bundle), so a bad one fails start-up, not handshakes.
absl::Status Validate(const CommonConfig& config);

// Derived option structs (call after Validate).
absl::StatusOr<RedisOptions> RedisOptionsFrom(const CommonConfig& config);
// The brokers and the properties of --kafka-properties-file (none without
// it): what every Kafka client of the service connects with. Errors name
// the flag (the file is read again; Validate checked it).
absl::StatusOr<KafkaConnection> KafkaConnectionFrom(const CommonConfig& config);
KafkaProducerOptions KafkaProducerOptionsFrom(const KafkaConnection& kafka, std::string client_id);
// `rpc_metrics`: GrpcServerOptions::rpc_metrics (borrowed; may be null).
GrpcServerOptions GrpcServerOptionsFrom(const CommonConfig& config, RpcMetrics* rpc_metrics);

// Registers one service-specific flag `--<flag>` with its variable
// SQMS_<FLAG> (dashes become underscores), as the common flags are.
CLI::Option* AddFlag(CLI::App& app, std::string_view flag, std::string& value, std::string help);
CLI::Option* AddFlag(CLI::App& app, std::string_view flag, int& value, std::string help);
// A switch `--<flag>` (no value; SQMS_<FLAG>=true|false in the environment).
CLI::Option* AddSwitch(CLI::App& app, std::string_view flag, bool& value, std::string help);
// A list: comma-separated in one value, or the flag repeated.
CLI::Option* AddFlag(CLI::App& app, std::string_view flag, std::vector<std::string>& value,
                     std::string help);
// INVALID_ARGUMENT "config: --<flag> (SQMS_<FLAG>): <problem>".
absl::Status ConfigError(std::string_view flag, std::string_view problem);

// Parses "host:port"; INVALID_ARGUMENT naming `key` when malformed.
absl::Status ParseHostPort(const std::string& value, const std::string& key, std::string* host,
                           int* port);
// Reads a whole file (secrets, tokens); NOT_FOUND / PERMISSION_DENIED naming it.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace sqms::runtime
