#include "sqms/runtime/config.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const char* name : {"SQMS_REDIS_ADDRESS", "SQMS_KAFKA_BROKERS", "KAFKA_BROKERS",
                             "SQMS_LOG_LEVEL", "SQMS_TLS_CLIENT_CA_FILE",
                             "SQMS_GRPC_HEALTH_LISTEN"}) {
      unsetenv(name);
    }
  }
  // Parses `args` (argv[0] implied) into a fresh config.
  CommonConfig Parse(std::vector<std::string> args) {
    CommonConfig config;
    CLI::App app("test");
    AddCommonFlags(app, config);
    args.insert(args.begin(), "svc");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    app.parse(static_cast<int>(argv.size()), argv.data());
    return config;
  }
  static CommonConfig Valid() {
    CommonConfig config;
    config.tokens_file = "/etc/sqms/tokens";
    return config;
  }
};

TEST_F(ConfigTest, FlagsAndEnvironment) {
  setenv("SQMS_REDIS_ADDRESS", "10.0.0.1:6380", 1);
  CommonConfig config = Parse({"--tokens-file", "t.txt", "--redis-timeout-ms", "150"});
  EXPECT_EQ(config.redis_address, "10.0.0.1:6380");
  EXPECT_EQ(config.tokens_file, "t.txt");
  EXPECT_EQ(config.redis_timeout_ms, 150);
  EXPECT_EQ(Parse({"--redis-address", "h:1"}).redis_address, "h:1");  // the flag wins
}

TEST_F(ConfigTest, KafkaBrokersFromEitherVariable) {
  setenv("KAFKA_BROKERS", "k1:9092,k2:9092", 1);
  EXPECT_EQ(Parse({}).kafka_brokers, "k1:9092,k2:9092");
  setenv("SQMS_KAFKA_BROKERS", "s1:9092", 1);
  EXPECT_EQ(Parse({}).kafka_brokers, "s1:9092");
  EXPECT_EQ(Parse({"--kafka-brokers", "f:1"}).kafka_brokers, "f:1");
}

TEST_F(ConfigTest, DefaultsAreValidOnceTokensAreSet) {
  EXPECT_TRUE(Validate(Valid()).ok());
  EXPECT_EQ(Validate(CommonConfig{}).message(), "config: --tokens-file (SQMS_TOKENS_FILE): is required");
}

TEST_F(ConfigTest, ErrorsNameFlagAndVariable) {
  CommonConfig config = Valid();
  config.redis_address = "localhost";
  EXPECT_EQ(Validate(config).message(),
            "config: --redis-address (SQMS_REDIS_ADDRESS): \"localhost\" is not host:port");
  config = Valid();
  config.kafka_brokers = "a:1,b";
  EXPECT_NE(Validate(config).message().find("--kafka-brokers (SQMS_KAFKA_BROKERS): \"b\""),
            std::string::npos);
  config = Valid();
  config.log_level = "loud";
  EXPECT_NE(Validate(config).message().find("--log-level (SQMS_LOG_LEVEL)"), std::string::npos);
  config = Valid();
  config.redis_timeout_ms = 0;
  EXPECT_NE(Validate(config).message().find("--redis-timeout-ms (SQMS_REDIS_TIMEOUT_MS)"),
            std::string::npos);
  config = Valid();
  config.grpc_listen = "0.0.0.0:70000";
  EXPECT_EQ(Validate(config).code(), absl::StatusCode::kInvalidArgument);
}

// The shutdown deadline must leave the drain its time and what follows it:
// a tighter one would cut healthy shutdowns short.
TEST_F(ConfigTest, TheShutdownDeadlineOutlastsTheDrainAndWhatFollows) {
  EXPECT_EQ(Parse({"--shutdown-seconds", "40"}).shutdown_seconds, 40);
  CommonConfig config = Valid();
  config.shutdown_seconds = config.drain_seconds + kShutdownAfterDrain - 1;
  EXPECT_EQ(Validate(config).message(),
            "config: --shutdown-seconds (SQMS_SHUTDOWN_SECONDS): 21 leaves less than 12 s after "
            "--drain-seconds (10) for the outbox relay's flush and the Kafka clients' close");
  config.drain_seconds -= 1;
  EXPECT_TRUE(Validate(config).ok());
}

