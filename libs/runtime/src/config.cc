#include "sqms/runtime/config.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "sqms/runtime/tls_files.h"

namespace sqms::runtime {
namespace {

// Debian's Abseil is built without ABSL_USES_STD_STRING_VIEW.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// "--flag (ENV)", the way every config message names a key.
std::string Key(std::string_view flag) {
  std::string env = absl::StrCat("SQMS_", Sv(flag));
  for (char& c : env) c = c == '-' ? '_' : absl::ascii_toupper(c);
  return absl::StrCat("--", Sv(flag), " (", env, ")");
}

absl::Status Invalid(std::string_view flag, std::string_view problem) {
  return ConfigError(flag, problem);
}

template <typename T>
CLI::Option* Add(CLI::App& app, std::string_view flag, T& value, std::string help) {
  std::string env = Key(flag);
  env = env.substr(env.find('(') + 1);
  env.pop_back();
  return app.add_option(absl::StrCat("--", Sv(flag)), value, std::move(help))
      ->envname(env)
      ->capture_default_str();
}

absl::Status CheckHostPort(std::string_view flag, const std::string& value) {
  std::string host;
  int port = 0;
  return ParseHostPort(value, Key(flag), &host, &port);
}

// --redis-mode and --redis-address into `options`: one host:port, or in
// cluster mode a comma-separated list of seeds.
absl::Status ParseRedisAddress(const CommonConfig& config, RedisOptions* options) {
  if (config.redis_mode != "cluster") {
    return ParseHostPort(config.redis_address, Key("redis-address"), &options->host,
                         &options->port);
  }
  options->mode = RedisMode::kCluster;
  for (absl::string_view seed : absl::StrSplit(config.redis_address, ',', absl::SkipWhitespace())) {
    RedisNodeAddress address;
    if (auto s = ParseHostPort(std::string(absl::StripAsciiWhitespace(seed)), Key("redis-address"),
                               &address.host, &address.port);
        !s.ok()) {
      return s;
    }
    options->cluster_seeds.push_back(std::move(address));
  }
  if (options->cluster_seeds.empty()) return Invalid("redis-address", "names no seed node");
  options->host = options->cluster_seeds.front().host;
  options->port = options->cluster_seeds.front().port;
  return absl::OkStatus();
}

// The file `flag` names, read and passed through `check`: its contents, or
// INVALID_ARGUMENT naming the flag, the file and what is wrong with it.
absl::StatusOr<std::string> ReadCheckedFile(std::string_view flag, const std::string& path,
                                            absl::Status (*check)(std::string_view)) {
  absl::StatusOr<std::string> contents = ReadFileToString(path);
  if (!contents.ok()) return Invalid(flag, std::string(contents.status().message()));
  if (absl::Status s = check(*contents); !s.ok()) {
    return Invalid(flag, absl::StrCat(path, ": ", s.message()));
  }
  return contents;
}

// Both TLS files or neither, the CA bundle only with them, and each file
// readable and holding what its flag says.
absl::Status ValidateTls(const CommonConfig& config) {
  const bool cert = !config.tls_cert_file.empty();
  const bool key = !config.tls_key_file.empty();
  if (cert && !key) return Invalid("tls-key-file", "is required with --tls-cert-file");
  if (key && !cert) return Invalid("tls-cert-file", "is required with --tls-key-file");
  if (!cert) {
    if (config.tls_client_ca_file.empty()) return absl::OkStatus();
    return Invalid("tls-client-ca-file", "needs --tls-cert-file and --tls-key-file (TLS)");
  }
  absl::StatusOr<std::string> cert_pem =
      ReadCheckedFile("tls-cert-file", config.tls_cert_file, CheckPemCertificates);
  if (!cert_pem.ok()) return cert_pem.status();
  absl::StatusOr<std::string> key_pem =
      ReadCheckedFile("tls-key-file", config.tls_key_file, CheckPemPrivateKey);
  if (!key_pem.ok()) return key_pem.status();
  if (!CheckKeyMatchesCertificate(*cert_pem, *key_pem).ok()) {
    return Invalid("tls-key-file",
                   absl::StrCat(config.tls_key_file, ": is not the private key of the certificate ",
                                "in --tls-cert-file (", config.tls_cert_file, ")"));
  }
  if (config.tls_client_ca_file.empty()) return absl::OkStatus();
  return ReadCheckedFile("tls-client-ca-file", config.tls_client_ca_file, CheckPemCertificates)
      .status();
}

}  // namespace

CLI::Option* AddFlag(CLI::App& app, std::string_view flag, std::string& value, std::string help) {
  return Add(app, flag, value, std::move(help));
}

CLI::Option* AddFlag(CLI::App& app, std::string_view flag, int& value, std::string help) {
  return Add(app, flag, value, std::move(help));
}

CLI::Option* AddSwitch(CLI::App& app, std::string_view flag, bool& value, std::string help) {
  std::string env = Key(flag);
  env = env.substr(env.find('(') + 1);
  env.pop_back();
  return app.add_flag(absl::StrCat("--", Sv(flag)), value, std::move(help))->envname(env);
}

CLI::Option* AddFlag(CLI::App& app, std::string_view flag, std::vector<std::string>& value,
                     std::string help) {
  return Add(app, flag, value, std::move(help))->delimiter(',');
}

absl::Status ConfigError(std::string_view flag, std::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("config: ", Key(flag), ": ", Sv(problem)));
}

