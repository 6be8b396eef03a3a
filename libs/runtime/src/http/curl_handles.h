#pragma once
// RAII owners of libcurl's C handles (internal to sqms_runtime_http).

#include <curl/curl.h>

#include <memory>

namespace sqms::runtime::curl {

struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const { curl_multi_cleanup(multi); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init, once per process, before the first handle.
void GlobalInitOnce();

}  // namespace sqms::runtime::curl