TEST_F(ConfigTest, TlsFlagsAndEnvironment) {
  setenv("SQMS_TLS_CLIENT_CA_FILE", "/etc/sqms/tls/ca.crt", 1);
  setenv("SQMS_GRPC_HEALTH_LISTEN", "0.0.0.0:50052", 1);
  CommonConfig config =
      Parse({"--tls-cert-file", "/etc/sqms/tls/tls.crt", "--tls-key-file", "/etc/sqms/tls/tls.key"});
  EXPECT_EQ(config.tls_cert_file, "/etc/sqms/tls/tls.crt");
  EXPECT_EQ(config.tls_key_file, "/etc/sqms/tls/tls.key");
  EXPECT_EQ(config.tls_client_ca_file, "/etc/sqms/tls/ca.crt");
  EXPECT_EQ(config.grpc_health_listen, "0.0.0.0:50052");
  GrpcServerOptions options = GrpcServerOptionsFrom(config, nullptr);
  EXPECT_EQ(options.tls.cert_file, "/etc/sqms/tls/tls.crt");
  EXPECT_EQ(options.tls.key_file, "/etc/sqms/tls/tls.key");
  EXPECT_EQ(options.tls.client_ca_file, "/etc/sqms/tls/ca.crt");
  EXPECT_EQ(options.health_bind_address, "0.0.0.0:50052");
}

TEST_F(ConfigTest, PlaintextByDefault) {
  CommonConfig config = Parse({});
  EXPECT_FALSE(GrpcServerOptionsFrom(config, nullptr).tls.enabled());
  EXPECT_EQ(GrpcServerOptionsFrom(config, nullptr).health_bind_address, "");
}

TEST_F(ConfigTest, TlsFilesComeInPairs) {
  CommonConfig config = Valid();
  config.tls_cert_file = "/etc/sqms/tls/tls.crt";
  EXPECT_EQ(Validate(config).message(),
            "config: --tls-key-file (SQMS_TLS_KEY_FILE): is required with --tls-cert-file");
  config = Valid();
  config.tls_key_file = "/etc/sqms/tls/tls.key";
  EXPECT_EQ(Validate(config).message(),
            "config: --tls-cert-file (SQMS_TLS_CERT_FILE): is required with --tls-key-file");
  config = Valid();
  config.tls_client_ca_file = "/etc/sqms/tls/ca.crt";
  EXPECT_EQ(Validate(config).message(),
            "config: --tls-client-ca-file (SQMS_TLS_CLIENT_CA_FILE): needs --tls-cert-file and "
            "--tls-key-file (TLS)");
}

TEST_F(ConfigTest, UnreadableTlsFilesNameTheirFlag) {
  CommonConfig config = Valid();
  config.tls_cert_file = "/nonexistent/tls.crt";
  config.tls_key_file = "/nonexistent/tls.key";
  absl::Status status = Validate(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "config: --tls-cert-file (SQMS_TLS_CERT_FILE): /nonexistent/tls.crt: "
                              "No such file or directory");
}

TEST_F(ConfigTest, TlsFilesMustHoldPem) {
  const std::string path = ::testing::TempDir() + "/not-pem-" + std::to_string(getpid());
  std::ofstream(path) << "not a certificate\n";
  CommonConfig config = Valid();
  config.tls_cert_file = path;
  config.tls_key_file = path;
  EXPECT_EQ(Validate(config).message(),
            "config: --tls-cert-file (SQMS_TLS_CERT_FILE): " + path + ": holds no PEM certificate");
}

TEST_F(ConfigTest, HealthListenIsHostPort) {
  CommonConfig config = Valid();
  config.grpc_health_listen = "probes";
  EXPECT_EQ(Validate(config).message(),
            "config: --grpc-health-listen (SQMS_GRPC_HEALTH_LISTEN): \"probes\" is not host:port");
  config.grpc_health_listen = "0.0.0.0:50052";
  EXPECT_TRUE(Validate(config).ok());
}

