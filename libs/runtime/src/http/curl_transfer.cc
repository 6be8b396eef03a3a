#include "curl_transfer.h"

#include <string>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "curl_status.h"

namespace sqms::runtime::curl {
namespace {

// RFC 9110 token characters: what a method or header name may contain.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  if (t.response.body.size() + n > t.max_response_bytes) {
    t.body_too_large = true;
    return 0;  // curl fails the transfer with CURLE_WRITE_ERROR
  }
  t.response.body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto& t = *static_cast<Transfer*>(user);
  const size_t n = size * count;
  absl::string_view line(data, n);
  if (absl::StartsWith(line, "HTTP/")) {
    // A new response begins (after a 1xx or with each attempt): keep only
    // the headers of the final one.
    t.response.headers.clear();
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;  // the blank line, folded junk
  std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
  std::string value(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  t.response.headers.emplace_back(std::move(name), std::move(value));
  return n;
}

// Collects the first failing setopt so Configure reads as a list of options.
class Options {
 public:
  explicit Options(CURL* easy) : easy_(easy) {}
  template <typename T>
  void Set(CURLoption option, T value) {
    if (code_ == CURLE_OK) code_ = curl_easy_setopt(easy_, option, value);
  }
  CURLcode code() const { return code_; }

 private:
  CURL* easy_;
  CURLcode code_ = CURLE_OK;
};

absl::Status SetMethodAndBody(Transfer& t, Options& o) {
  const HttpRequest& r = t.request;
  if (!IsToken(r.method)) {
    return absl::InvalidArgumentError(absl::StrCat("http: bad method '", r.method, "'"));
  }
  const bool sends_body =
      !r.body.empty() || r.method == "POST" || r.method == "PUT" || r.method == "PATCH";
  if (r.method == "HEAD") {
    o.Set(CURLOPT_NOBODY, 1L);
  } else if (sends_body) {
    o.Set(CURLOPT_POSTFIELDS, r.body.data());
    o.Set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    if (r.method != "POST") o.Set(CURLOPT_CUSTOMREQUEST, r.method.c_str());
  } else if (r.method == "GET") {
    o.Set(CURLOPT_HTTPGET, 1L);
  } else {
    o.Set(CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
  return absl::OkStatus();
}

absl::Status SetHeaders(Transfer& t, Options& o) {
  bool has_expect = false;
  for (const auto& [name, value] : t.request.headers) {
    if (!IsToken(name) || HasLineBreak(value)) {
      return absl::InvalidArgumentError(absl::StrCat("http: bad header '", name, "'"));
    }
    has_expect = has_expect || absl::EqualsIgnoreCase(name, "expect");
    // "Name;" is curl's spelling of a header with an empty value.
    const std::string line = value.empty() ? absl::StrCat(name, ";") : absl::StrCat(name, ": ", value);
    curl_slist* next = curl_slist_append(t.header_list.get(), line.c_str());
    if (next == nullptr) return absl::ResourceExhaustedError("http: out of memory");
    t.header_list.release();
    t.header_list.reset(next);
  }
  // No "Expect: 100-continue" round trip (curl adds it for large bodies).
  if (!has_expect) {
    curl_slist* next = curl_slist_append(t.header_list.get(), "Expect:");
    if (next == nullptr) return absl::ResourceExhaustedError("http: out of memory");
    t.header_list.release();
    t.header_list.reset(next);
  }
  o.Set(CURLOPT_HTTPHEADER, t.header_list.get());
  return absl::OkStatus();
}

void SetTls(const HttpTlsOptions& tls, Options& o) {
  const bool verify = !tls.insecure_skip_verify;
  o.Set(CURLOPT_SSL_VERIFYPEER, verify ? 1L : 0L);
  o.Set(CURLOPT_SSL_VERIFYHOST, verify ? 2L : 0L);
  if (!tls.ca_file.empty()) o.Set(CURLOPT_CAINFO, tls.ca_file.c_str());
  if (!tls.client_cert_file.empty()) o.Set(CURLOPT_SSLCERT, tls.client_cert_file.c_str());
  if (!tls.client_key_file.empty()) o.Set(CURLOPT_SSLKEY, tls.client_key_file.c_str());
}

}  // namespace

absl::Status Configure(Transfer& t, const HttpClientOptions& options) {
  t.max_response_bytes = options.max_response_bytes;
  t.easy.reset(curl_easy_init());
  if (!t.easy) return absl::ResourceExhaustedError("http: curl_easy_init failed");
  Options o(t.easy.get());
  const HttpRequest& r = t.request;
  o.Set(CURLOPT_URL, r.url.c_str());
  o.Set(CURLOPT_PROTOCOLS_STR, "http,https");
  o.Set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts in a threaded process
  o.Set(CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout.count()));
  o.Set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
  o.Set(CURLOPT_FOLLOWLOCATION, 0L);
  o.Set(CURLOPT_USERAGENT, options.user_agent.c_str());
  o.Set(CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_response_bytes));
  o.Set(CURLOPT_ERRORBUFFER, t.error);
  o.Set(CURLOPT_WRITEFUNCTION, &OnBody);
  o.Set(CURLOPT_WRITEDATA, static_cast<void*>(&t));
  o.Set(CURLOPT_HEADERFUNCTION, &OnHeader);
  o.Set(CURLOPT_HEADERDATA, static_cast<void*>(&t));
  if (absl::Status s = SetMethodAndBody(t, o); !s.ok()) return s;
  if (absl::Status s = SetHeaders(t, o); !s.ok()) return s;
  SetTls(r.tls, o);
  return StatusFromCurl(o.code(), "");
}

absl::StatusOr<HttpResponse> Finish(Transfer& t, CURLcode code) {
  if (t.body_too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return absl::ResourceExhaustedError(
        absl::StrCat("http: response body over ", t.max_response_bytes, " bytes"));
  }
  if (code != CURLE_OK) return StatusFromCurl(code, t.error);
  long status = 0;
  curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &status);
  t.response.status = static_cast<int>(status);
  return std::move(t.response);
}

}  // namespace sqms::runtime::curl
