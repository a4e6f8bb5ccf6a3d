#include "jobs/webhook_sender.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace sanfang::jobs {

namespace {

constexpr std::size_t kMaxUrlBytes = 2048;

struct EasyCleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct ListCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct UrlCleanup {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlText {
  void operator()(char* text) const { curl_free(text); }
};

// curl_global_init is not thread-safe before the first easy handle: once per process.
void initialise_curl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::unique_ptr<char, CurlText> url_part(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, 0) != CURLUE_OK) return nullptr;
  return std::unique_ptr<char, CurlText>(text);
}

// Discards the receiver's answer: only its status is recorded.
std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

}  // namespace

Status check_webhook_url(std::string_view url) {
  const auto invalid = [] { return Error::invalid("url", "回调地址须为完整的 http:// 或 https:// 网址，且不含用户名和密码"); };
  if (url.empty() || url.size() > kMaxUrlBytes) return invalid();
  std::unique_ptr<CURLU, UrlCleanup> parsed(curl_url());
  if (!parsed) return Error::make(ErrorKind::Internal, "libcurl could not allocate a URL handle");
  const std::string text(url);
  if (curl_url_set(parsed.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return invalid();
  const auto scheme = url_part(parsed.get(), CURLUPART_SCHEME);
  if (!scheme || (std::string_view(scheme.get()) != "http" && std::string_view(scheme.get()) != "https")) return invalid();
  const auto host = url_part(parsed.get(), CURLUPART_HOST);
  if (!host || *host.get() == '\0') return invalid();
  if (url_part(parsed.get(), CURLUPART_USER) || url_part(parsed.get(), CURLUPART_PASSWORD)) return invalid();
  return {};
}

WebhookResponse send_webhook(const WebhookRequest& request, std::chrono::milliseconds timeout) {
  initialise_curl();
  WebhookResponse response;
  std::unique_ptr<CURL, EasyCleanup> handle(curl_easy_init());
  if (!handle) {
    response.error = "libcurl could not allocate a handle";
    return response;
  }
  std::unique_ptr<curl_slist, ListCleanup> headers;
  for (const std::string& header :
       {std::string("Content-Type: application/json"), "webhook-id: " + request.message_id,
        "webhook-timestamp: " + std::to_string(request.timestamp), "webhook-signature: " + request.signature,
        std::string("User-Agent: sanfang-webhooks/1"), std::string("Expect:")}) {
    // Appending returns the list's head: the first header's node, the same one afterwards.
    curl_slist* head = curl_slist_append(headers.get(), header.c_str());
    if (!head) {
      response.error = "libcurl could not allocate a header";
      return response;
    }
    if (!headers) headers.reset(head);
  }
  char error[CURL_ERROR_SIZE] = {};
  CURL* curl = handle.get();
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    response.error = error[0] != '\0' ? error : curl_easy_strerror(code);
    return response;
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status_code = static_cast<int>(status);
  if (!response.delivered()) response.error = "HTTP " + std::to_string(status);
  return response;
}

}  // namespace sanfang::jobs