TEST_F(ConfigTest, ParseHostPort) {
  std::string host;
  int port = 0;
  ASSERT_TRUE(ParseHostPort("127.0.0.1:0", "k", &host, &port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 0);
  ASSERT_TRUE(ParseHostPort("[::1]:6379", "k", &host, &port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 6379);
  for (const char* bad : {"", "host", ":1", "h:", "h:x", "h:-1", "::1:5", "[::1:5"}) {
    EXPECT_FALSE(ParseHostPort(bad, "k", &host, &port).ok()) << bad;
  }
}

TEST_F(ConfigTest, DerivedOptionsReadThePasswordFile) {
  std::string path = ::testing::TempDir() + "/redis-pw-" + std::to_string(getpid());
  std::ofstream(path) << "s3cret\n";
  CommonConfig config = Valid();
  config.redis_address = "redis:6390";
  config.redis_password_file = path;
  config.redis_timeout_ms = 300;
  auto options = RedisOptionsFrom(config);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->host, "redis");
  EXPECT_EQ(options->port, 6390);
  EXPECT_EQ(options->password, "s3cret");
  EXPECT_EQ(options->command_timeout, std::chrono::milliseconds(300));
  config.redis_password_file = "/nonexistent/pw";
  EXPECT_NE(RedisOptionsFrom(config).status().message().find("--redis-password-file"),
            std::string::npos);
  EXPECT_EQ(GrpcServerOptionsFrom(config, nullptr).drain_timeout, std::chrono::seconds(10));
  absl::StatusOr<KafkaConnection> kafka = KafkaConnectionFrom(config);
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  EXPECT_TRUE(kafka->properties.empty()) << "none without --kafka-properties-file";
  EXPECT_EQ(KafkaProducerOptionsFrom(*kafka, "complaints").client_id, "complaints");
}

// A secured cluster's settings reach every client from one file; a bad
// file fails start-up naming the flag, the line and the key — never a
// value, which may be a password.
TEST_F(ConfigTest, KafkaPropertiesFileReachesEveryClientAndABadOneFailsStartUp) {
  CommonConfig config;
  config.tokens_file = "/etc/tokens";
  const std::string path = ::testing::TempDir() + "/kafka-" + std::to_string(getpid());
  std::ofstream(path) << "# the production cluster\nsecurity.protocol = sasl_ssl\n"
                         "sasl.mechanism=SCRAM-SHA-512\nsasl.username=sqms\n"
                         "sasl.password=hunter2\n";
  config.kafka_properties_file = path;
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
  absl::StatusOr<KafkaConnection> kafka = KafkaConnectionFrom(config);
  ASSERT_TRUE(kafka.ok()) << kafka.status();
  EXPECT_EQ(kafka->properties.at("security.protocol"), "sasl_ssl");
  EXPECT_EQ(KafkaProducerOptionsFrom(*kafka, "c").properties.at("sasl.password"), "hunter2");

  std::ofstream(path) << "sasl.password=hunter2\nsasl.mechanizm=PLAIN\n";
  absl::Status unknown = Validate(config);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unknown.message()),
              ::testing::HasSubstr("--kafka-properties-file (SQMS_KAFKA_PROPERTIES_FILE)"));
  EXPECT_THAT(std::string(unknown.message()), ::testing::HasSubstr("sasl.mechanizm"));
  std::ofstream(path) << "security.protocol=carrier-pigeon\n";
  const std::string refused(Validate(config).message());
  EXPECT_THAT(refused, ::testing::HasSubstr("security.protocol: librdkafka refused its value"));
  EXPECT_THAT(refused, ::testing::Not(::testing::HasSubstr("pigeon")));
  std::ofstream(path) << "security.protocol=sasl_ssl\nsasl.password\n";
  EXPECT_THAT(std::string(Validate(config).message()),
              ::testing::HasSubstr(":2: is not key=value"));
  std::ofstream(path) << "bootstrap.servers=elsewhere:9092\n";
  EXPECT_THAT(std::string(Validate(config).message()), ::testing::HasSubstr("use --kafka-brokers"));
  std::ofstream(path) << "ssl.key.password=hunter2\nssl.key.password=hunter3\n";
  const std::string twice(Validate(config).message());
  EXPECT_THAT(twice, ::testing::HasSubstr(":2: ssl.key.password: given twice"));
  EXPECT_THAT(twice, ::testing::Not(::testing::HasSubstr("hunter")));
  config.kafka_properties_file = "/nonexistent/kafka.properties";
  EXPECT_THAT(std::string(Validate(config).message()),
              ::testing::HasSubstr("/nonexistent/kafka.properties"));
  std::remove(path.c_str());
}

TEST_F(ConfigTest, ReadFileToString) {
  EXPECT_EQ(ReadFileToString("/nonexistent/file").status().code(), absl::StatusCode::kNotFound);
  std::string path = ::testing::TempDir() + "/read-" + std::to_string(getpid());
  std::ofstream(path) << "a\0b";
  EXPECT_EQ(*ReadFileToString(path), "a");
}

}  // namespace
}  // namespace sqms::runtime

namespace sqms::runtime {
namespace {

TEST(ServiceFlagTest, AddFlagUsesTheSameNamingAsCommonFlags) {
  setenv("SQMS_TRIAGE_CONFIG", "/etc/triage.yaml", 1);
  std::string triage;
  int shards = 4;
  CLI::App app("test");
  AddFlag(app, "triage-config", triage, "triage rules");
  AddFlag(app, "shards", shards, "shards");
  const char* argv[] = {"svc", "--shards", "8"};
  app.parse(3, argv);
  unsetenv("SQMS_TRIAGE_CONFIG");
  EXPECT_EQ(triage, "/etc/triage.yaml");
  EXPECT_EQ(shards, 8);
  EXPECT_EQ(ConfigError("shards", "must be 1..64").message(),
            "config: --shards (SQMS_SHARDS): must be 1..64");
}

}  // namespace
}  // namespace sqms::runtime
