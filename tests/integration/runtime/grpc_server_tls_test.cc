// GrpcServer over TLS: certificates made at test time with the openssl CLI
// (tests/support/test_pki.h), clients with gRPC's SSL channel credentials.
// Health is called as a raw method, as in grpc_server_test.cc: SERVING is
// the response bytes 08 01, NOT_SERVING 08 02.

#include <filesystem>
#include <future>
#include <memory>
#include <string>

#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "sqms/runtime/config.h"
#include "sqms/runtime/grpc_server.h"
#include "tests/support/service_client.h"
#include "tests/support/support.h"
#include "tests/support/test_pki.h"

namespace sqms::runtime {
namespace {

using sqms::testing::Await;
using sqms::testing::CertFiles;
using sqms::testing::ReadFile;

const std::string kServing("\x08\x01", 2);
const std::string kNotServing("\x08\x02", 2);

// Calls `method` with an empty request over `channel`: the response bytes,
// or "error: <CODE>" when the call fails.
std::string CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Slice empty("", 0);
  grpc::ByteBuffer request(&empty, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  grpc::Status status = done.get_future().get();
  if (!status.ok()) return "error: " + std::to_string(status.error_code());
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (response.Dump(&slices).ok()) {
    for (const auto& s : slices) bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return bytes;
}

std::string Health(const std::shared_ptr<grpc::Channel>& channel) {
  return CallRaw(channel, "/grpc.health.v1.Health/Check");
}

const std::string kUnavailable = "error: " + std::to_string(grpc::StatusCode::UNAVAILABLE);

std::string Local(int port) { return "127.0.0.1:" + std::to_string(port); }

std::shared_ptr<grpc::Channel> PlaintextChannel(int port) {
  return grpc::CreateChannel(Local(port), grpc::InsecureChannelCredentials());
}

// A TLS channel that trusts only `ca_file` and, when `client` is given,
// presents that certificate. Each is a new connection (its own subchannel
// pool), so a handshake happens with the server's current certificate.
std::shared_ptr<grpc::Channel> TlsChannel(int port, const std::string& ca_file,
                                          const CertFiles* client = nullptr) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(ca_file);
  if (client != nullptr) {
    ssl.pem_cert_chain = ReadFile(client->cert);
    ssl.pem_private_key = ReadFile(client->key);
  }
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(Local(port), grpc::SslCredentials(ssl), args);
}

class GrpcServerTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = sqms::testing::MakeTestDir("grpc-tls");
    auto ca = sqms::testing::MakeTestCa(dir_, "ca");
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = *ca;
    auto server = sqms::testing::MakeTestLeaf(dir_, "server", ca_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_cert_ = *server;
  }

  GrpcServerOptions TlsOptions() const {
    GrpcServerOptions options;
    options.bind_address = "127.0.0.1:0";
    options.tls.cert_file = server_cert_.cert;
    options.tls.key_file = server_cert_.key;
    return options;
  }

  std::unique_ptr<GrpcServer> Start(const GrpcServerOptions& options) {
    auto server = GrpcServer::Start(options, {});
    EXPECT_TRUE(server.ok()) << server.status();
    return server.ok() ? *std::move(server) : nullptr;
  }

  CertFiles Leaf(const std::string& name, const CertFiles& ca) {
    auto leaf = sqms::testing::MakeTestLeaf(dir_, name, ca);
    EXPECT_TRUE(leaf.ok()) << leaf.status();
    return leaf.ok() ? *leaf : CertFiles{};
  }

  CertFiles OtherCa() {
    auto ca = sqms::testing::MakeTestCa(dir_, "other-ca");
    EXPECT_TRUE(ca.ok()) << ca.status();
    return ca.ok() ? *ca : CertFiles{};
  }

  std::string dir_;
  CertFiles ca_;
  CertFiles server_cert_;
};

TEST_F(GrpcServerTlsTest, AnswersAClientThatTrustsItsCa) {
  auto server = Start(TlsOptions());
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(Health(TlsChannel(server->port(), ca_.cert)), kServing);
}

TEST_F(GrpcServerTlsTest, RefusesAPlaintextClient) {
  auto server = Start(TlsOptions());
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(Health(PlaintextChannel(server->port())), kUnavailable);
}

TEST_F(GrpcServerTlsTest, AClientThatTrustsAnotherCaRefusesTheServer) {
  auto server = Start(TlsOptions());
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(Health(TlsChannel(server->port(), OtherCa().cert)), kUnavailable);
}

TEST_F(GrpcServerTlsTest, MutualTlsAnswersOnlyClientsWithACertificateOfItsCa) {
  GrpcServerOptions options = TlsOptions();
  options.tls.client_ca_file = ca_.cert;
  auto server = Start(options);
  ASSERT_NE(server, nullptr);
  const CertFiles client = Leaf("client", ca_);
  const CertFiles stranger = Leaf("stranger", OtherCa());
  EXPECT_EQ(Health(TlsChannel(server->port(), ca_.cert, &client)), kServing);
  EXPECT_EQ(Health(TlsChannel(server->port(), ca_.cert)), kUnavailable) << "no certificate";
  EXPECT_EQ(Health(TlsChannel(server->port(), ca_.cert, &stranger)), kUnavailable)
      << "a certificate of another CA";
  EXPECT_EQ(Health(PlaintextChannel(server->port())), kUnavailable);
}

// The way the kubelet updates a mounted Secret: the files are links through
// "..data", a link to a versioned directory, swapped in one rename.
class SecretVolume {
 public:
  explicit SecretVolume(std::string dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
  }
  void Write(const CertFiles& files) {
    namespace fs = std::filesystem;
    const std::string version = "..v" + std::to_string(++versions_);
    fs::create_directories(dir_ + "/" + version);
    fs::copy_file(files.cert, dir_ + "/" + version + "/tls.crt");
    fs::copy_file(files.key, dir_ + "/" + version + "/tls.key");
    fs::create_symlink(version, dir_ + "/..data_tmp");
    fs::rename(dir_ + "/..data_tmp", dir_ + "/..data");
    if (versions_ == 1) {
      fs::create_symlink("..data/tls.crt", cert());
      fs::create_symlink("..data/tls.key", key());
    }
  }
  std::string cert() const { return dir_ + "/tls.crt"; }
  std::string key() const { return dir_ + "/tls.key"; }