void AddCommonFlags(CLI::App& app, CommonConfig& config) {
  // The name Kafka tooling and our manifests use; SQMS_KAFKA_BROKERS and the
  // flag still win over it.
  if (const char* brokers = std::getenv("KAFKA_BROKERS"); brokers != nullptr && *brokers != 0) {
    config.kafka_brokers = brokers;
  }
  Add(app, "grpc-listen", config.grpc_listen, "gRPC listen address host:port (port 0: any)");
  Add(app, "metrics-listen", config.metrics_listen, "Prometheus /metrics listen address host:port");
  Add(app, "redis-address", config.redis_address,
      "Redis host:port; cluster mode: seed nodes host:port[,host:port...]");
  Add(app, "redis-mode", config.redis_mode,
      "standalone (one Redis) or cluster (Redis Cluster: slot routing, MOVED/ASK)");
  Add(app, "redis-password-file", config.redis_password_file, "File holding the Redis password");
  Add(app, "redis-timeout-ms", config.redis_timeout_ms, "Deadline of one Redis command, ms");
  Add(app, "kafka-brokers", config.kafka_brokers,
      "Kafka bootstrap servers host:port[,host:port...] (KAFKA_BROKERS also accepted)");
  Add(app, "kafka-properties-file", config.kafka_properties_file,
      "File of librdkafka properties key=value for every Kafka client (TLS: security.protocol, "
      "ssl.ca.location; SASL: sasl.mechanism, sasl.username, sasl.password); optional");
  Add(app, "tokens-file", config.tokens_file, "Bearer tokens file: <token> <subject> <role>");
  Add(app, "log-level", config.log_level, "debug, info, warn or error");
  Add(app, "drain-seconds", config.drain_seconds, "On SIGTERM, finish RPCs for this long");
  Add(app, "shutdown-seconds", config.shutdown_seconds,
      "On SIGTERM, exit (status 3) if shutting down has not finished after this long; at least "
      "--drain-seconds + 12, less than the pod's grace period after its preStop");
  Add(app, "tls-cert-file", config.tls_cert_file,
      "PEM certificate chain of the gRPC port; with --tls-key-file the port serves TLS only "
      "(both files are re-read every minute: a renewed certificate needs no restart)");
  Add(app, "tls-key-file", config.tls_key_file,
      "PEM private key (unencrypted) of --tls-cert-file");
  Add(app, "tls-client-ca-file", config.tls_client_ca_file,
      "PEM CA bundle: with TLS, require client certificates it signed (mutual TLS)");
  Add(app, "grpc-health-listen", config.grpc_health_listen,
      "host:port of a plaintext listener serving only grpc.health.v1 (probes that cannot "
      "speak TLS); empty: none");
}

