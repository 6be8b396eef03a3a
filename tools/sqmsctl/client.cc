#include "tools/sqmsctl/client.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "absl/strings/str_cat.h"

namespace sqms::tools {

namespace {
constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

grpc::ChannelArguments BaseArguments(const ClientOptions& options) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  if (!options.tls.server_name.empty()) args.SetSslTargetNameOverride(options.tls.server_name);
  return args;
}

std::shared_ptr<grpc::ChannelCredentials> Credentials(const ClientOptions& options) {
  if (options.credentials != nullptr) return options.credentials;
  if (options.tls.requested()) {
    throw std::logic_error("TLS requested but LoadChannelCredentials was not called");
  }
  return grpc::InsecureChannelCredentials();
}

// The file behind `flag` into `out`; INVALID_ARGUMENT naming both otherwise.
absl::Status ReadFlagFile(const char* flag, const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  if (in) contents << in.rdbuf();
  if (!in || in.bad()) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": ", path, ": ", std::strerror(errno)));
  }
  out = contents.str();
  return absl::OkStatus();
}

}  // namespace

void AddTlsFlags(CLI::App& app, ClientTls& tls) {
  app.add_flag("--tls", tls.enabled,
               "connect over TLS, trusting the system's CA certificates")
      ->envname("SQMS_TLS");
  app.add_option("--tls-ca-file", tls.ca_file,
                 "connect over TLS, trusting only this PEM CA bundle")
      ->envname("SQMS_TLS_CA_FILE");
  app.add_option("--tls-cert-file", tls.cert_file,
                 "PEM client certificate, for servers that require one (mutual TLS; implies --tls)")
      ->envname("SQMS_CLIENT_TLS_CERT_FILE");
  app.add_option("--tls-key-file", tls.key_file, "PEM private key of --tls-cert-file")
      ->envname("SQMS_CLIENT_TLS_KEY_FILE");
  app.add_option("--tls-server-name", tls.server_name,
                 "name the server's certificate must carry, when the address has another one "
                 "(e.g. a port-forward to 127.0.0.1)")
      ->envname("SQMS_TLS_SERVER_NAME");
}

absl::Status LoadChannelCredentials(ClientOptions& options) {
  const ClientTls& tls = options.tls;
  if (!tls.requested()) {
    if (!tls.key_file.empty()) {
      return absl::InvalidArgumentError("--tls-key-file: needs --tls-cert-file");
    }
    return absl::OkStatus();
  }
  if (tls.cert_file.empty() != tls.key_file.empty()) {
    return absl::InvalidArgumentError(tls.key_file.empty()
                                          ? "--tls-key-file: is required with --tls-cert-file"
                                          : "--tls-cert-file: is required with --tls-key-file");
  }
  grpc::SslCredentialsOptions ssl;  // empty roots: the system's
  if (!tls.ca_file.empty()) {
    if (auto s = ReadFlagFile("--tls-ca-file", tls.ca_file, ssl.pem_root_certs); !s.ok()) return s;
    // gRPC would take empty roots for "the system's": never trust more than asked.
    if (ssl.pem_root_certs.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--tls-ca-file: ", tls.ca_file, ": is empty"));
    }
  }
  if (!tls.cert_file.empty()) {
    if (auto s = ReadFlagFile("--tls-cert-file", tls.cert_file, ssl.pem_cert_chain); !s.ok()) {
      return s;
    }
    if (auto s = ReadFlagFile("--tls-key-file", tls.key_file, ssl.pem_private_key); !s.ok()) {
      return s;
    }
  }
  options.credentials = grpc::SslCredentials(ssl);
  return absl::OkStatus();
}

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  return grpc::CreateCustomChannel(options.server, Credentials(options), BaseArguments(options));
}

std::shared_ptr<grpc::Channel> MakeDedicatedChannel(const ClientOptions& options) {
  grpc::ChannelArguments args = BaseArguments(options);
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(options.server, Credentials(options), args);
}

void PrepareContext(const ClientOptions& options, bool with_deadline,
                    grpc::ClientContext& context) {
  if (!options.token.empty()) {
    context.AddMetadata("authorization", "Bearer " + options.token);
  }
  if (with_deadline && options.timeout_seconds > 0) {
    auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(options.timeout_seconds));
    context.set_deadline(std::chrono::system_clock::now() + timeout);
  }
}

}  // namespace sqms::tools
