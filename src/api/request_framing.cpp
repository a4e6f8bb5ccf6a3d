#include "api/request_framing.h"

#include <algorithm>
#include <cctype>

namespace sanfang::api {

namespace {

// The parser's own errors, said for people; its English texts stay out of answers.
FramingRefusal refusal_for(http_errno error) {
  switch (error) {
    case HPE_HEADER_OVERFLOW: return {431, "headers_too_large", "请求头过大"};
    case HPE_INVALID_CONTENT_LENGTH:
    case HPE_UNEXPECTED_CONTENT_LENGTH: return {400, "bad_request", "请求的 Content-Length 无效"};
    case HPE_INVALID_CHUNK_SIZE: return {400, "bad_request", "请求的分块长度无效"};
    case HPE_INVALID_TRANSFER_ENCODING: return {400, "bad_request", "请求的 Transfer-Encoding 无效"};
    case HPE_INVALID_METHOD: return {400, "bad_request", "请求方法无效"};
    case HPE_INVALID_URL:
    case HPE_INVALID_HOST:
    case HPE_INVALID_PORT:
    case HPE_INVALID_PATH:
    case HPE_INVALID_QUERY_STRING:
    case HPE_INVALID_FRAGMENT: return {400, "bad_request", "请求地址无效"};
    case HPE_INVALID_VERSION: return {400, "bad_request", "HTTP 版本无效"};
    case HPE_INVALID_HEADER_TOKEN: return {400, "bad_request", "请求头含有无效字符"};
    default: return {400, "bad_request", "请求格式有误"};
  }
}

}  // namespace

RequestFramer::RequestFramer(std::size_t max_body_bytes) : m_max_body_bytes(max_body_bytes) {
  http_parser_init(&m_parser, HTTP_REQUEST);
  m_parser.data = this;
}

std::optional<FramingRefusal> RequestFramer::feed(std::string_view bytes, std::vector<FramedRequest>& complete) {
  if (m_refusal) return m_refusal;
  // http-parser takes zero bytes as the end of the stream, which a read of nothing is not.
  if (bytes.empty()) return std::nullopt;
  static const http_parser_settings callbacks = [] {
    http_parser_settings s{};
    s.on_message_begin = &RequestFramer::on_message_begin;
    s.on_url = &RequestFramer::on_url;
    s.on_header_field = &RequestFramer::on_header_field;
    s.on_header_value = &RequestFramer::on_header_value;
    s.on_headers_complete = &RequestFramer::on_headers_complete;
    s.on_chunk_header = &RequestFramer::on_chunk_header;
    s.on_body = &RequestFramer::on_body;
    s.on_message_complete = &RequestFramer::on_message_complete;
    return s;
  }();
  m_complete = &complete;
  const std::size_t parsed = http_parser_execute(&m_parser, &callbacks, bytes.data(), bytes.size());
  m_complete = nullptr;
  const auto error = static_cast<http_errno>(m_parser.http_errno);
  if (m_refusal) return m_refusal;
  if (error != HPE_OK) {
    m_refusal = refusal_for(error);
  } else if (m_parser.upgrade) {
    // Upgrade and CONNECT hand the connection to another protocol, which this service has none of.
    m_refusal = FramingRefusal{400, "bad_request", "不支持协议升级"};
  } else if (parsed != bytes.size()) {
    m_refusal = FramingRefusal{400, "bad_request", "请求格式有误"};
  }
  return m_refusal;
}

bool RequestFramer::take_continue() {
  const bool wanted = m_continue_wanted && m_in_request && !m_refusal;
  m_continue_wanted = false;
  return wanted;
}

int RequestFramer::refuse(int status, std::string type, std::string detail) {
  m_refusal = FramingRefusal{status, std::move(type), std::move(detail)};
  return -1;  // any non-zero return stops http_parser_execute
}

void RequestFramer::finish_header() {
  if (m_field.empty()) return;
  std::transform(m_field.begin(), m_field.end(), m_field.begin(), [](unsigned char c) { return std::tolower(c); });
  auto [it, inserted] = m_current.headers.emplace(m_field, m_value);
  if (!inserted) it->second += ", " + m_value;  // RFC 9110 §5.3: repeated fields form one list
  m_field.clear();
  m_value.clear();
  m_in_value = false;
}

int RequestFramer::on_message_begin(http_parser* parser) {
  RequestFramer& framer = self(parser);
  framer.m_current = FramedRequest{};
  framer.m_field.clear();
  framer.m_value.clear();
  framer.m_in_value = false;
  framer.m_in_request = true;
  framer.m_continue_wanted = false;
  return 0;
}

int RequestFramer::on_url(http_parser* parser, const char* at, std::size_t length) {
  self(parser).m_current.target.append(at, length);
  return 0;
}

int RequestFramer::on_header_field(http_parser* parser, const char* at, std::size_t length) {
  RequestFramer& framer = self(parser);
  if (framer.m_in_value) framer.finish_header();
  framer.m_field.append(at, length);
  return 0;
}

int RequestFramer::on_header_value(http_parser* parser, const char* at, std::size_t length) {
  RequestFramer& framer = self(parser);
  framer.m_in_value = true;
  framer.m_value.append(at, length);
  return 0;
}

int RequestFramer::on_headers_complete(http_parser* parser) {
  RequestFramer& framer = self(parser);
  framer.finish_header();
  if (parser->upgrade) return framer.refuse(400, "bad_request", "不支持协议升级");
  framer.m_current.method = http_method_str(static_cast<http_method>(parser->method));
  const bool chunked = (parser->flags & F_CHUNKED) != 0;
  if (!chunked && (parser->flags & F_CONTENTLENGTH) != 0) {
    if (parser->content_length > framer.m_max_body_bytes) {
      return framer.refuse(413, "too_large", "请求内容超过上限");
    }
    framer.m_current.body.reserve(parser->content_length);
  }
  if (auto expect = framer.m_current.headers.find("expect"); expect != framer.m_current.headers.end()) {
    // RFC 9110 §10.1.1: 100-continue is the only expectation defined; it is case-insensitive.
    std::string value = expect->second;
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    std::transform(value.begin(), value.end(), value.begin(), [](unsigned char c) { return std::tolower(c); });
    if (value != "100-continue") return framer.refuse(417, "expectation_failed", "不支持请求头 Expect 的期望值");
    // No 100 to an HTTP/1.0 client, nor for a request without content.
    const bool http11 = parser->http_major > 1 || (parser->http_major == 1 && parser->http_minor >= 1);
    const bool has_body = chunked || ((parser->flags & F_CONTENTLENGTH) != 0 && parser->content_length > 0);
    framer.m_continue_wanted = http11 && has_body;
  }
  return 0;
}

int RequestFramer::on_chunk_header(http_parser* parser) {
  // content_length holds the size of the chunk that follows.
  RequestFramer& framer = self(parser);
  if (parser->content_length > framer.m_max_body_bytes - framer.m_current.body.size()) {
    return framer.refuse(413, "too_large", "请求内容超过上限");
  }
  return 0;
}

int RequestFramer::on_body(http_parser* parser, const char* at, std::size_t length) {
  RequestFramer& framer = self(parser);
  if (length > framer.m_max_body_bytes - framer.m_current.body.size()) {
    return framer.refuse(413, "too_large", "请求内容超过上限");
  }
  framer.m_continue_wanted = false;  // the client is sending the body already
  framer.m_current.body.append(at, length);
  return 0;
}

int RequestFramer::on_message_complete(http_parser* parser) {
  RequestFramer& framer = self(parser);
  framer.m_current.keep_alive = http_should_keep_alive(parser) != 0;
  framer.m_complete->push_back(std::move(framer.m_current));
  framer.m_current = FramedRequest{};
  framer.m_in_request = false;
  framer.m_continue_wanted = false;
  return 0;
}

}  // namespace sanfang::api
