#include "sqms/runtime/request_id.h"

#include <cstdint>

#include "absl/random/random.h"
#include "absl/strings/str_format.h"
#include "grpcpp/server_context.h"

namespace sqms::runtime {
namespace {

bool Sane(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

std::string AdoptRequestId(grpc::CallbackServerContext& call) {
  std::string id;
  const auto& metadata = call.client_metadata();
  if (auto it = metadata.find(kRequestIdHeader); it != metadata.end()) {
    id.assign(it->second.data(), it->second.size());
  }
  if (!Sane(id)) {
    thread_local absl::BitGen gen;
    id = absl::StrFormat("%016x", absl::Uniform<uint64_t>(gen));
  }
  call.AddInitialMetadata(kRequestIdHeader, id);
  return id;
}

}  // namespace sqms::runtime
