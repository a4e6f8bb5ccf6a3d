// RequestFramer: cuts a connection's byte stream into HTTP/1.1 requests with the Node.js
// http-parser (Debian libhttp-parser), before anything else buffers them. It exists because
// Pistache 0.0.5's own parser buffers a whole request before any limit applies, answers a too
// large request 413 yet keeps reading its body as new requests, reports framing errors with C++
// exception text, and drops pipelined requests after the first of a read.
//
// Trade-offs: a body is held in memory (at most `max_body_bytes`), so the limit is refused as soon
// as it is known — from Content-Length when the headers end, from each chunk size for chunked
// bodies — rather than after reading it. The header block is limited by the parser itself
// (80 KB, HTTP_MAX_HEADER_SIZE of the Debian build). After a refusal the framer parses nothing
// more: the connection's framing is lost, so it must be closed.
#pragma once

#include <http_parser.h>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sanfang::api {

struct FramedRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // request target as sent: path and query
  std::map<std::string, std::string> headers;  // names lower-cased; repeated fields joined with ", "
  std::string body;                            // de-chunked
  bool keep_alive = true;                      // HTTP version and Connection header allow another request
};

// Why the stream cannot be read further: answered with `status` and closed.
struct FramingRefusal {
  int status = 400;
  std::string type;    // problem type
  std::string detail;  // for people, in Chinese
};

class RequestFramer {
 public:
  explicit RequestFramer(std::size_t max_body_bytes);
  RequestFramer(const RequestFramer&) = delete;
  RequestFramer& operator=(const RequestFramer&) = delete;

  // Parses `bytes`; every request completed by them is appended to `complete`, in order. A
  // refusal ends the stream: later calls return it again and parse nothing.
  std::optional<FramingRefusal> feed(std::string_view bytes, std::vector<FramedRequest>& complete);

  // Whether part of a request has arrived and the rest has not (for the read timeout).
  bool in_request() const { return m_in_request; }

  // True once per request that asked for `Expect: 100-continue` (HTTP/1.1, with a body) and
  // whose headers were accepted, while none of its body has arrived: the client waits for an
  // interim 100 (Continue) before it sends the body (RFC 9110 §10.1.1). Other expectations are
  // refused with 417; a body over the limit announced with the expectation gets 413 instead of
  // the 100, so the client never sends it.
  bool take_continue();

 private:
  static int on_message_begin(http_parser* parser);
  static int on_url(http_parser* parser, const char* at, std::size_t length);
  static int on_header_field(http_parser* parser, const char* at, std::size_t length);
  static int on_header_value(http_parser* parser, const char* at, std::size_t length);
  static int on_headers_complete(http_parser* parser);
  static int on_chunk_header(http_parser* parser);
  static int on_body(http_parser* parser, const char* at, std::size_t length);
  static int on_message_complete(http_parser* parser);
  static RequestFramer& self(http_parser* parser) { return *static_cast<RequestFramer*>(parser->data); }

  void finish_header();
  int refuse(int status, std::string type, std::string detail);

  http_parser m_parser{};
  std::size_t m_max_body_bytes;
  FramedRequest m_current;
  std::string m_field, m_value;
  bool m_in_value = false;
  bool m_in_request = false;
  bool m_continue_wanted = false;
  std::vector<FramedRequest>* m_complete = nullptr;
  std::optional<FramingRefusal> m_refusal;
};

}  // namespace sanfang::api