absl::Status Validate(const CommonConfig& config) {
  for (auto [flag, value] : {std::pair<std::string_view, const std::string*>{
                                 "grpc-listen", &config.grpc_listen},
                             {"metrics-listen", &config.metrics_listen}}) {
    if (absl::Status s = CheckHostPort(flag, *value); !s.ok()) return s;
  }
  if (!config.grpc_health_listen.empty()) {
    if (absl::Status s = CheckHostPort("grpc-health-listen", config.grpc_health_listen); !s.ok()) {
      return s;
    }
  }
  if (config.redis_mode != "standalone" && config.redis_mode != "cluster") {
    return Invalid("redis-mode",
                   absl::StrCat("\"", config.redis_mode, "\" is not standalone or cluster"));
  }
  RedisOptions redis;
  if (absl::Status s = ParseRedisAddress(config, &redis); !s.ok()) return s;
  if (config.redis_timeout_ms <= 0) {
    return Invalid("redis-timeout-ms", absl::StrCat(config.redis_timeout_ms, " is not > 0"));
  }
  if (absl::StripAsciiWhitespace(config.kafka_brokers).empty()) {
    return Invalid("kafka-brokers", "is empty (KAFKA_BROKERS also accepted)");
  }
  for (absl::string_view broker : absl::StrSplit(config.kafka_brokers, ',')) {
    if (auto s = CheckHostPort("kafka-brokers", std::string(absl::StripAsciiWhitespace(broker)));
        !s.ok()) {
      return s;
    }
  }
  if (!config.kafka_properties_file.empty()) {
    if (auto properties = LoadKafkaProperties(config.kafka_properties_file); !properties.ok()) {
      return Invalid("kafka-properties-file", std::string(properties.status().message()));
    }
  }
  if (config.tokens_file.empty()) return Invalid("tokens-file", "is required");
  log::Level level;
  if (!log::ParseLevel(config.log_level, &level)) {
    return Invalid("log-level",
                   absl::StrCat("\"", config.log_level, "\" is not debug, info, warn or error"));
  }
  if (config.drain_seconds < 0) {
    return Invalid("drain-seconds", absl::StrCat(config.drain_seconds, " is negative"));
  }
  if (config.shutdown_seconds < config.drain_seconds + kShutdownAfterDrain) {
    return Invalid("shutdown-seconds",
                   absl::StrCat(config.shutdown_seconds, " leaves less than ", kShutdownAfterDrain,
                                " s after --drain-seconds (", config.drain_seconds,
                                ") for the outbox relay's flush and the Kafka clients' close"));
  }
  return ValidateTls(config);
}

absl::StatusOr<RedisOptions> RedisOptionsFrom(const CommonConfig& config) {
  RedisOptions options;
  if (auto s = ParseRedisAddress(config, &options); !s.ok()) return s;
  if (!config.redis_password_file.empty()) {
    absl::StatusOr<std::string> password = ReadFileToString(config.redis_password_file);
    if (!password.ok()) {
      return absl::Status(password.status().code(),
                          absl::StrCat("config: ", Key("redis-password-file"), ": ",
                                       password.status().message()));
    }
    options.password = std::string(absl::StripTrailingAsciiWhitespace(*password));
  }
  options.command_timeout = std::chrono::milliseconds(config.redis_timeout_ms);
  return options;
}

absl::StatusOr<KafkaConnection> KafkaConnectionFrom(const CommonConfig& config) {
  KafkaConnection kafka{.brokers = config.kafka_brokers, .properties = {}};
  if (config.kafka_properties_file.empty()) return kafka;
  absl::StatusOr<KafkaProperties> properties = LoadKafkaProperties(config.kafka_properties_file);
  if (!properties.ok()) {
    return absl::Status(properties.status().code(),
                        absl::StrCat("config: ", Key("kafka-properties-file"), ": ",
                                     properties.status().message()));
  }
  kafka.properties = *std::move(properties);
  return kafka;
}

KafkaProducerOptions KafkaProducerOptionsFrom(const KafkaConnection& kafka, std::string client_id) {
  KafkaProducerOptions options;
  options.brokers = kafka.brokers;
  options.client_id = std::move(client_id);
  options.properties = kafka.properties;
  return options;
}

GrpcServerOptions GrpcServerOptionsFrom(const CommonConfig& config, RpcMetrics* rpc_metrics) {
  GrpcServerOptions options;
  options.bind_address = config.grpc_listen;
  options.drain_timeout = std::chrono::seconds(config.drain_seconds);
  options.rpc_metrics = rpc_metrics;
  options.tls.cert_file = config.tls_cert_file;
  options.tls.key_file = config.tls_key_file;
  options.tls.client_ca_file = config.tls_client_ca_file;
  options.health_bind_address = config.grpc_health_listen;
  return options;
}

absl::Status ParseHostPort(const std::string& value, const std::string& key, std::string* host,
                           int* port) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("config: ", key, ": \"", value, "\" is not host:port"));
  };
  size_t colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) return bad();
  std::string_view h(value.data(), colon);
  if (h.front() == '[') {  // [v6]:port
    if (h.size() < 3 || h.back() != ']') return bad();
    h = h.substr(1, h.size() - 2);
  } else if (h.find(':') != std::string_view::npos) {
    return bad();
  }
  int p = 0;
  if (!absl::SimpleAtoi(absl::string_view(value).substr(colon + 1), &p) || p < 0 || p > 65535) {
    return bad();
  }
  *host = std::string(h);
  *port = p;
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int error = errno;
    std::string message = absl::StrCat(path, ": ", std::strerror(error));
    if (error == EACCES) return absl::PermissionDeniedError(message);
    return absl::NotFoundError(message);
  }
  std::ostringstream out;
  out << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  return out.str();
}

}  // namespace sqms::runtime
