#include "curl_status.h"

#include <string>

#include "absl/strings/str_cat.h"

namespace sqms::runtime::curl {
namespace {

absl::StatusCode CodeFor(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_BAD_FUNCTION_ARGUMENT:
      return absl::StatusCode::kInvalidArgument;
    case CURLE_WRITE_ERROR:  // only our size cap refuses a write
    case CURLE_OUT_OF_MEMORY:
      return absl::StatusCode::kResourceExhausted;
    case CURLE_ABORTED_BY_CALLBACK:
      return absl::StatusCode::kCancelled;
    // Network: the target is not reachable now; the caller may retry later.
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
    // TLS: handshake, certificate or key problems.
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kUnknown;
  }
}

}  // namespace

absl::Status StatusFromCurl(CURLcode code, std::string_view detail) {
  if (code == CURLE_OK) return absl::OkStatus();
  std::string message = absl::StrCat("http: ", curl_easy_strerror(code));
  if (!detail.empty()) absl::StrAppend(&message, ": ", std::string(detail));
  return absl::Status(CodeFor(code), message);
}

}  // namespace sqms::runtime::curl
