#include "extract/fetch.h"

#include <curl/curl.h>

#include <mutex>

namespace faultline::extract {
namespace {

struct Body {
  std::string data;
  size_t max = 0;
  bool too_big = false;
};

size_t Write(char* ptr, size_t size, size_t n, void* user) {
  auto* b = static_cast<Body*>(user);
  size_t len = size * n;
  if (b->data.size() + len > b->max) {
    b->too_big = true;
    return 0;  // aborts the transfer
  }
  b->data.append(ptr, len);
  return len;
}

}  // namespace

Result<std::string> FetchUrl(const std::string& url, const FetchOptions& options) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    return InvalidArgument("--feed: \"" + url + "\" is not an http:// or https:// URL");
  }
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return Status(StatusCode::kInternal, "cannot start libcurl");
  Body body;
  body.max = options.max_bytes;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Write);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.timeout_seconds * 1000));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.timeout_seconds * 1000));
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "faultline-ingest/1");
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  if (body.too_big) {
    return InvalidArgument(url + ": response larger than " + std::to_string(options.max_bytes >> 20) + " MiB");
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return Status(StatusCode::kUnavailable,
                  url + ": no complete response within " + std::to_string(options.timeout_seconds) + " s");
  }
  if (rc != CURLE_OK) return Status(StatusCode::kUnavailable, url + ": " + curl_easy_strerror(rc));
  if (status < 200 || status >= 300) return InvalidArgument(url + ": HTTP status " + std::to_string(status));
  return std::move(body.data);
}

}  // namespace faultline::extract
