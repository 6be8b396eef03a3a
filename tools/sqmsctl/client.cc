#include "tools/sqmsctl/client.h"

#include <chrono>

namespace sqms::tools {

namespace {
constexpr int kMaxMessageBytes = 64 * 1024 * 1024;

grpc::ChannelArguments BaseArguments() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(kMaxMessageBytes);
  args.SetMaxSendMessageSize(kMaxMessageBytes);
  return args;
}

}  // namespace

std::shared_ptr<grpc::Channel> MakeChannel(const ClientOptions& options) {
  return grpc::CreateCustomChannel(options.server, grpc::InsecureChannelCredentials(),
                                   BaseArguments());
}

std::shared_ptr<grpc::Channel> MakeDedicatedChannel(const ClientOptions& options) {
  grpc::ChannelArguments args = BaseArguments();
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(options.server, grpc::InsecureChannelCredentials(), args);
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