 private:
  std::string dir_;
  int versions_ = 0;
};

TEST_F(GrpcServerTlsTest, ServesARenewedCertificateWithoutARestart) {
  SecretVolume secret(dir_ + "/secret");
  secret.Write(server_cert_);
  GrpcServerOptions options = TlsOptions();
  options.tls.cert_file = secret.cert();
  options.tls.key_file = secret.key();
  options.tls.reload_interval = std::chrono::seconds(1);
  auto server = Start(options);
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  ASSERT_EQ(Health(TlsChannel(port, ca_.cert)), kServing);

  // Renewed by another CA, so which certificate a handshake got shows.
  const CertFiles new_ca = OtherCa();
  secret.Write(Leaf("server-renewed", new_ca));
  EXPECT_TRUE(Await([&] { return Health(TlsChannel(port, new_ca.cert)) == kServing; },
                    absl::Seconds(15), absl::Milliseconds(200)))
      << "the renewed certificate was not picked up";
  EXPECT_EQ(Health(TlsChannel(port, ca_.cert)), kUnavailable) << "still the old certificate";
}

TEST_F(GrpcServerTlsTest, HealthListenerServesOnlyHealthInPlaintext) {
  GrpcServerOptions options = TlsOptions();
  options.health_bind_address = "127.0.0.1:0";
  auto server = Start(options);
  ASSERT_NE(server, nullptr);
  ASSERT_GT(server->health_port(), 0);
  ASSERT_NE(server->health_port(), server->port());
  auto health = PlaintextChannel(server->health_port());
  EXPECT_EQ(Health(health), kServing);
  EXPECT_EQ(CallRaw(health, "/test.Any/Method"),
            "error: " + std::to_string(grpc::StatusCode::UNIMPLEMENTED));
  server->SetServing(false);
  EXPECT_EQ(Health(health), kNotServing);
  EXPECT_EQ(Health(TlsChannel(server->port(), ca_.cert)), kNotServing);
  server->Shutdown();
  EXPECT_EQ(Health(health), kUnavailable);
}

TEST_F(GrpcServerTlsTest, NoHealthListenerUnlessAsked) {
  auto server = Start(TlsOptions());
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->health_port(), 0);
}

// Start-up through the common flags: a wrong file fails Validate, naming
// the flag, before a server is built.
class TlsConfigTest : public GrpcServerTlsTest {
 protected:
  CommonConfig Config() const {
    CommonConfig config;
    config.tokens_file = dir_ + "/tokens";
    config.tls_cert_file = server_cert_.cert;
    config.tls_key_file = server_cert_.key;
    return config;
  }
};

TEST_F(TlsConfigTest, AMatchingPairAndCaPass) {
  CommonConfig config = Config();
  config.tls_client_ca_file = ca_.cert;
  EXPECT_TRUE(Validate(config).ok()) << Validate(config);
  GrpcServerOptions options = GrpcServerOptionsFrom(config, nullptr);
  EXPECT_EQ(options.tls.cert_file, server_cert_.cert);
  EXPECT_EQ(options.tls.key_file, server_cert_.key);
  EXPECT_EQ(options.tls.client_ca_file, ca_.cert);
}

TEST_F(TlsConfigTest, AKeyOfAnotherCertificateNamesTheKeyFlag) {
  CommonConfig config = Config();
  config.tls_key_file = Leaf("other", ca_).key;
  absl::Status status = Validate(config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "config: --tls-key-file (SQMS_TLS_KEY_FILE): " + config.tls_key_file +
                ": is not the private key of the certificate in --tls-cert-file (" +
                config.tls_cert_file + ")");
}

TEST_F(TlsConfigTest, FilesSwappedNameTheCertificateFlag) {
  CommonConfig config = Config();
  std::swap(config.tls_cert_file, config.tls_key_file);
  EXPECT_EQ(Validate(config).message(), "config: --tls-cert-file (SQMS_TLS_CERT_FILE): " +
                                            config.tls_cert_file + ": holds no PEM certificate");
}

TEST_F(TlsConfigTest, AMissingCaFileNamesItsFlag) {
  CommonConfig config = Config();
  config.tls_client_ca_file = dir_ + "/missing-ca.crt";
  EXPECT_EQ(Validate(config).message(), "config: --tls-client-ca-file (SQMS_TLS_CLIENT_CA_FILE): " +
                                            config.tls_client_ca_file +
                                            ": No such file or directory");
}

}  // namespace
}  // namespace sqms::runtime
