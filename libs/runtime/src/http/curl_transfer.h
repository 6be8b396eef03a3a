#pragma once
// One HTTP request in flight inside HttpClient: its curl easy handle, the
// buffers curl reads from and writes into, and the caller's callback
// (internal to sqms_runtime_http; used only on the client's I/O thread).

#include <curl/curl.h>

#include "absl/status/status.h"
#include "curl_handles.h"
#include "sqms/runtime/http/http_client.h"

namespace sqms::runtime::curl {

struct Transfer {
  HttpRequest request;        // owns the URL, headers and body curl points into
  HttpClient::Callback done;
  size_t max_response_bytes = 0;
  HttpResponse response;
  bool body_too_large = false;
  char error[CURL_ERROR_SIZE] = {};
  SlistPtr header_list;
  EasyPtr easy;               // after header_list: cleaned up before it is freed
};

// Creates and configures `transfer.easy` from `transfer.request`.
// INVALID_ARGUMENT for a bad method or a header with CR/LF in it; the curl
// error of a rejected option otherwise.
absl::Status Configure(Transfer& transfer, const HttpClientOptions& options);

// The response once curl reports the transfer done with `code`.
absl::StatusOr<HttpResponse> Finish(Transfer& transfer, CURLcode code);

}  // namespace sqms::runtime::curl
