#include "api/server.h"

#include "api/problem.h"
#include "api/request_framing.h"
#include "core/bounded_pool.h"
#include "core/log.h"

#include <http_parser.h>
#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <pistache/transport.h>

#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace sanfang::api {

using namespace Pistache;
using Clock = std::chrono::steady_clock;

namespace {

// Routes answered on the reactor thread itself: they are cheap and must stay prompt when every
// handler thread is busy (a load balancer's probe must not wait behind logins).
bool answers_on_io_thread(const Route& route) {
  return route.method == "GET" && (route.pattern == "/healthz" || route.pattern == "/readyz" || route.pattern == "/metrics");
}

// Handler threads run at a lower priority than the reactor threads: when logins (Argon2id) fill
// every core, reading and writing sockets — and the probes answered there — still run at once.
constexpr int kHandlerNice = 10;

// Requests parsed ahead of the one being handled on a connection (pipelining); more answers 503.
constexpr std::size_t kMaxWaitingRequests = 16;

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

// Path segments; empty ones (a trailing or doubled slash) do not count, as in Pistache's router.
std::vector<std::string> segments_of(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

struct Target {
  std::string path;
  std::string query;
};

// The request target split by http-parser's URL parser (origin form or absolute form).
std::optional<Target> split_target(const std::string& target) {
  http_parser_url url;
  http_parser_url_init(&url);
  if (http_parser_parse_url(target.data(), target.size(), 0, &url) != 0) return std::nullopt;
  Target out;
  auto field = [&](int which) {
    return (url.field_set & (1 << which)) != 0
               ? target.substr(url.field_data[which].off, url.field_data[which].len)
               : std::string();
  };
  out.path = field(UF_PATH);
  if (out.path.empty()) out.path = "/";
  out.query = field(UF_QUERY);
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  for (const std::string& pair : [&] {
         std::vector<std::string> parts;
         std::size_t start = 0;
         while (start <= query.size()) {
           std::size_t end = query.find('&', start);
           if (end == std::string::npos) end = query.size();
           if (end > start) parts.push_back(query.substr(start, end - start));
           start = end + 1;
         }
         return parts;
       }()) {
    const std::size_t equals = pair.find('=');
    out[percent_decode(pair.substr(0, equals))] = equals == std::string::npos ? "" : percent_decode(pair.substr(equals + 1));
  }
  return out;
}

// The route table as segment lists. Where a literal segment and a parameter both match, the
// literal wins (Pistache's router did the same).
class RouteMatcher {
 public:
  explicit RouteMatcher(const RouteTable& table) {
    for (const Route& route : table.routes()) m_entries.push_back({&route, segments_of(route.pattern)});
  }

  struct Match {
    const Route* route = nullptr;
    std::map<std::string, std::string> params;
    std::set<std::string> allowed;  // methods of routes on this path, when `route` is null
  };

  Match match(const std::string& method, const std::string& path) const {
    const std::vector<std::string> segments = segments_of(path);
    Match best;
    std::vector<bool> best_literals;
    for (const Entry& entry : m_entries) {
      if (entry.segments.size() != segments.size()) continue;
      std::vector<bool> literals;
      std::map<std::string, std::string> params;
      bool matches = true;
      for (std::size_t i = 0; i < segments.size() && matches; ++i) {
        const std::string& pattern = entry.segments[i];
        const bool literal = pattern.empty() || pattern[0] != ':';
        literals.push_back(literal);
        if (literal) matches = pattern == segments[i];
        else params[pattern.substr(1)] = percent_decode(segments[i]);
      }
      if (!matches) continue;
      if (entry.route->method != method) {
        best.allowed.insert(entry.route->method);
        continue;
      }
      if (!best.route || literals > best_literals) {
        best.route = entry.route;
        best.params = std::move(params);
        best_literals = std::move(literals);
      }
    }
    if (best.allowed.count("GET")) best.allowed.insert("HEAD");
    return best;
  }

 private:
  struct Entry {
    const Route* route;
    std::vector<std::string> segments;
  };
  std::vector<Entry> m_entries;
};

// One request of a connection, in arrival order: a framed request, or the refusal that ends the
// connection (malformed, too large, too slow, too many waiting).
struct Pending {
  std::optional<FramedRequest> request;
  HttpResponse refusal;
  Clock::time_point arrived;
};

Pending refusal_pending(HttpResponse answer) {
  Pending pending;
  pending.refusal = std::move(answer);
  pending.arrived = Clock::now();
  return pending;
}

// The state of one TCP connection, kept in its Pistache peer. Framing runs on the peer's reactor
// thread only; the queue of parsed requests is shared with the handler threads that answer them.
// A connection handles one request at a time, so pipelined requests are answered in order.
struct Connection {
  Connection(std::weak_ptr<Tcp::Peer> peer_, std::string peer_address_, Tcp::Transport* transport_,
             std::size_t max_body_bytes)
      : peer(std::move(peer_)), peer_address(std::move(peer_address_)), transport(transport_), framer(max_body_bytes) {}

  const std::weak_ptr<Tcp::Peer> peer;
  const std::string peer_address;
  Tcp::Transport* const transport;
  RequestFramer framer;                       // reactor thread only
  std::atomic<Clock::rep> request_started{0};  // first read of a partly received request; 0: none

  std::mutex mutex;
  std::deque<Pending> waiting;  // parsed, not yet started
  bool busy = false;            // one of its requests is being handled
  bool closing = false;         // no more input is read; the last answer closes the connection
  std::atomic<bool> answered_last{false};  // that last answer is written
};

constexpr const char* kConnectionKey = "sanfang.connection";

std::string header_line(const std::string& name, const std::string& value) {
  // Values come from handlers; a line break would start a header the handler never meant.
  std::string clean = value;
  clean.erase(std::remove_if(clean.begin(), clean.end(), [](char c) { return c == '\r' || c == '\n'; }), clean.end());
  return name + ": " + clean + "\r\n";
}

// The status line and header block. The body length is always stated (or, for HEAD, the
// length GET would send, RFC 9110 §9.3.2), except where a status has no body at all or the body
// is sent as it is made (no `length`: chunked transfer coding).
std::string response_head(const HttpResponse& response, std::optional<std::uintmax_t> length, bool close) {
  const bool bodiless = response.status == 204 || response.status == 304;
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                     Http::codeString(static_cast<Http::Code>(response.status)) + "\r\n";
  if (!bodiless && !response.content_type.empty()) head += header_line("Content-Type", response.content_type);
  for (const auto& [name, value] : response.headers) head += header_line(name, value);
  if (!bodiless && length) head += "Content-Length: " + std::to_string(*length) + "\r\n";
  if (!bodiless && !length) head += "Transfer-Encoding: chunked\r\n";
  head += close ? "Connection: Close\r\n" : "Connection: Keep-Alive\r\n";  // as Pistache spelled them
  head += "\r\n";
  return head;
}

}  // namespace

struct Server::Impl {
  App& app;
  RouteTable routes;
  RouteMatcher matcher;
  core::BoundedPool handlers;
  std::atomic<bool> accepting{false};  // false while starting and while draining
  std::atomic<int> in_flight{0};       // requests queued for or running on a handler thread
  bool stopped = false;

  std::mutex connections_mutex;
  std::vector<std::weak_ptr<Connection>> connections;  // for the read timeout

  std::mutex watchdog_mutex;
  std::condition_variable watchdog_wake;
  bool watchdog_stopping = false;
  std::thread watchdog;

  // Last: destroyed first, so that no reactor thread outlives what its handler uses.
  std::shared_ptr<Http::Endpoint> endpoint;

  Impl(App& a, RouteTable r)
      : app(a),
        routes(std::move(r)),
        matcher(routes),
        handlers("请求", {a.config.http.handler_threads, a.config.http.handler_queue, kHandlerNice}) {}

  // Writes one answer (from any thread). Pistache's transport queue keeps writes in the order
  // they are made, and a connection makes them one request at a time.
  void answer(Connection& connection, const HttpResponse& response, bool head, bool close) {
    auto peer = connection.peer.lock();
    if (!peer) return;
    const Fd fd = peer->fd();
    std::optional<Async::Promise<ssize_t>> written;
    if (!response.file.empty()) {
      std::error_code error;
      const std::uintmax_t size = std::filesystem::file_size(response.file, error);
      if (error) return answer(connection, problem_response(404, "not_found", "文件已不存在"), head, close);
      // The whole file is a range of it. Not Pistache's FileBuffer: it sends with sendfile(2) and
      // closes the file only after the last byte went out, so every download a client broke off
      // kept a descriptor open for good.
      const ByteRange range = response.file_range ? *response.file_range : ByteRange{0, size};
      if (head) {
        std::string text = response_head(response, range.length, close);
        written = connection.transport->asyncWrite(fd, RawBuffer(text, text.size()));
      } else {
        auto last = send_file_range(connection, fd, response_head(response, range.length, close), response.file, range);
        if (!last) {
          // Cut off: the client must not take what arrived for the whole file or range.
          ::shutdown(fd, SHUT_RDWR);
          return;
        }
        written.emplace(std::move(*last));
      }
    } else if (response.body_pieces) {
      std::string text = response_head(response, std::nullopt, close);
      if (head) {
        written = connection.transport->asyncWrite(fd, RawBuffer(text, text.size()));
      } else {
        auto last = stream_pieces(connection, fd, std::move(text), response.body_pieces);
        if (!last) {
          // Cut off: the client must not take what arrived for the whole body.
          ::shutdown(fd, SHUT_RDWR);
          return;
        }
        written.emplace(std::move(*last));
      }
    } else {
      std::string text = response_head(response, response.body.size(), close);
      if (!head) text += response.body;
      written = connection.transport->asyncWrite(fd, RawBuffer(text, text.size()));
    }
    if (close) {
      // Once the answer is on the wire, end our side of the stream (FIN). The read side is shut
      // by receive() at the client's next bytes: recv then ends and Pistache drops the peer. (A
      // read side shut here would go unnoticed: Pistache's edge-triggered epoll reports nothing
      // new, and the peer would sit with a closed window.)
      std::weak_ptr<Tcp::Peer> weak = peer;
      Connection* closing = &connection;  // lives as long as the peer, which holds it
      auto shut = [weak, closing] {
        if (auto alive = weak.lock()) {
          ::shutdown(alive->fd(), SHUT_WR);
          closing->answered_last = true;
        }
      };
      written->then([shut](ssize_t) { shut(); }, [shut](std::exception_ptr&) { shut(); });
    }
  }

  // Sends a body made piece by piece (HttpResponse::body_pieces) as chunks after `head`, and the
  // last chunk; the promise of that last write, or nullopt when the body could not be finished
  // (its maker failed, or the client stopped reading). Each piece is made only once the one
  // before is on the wire, so a slow client holds one piece in memory, not the whole body. Runs
  // on a handler thread: the reactor thread it waits for must stay free.
  std::optional<Async::Promise<ssize_t>> stream_pieces(Connection& connection, Fd fd, std::string head,
                                                       const std::function<Result<std::string>()>& make_piece) {
    std::string pending = std::move(head);
    for (;;) {
      auto piece = make_piece();
      if (!piece) {
        log::error("response_body_failed", {{"kind", to_string(piece.error().kind)}, {"error", piece.error().describe()}});
        return std::nullopt;
      }
      if (piece->empty()) {
        pending += "0\r\n\r\n";
        return connection.transport->asyncWrite(fd, RawBuffer(pending, pending.size()));
      }
      char size[20];
      std::snprintf(size, sizeof size, "%zx\r\n", piece->size());
      pending += size;
      pending += *piece;
      pending += "\r\n";
      if (!written_in_time(connection.transport->asyncWrite(fd, RawBuffer(pending, pending.size())))) {
        log::warn("response_body_abandoned", {{"reason", "the client stopped reading"}});
        return std::nullopt;
      }
      pending.clear();
    }
  }

  // Sends `range` of `file` (all of it, or a 206 answer's part) after `head` with a stated
  // length. The range is read in pieces, each written once the one before is on the wire: a slow
  // client holds one piece in memory, and the file is closed when this returns, whatever the
  // client did. The promise of the last write, or nullopt when the file could not be read or the
  // client stopped reading. Runs on a handler thread, as stream_pieces.
  std::optional<Async::Promise<ssize_t>> send_file_range(Connection& connection, Fd fd, std::string head,
                                                         const std::filesystem::path& file, ByteRange range) {
    constexpr std::uintmax_t kPiece = 1 << 20;
    std::ifstream in(file, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(range.first));
    std::string pending = std::move(head);
    std::uintmax_t left = range.length;
    while (left > 0) {
      const std::size_t offset = pending.size();
      const std::size_t piece = static_cast<std::size_t>(std::min(left, kPiece));
      pending.resize(offset + piece);
      if (!in.read(pending.data() + offset, static_cast<std::streamsize>(piece))) {
        log::error("response_body_failed", {{"kind", "io"}, {"error", "could not read " + file.string()}});
        return std::nullopt;
      }
      left -= piece;
      if (left == 0) break;
      if (!written_in_time(connection.transport->asyncWrite(fd, RawBuffer(pending, pending.size())))) {
        log::warn("response_body_abandoned", {{"reason", "the client stopped reading"}});
        return std::nullopt;
      }
      pending.clear();
    }
    return connection.transport->asyncWrite(fd, RawBuffer(pending, pending.size()));
  }

  // Whether a write reached the socket within the read timeout (a client that reads nothing for
  // that long is treated as one that sends nothing).
  bool written_in_time(Async::Promise<ssize_t> written) {
    auto done = std::make_shared<std::promise<bool>>();
    std::future<bool> outcome = done->get_future();
    written.then([done](ssize_t) { done->set_value(true); }, [done](std::exception_ptr&) { done->set_value(false); });
    return outcome.wait_for(app.config.http.read_timeout) == std::future_status::ready && outcome.get();
  }

  // Starts the connection's next waiting requests, one at a time, until one goes to a handler
  // thread (which calls pump again when it is done) or none is left.
  void pump(const std::shared_ptr<Connection>& connection) {
    for (;;) {
      Pending next;
      {
        std::lock_guard lock(connection->mutex);
        if (connection->busy) return;
        if (connection->waiting.empty()) {
          // Pistache closes a peer marked idle after its keep-alive timeout, a busy one after
          // its header timeout (with a bare 408); it set this flag itself when it answered.
          if (auto peer = connection->peer.lock(); peer && connection->request_started == 0) peer->setIdle(true);
          return;
        }
        next = std::move(connection->waiting.front());
        connection->waiting.pop_front();
        connection->busy = true;
      }
      if (start(connection, std::move(next))) return;
      std::lock_guard lock(connection->mutex);
      connection->busy = false;
    }
  }

  // Answers the request at once, or hands it to a handler thread (true).
  bool start(const std::shared_ptr<Connection>& connection, Pending pending) {
    if (!pending.request) {
      // Refused while it was read (framing, size, time): nothing of it can be trusted to name it,
      // so it gets an id of its own, in the answer and in the log, as every other answer has.
      const std::string request_id = request_id_of(HttpRequest{});
      log::warn("request_refused", {{"request_id", request_id},
                                    {"status", pending.refusal.status},
                                    {"peer", connection->peer_address}});
      answer(*connection, with_request_id(pending.refusal, request_id), false, true);
      return false;
    }
    const FramedRequest& framed = *pending.request;
    const bool head = framed.method == "HEAD";
    const bool close = !framed.keep_alive;
    // The server's own answers (404, 405, 415, 503) carry a request id as dispatched ones do.
    auto reply = [&](const HttpResponse& response) {
      HttpRequest identified;
      identified.headers = framed.headers;
      answer(*connection, with_request_id(response, request_id_of(identified)), head, close);
      return false;
    };
    if (!accepting) return reply(problem_response(503, "unavailable", "服务暂不可用，请稍后重试"));
    const std::optional<Target> target = split_target(framed.target);
    if (!target) return reply(problem_response(400, "bad_request", "请求地址无效"));
    // HEAD is GET without the body (RFC 9110 §9.3.2): the GET route answers it.
    const RouteMatcher::Match match = matcher.match(head ? "GET" : framed.method, target->path);
    if (!match.route) {
      if (match.allowed.empty()) return reply(problem_response(404, "not_found", "没有这个地址"));
      std::string allow;
      for (const std::string& method : match.allowed) allow += (allow.empty() ? "" : ", ") + method;
      return reply(problem_response(405, "method_not_allowed", "此地址不支持该请求方法").with_header("Allow", allow));
    }
    if (auto type = framed.headers.find("content-type");
        !framed.body.empty() && type != framed.headers.end() && !is_accepted_body_type(type->second)) {
      return reply(problem_response(415, "unsupported_media_type", "不支持的请求内容类型：" + type->second, "Content-Type"));
    }
    auto request = std::make_shared<HttpRequest>();
    request->method = head ? "GET" : framed.method;
    request->path = target->path;
    request->route = match.route->pattern;
    request->params = match.params;
    request->query = parse_query(target->query);
    request->headers = framed.headers;
    request->body = std::move(pending.request->body);
    request->peer_address = connection->peer_address;
    const Route* route = match.route;
    if (answers_on_io_thread(*route)) return reply(dispatch(app, *route, *request));

    ++in_flight;
    core::BoundedPool::Job job;
    job.deadline = pending.arrived + app.config.http.request_deadline;
    job.run = [this, connection, route, request, head, close] {
      answer(*connection, dispatch(app, *route, *request), head, close);
      finish(connection);
    };
    job.expired = [this, connection, request, head, close] {
      answer(*connection,
             with_request_id(problem_response(Error::make(ErrorKind::Busy, "服务繁忙，请稍后重试")), request_id_of(*request)),
             head, close);
      finish(connection);
    };
    if (!handlers.try_submit(std::move(job))) {
      --in_flight;
      return reply(problem_response(Error::make(ErrorKind::Busy, "服务繁忙，请稍后重试")));
    }
    return true;
  }

  void finish(const std::shared_ptr<Connection>& connection) {
    {
      std::lock_guard lock(connection->mutex);
      connection->busy = false;
    }
    pump(connection);
    --in_flight;
  }

  // Reactor thread: frame what arrived and queue the requests it completes.
  void receive(const std::shared_ptr<Connection>& connection, const std::shared_ptr<Tcp::Peer>& peer,
               std::string_view bytes) {
    {
      std::lock_guard lock(connection->mutex);
      if (connection->closing) {
        // Input after the connection's last request is dropped unread; once that request is
        // answered, the read side is shut so that Pistache's read loop ends and drops the peer
        // (a client that keeps sending gets a reset) instead of spending a core on its bytes.
        if (connection->answered_last) ::shutdown(peer->fd(), SHUT_RD);
        return;
      }
    }
    const bool starts_request = !connection->framer.in_request();
    if (starts_request) {
      // Pistache's idle check times a peer from its (otherwise unused) parser's last reset.
      Http::Handler::getParser(peer)->reset();
      peer->setIdle(false);
    }
    std::vector<FramedRequest> complete;
    const std::optional<FramingRefusal> refusal = connection->framer.feed(bytes, complete);
    const Clock::time_point now = Clock::now();
    if (!connection->framer.in_request()) connection->request_started = 0;
    else if (starts_request || !complete.empty()) connection->request_started = now.time_since_epoch().count();
    {
      std::lock_guard lock(connection->mutex);
      for (FramedRequest& request : complete) {
        if (connection->closing) break;
        if (connection->waiting.size() >= kMaxWaitingRequests) {
          connection->waiting.push_back(
              refusal_pending(problem_response(Error::make(ErrorKind::Busy, "同一连接上等待处理的请求过多"))));
          connection->closing = true;
          break;
        }
        connection->closing = !request.keep_alive;
        connection->waiting.push_back(Pending{std::move(request), {}, now});
      }
      if (refusal && !connection->closing) {
        connection->waiting.push_back(refusal_pending(problem_response(refusal->status, refusal->type, refusal->detail)));
        connection->closing = true;
      }
      if (connection->framer.take_continue()) send_continue(*connection, peer);
    }
    pump(connection);
  }

  // The interim 100 (Continue) a request with `Expect: 100-continue` waits for before it sends
  // its body (curl and PHP wait a second for it with any body over 1 KB). Sent only when no
  // answer to an earlier request on the connection is still to be written, as an interim answer
  // belongs to the request answered next; otherwise, and while the service is not accepting
  // requests, the client sends its body when it stops waiting. Called with the connection's
  // mutex held, on the reactor thread.
  void send_continue(Connection& connection, const std::shared_ptr<Tcp::Peer>& peer) {
    if (!accepting || connection.closing || connection.busy || !connection.waiting.empty()) return;
    static const std::string kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    connection.transport->asyncWrite(peer->fd(), RawBuffer(kContinue, kContinue.size()));
  }

  void track(const std::shared_ptr<Connection>& connection) {
    std::lock_guard lock(connections_mutex);
    connections.push_back(connection);
  }

  // A request whose bytes stop arriving holds its connection (slowloris): after the read
  // timeout it is answered 408 and the connection closed.
  void watch_read_timeouts();
  // The Pistache handler of every reactor thread.
  class ConnectionHandler;
};

void Server::Impl::watch_read_timeouts() {
  std::unique_lock lock(watchdog_mutex);
  while (!watchdog_wake.wait_for(lock, std::chrono::milliseconds(200), [this] { return watchdog_stopping; })) {
    const Clock::rep limit = (Clock::now() - app.config.http.read_timeout).time_since_epoch().count();
    std::vector<std::shared_ptr<Connection>> late;
    {
      std::lock_guard guard(connections_mutex);
      std::erase_if(connections, [&](const std::weak_ptr<Connection>& weak) {
        auto connection = weak.lock();
        if (!connection) return true;
        const Clock::rep started = connection->request_started;
        if (started != 0 && started < limit) late.push_back(std::move(connection));
        return false;
      });
    }
    for (const auto& connection : late) {
      connection->request_started = 0;
      {
        std::lock_guard guard(connection->mutex);
        if (connection->closing) continue;
        connection->closing = true;
        connection->waiting.push_back(
            refusal_pending(problem_response(408, "request_timeout", "请求发送超时，请重试")));
      }
      pump(connection);
    }
  }
}

// Takes over Pistache's HTTP handling above the socket: Pistache 0.0.5 keeps reading (and
// buffering) the body of a request it has already refused, answers framing errors with
// exception text, drops pipelined requests, cannot send a HEAD answer with GET's length and
// runs handlers on its reactor threads. Here the reactor threads only frame requests and write
// answers; handlers run on the server's handler pool.
class Server::Impl::ConnectionHandler : public Http::Handler {
 public:
  explicit ConnectionHandler(Server::Impl* server) : m_server(server) {}

  std::shared_ptr<Tcp::Handler> clone() const override { return std::make_shared<ConnectionHandler>(m_server); }

  // Http::Handler's request path, which onInput below no longer takes; it is pure there.
  void onRequest(const Http::Request&, Http::ResponseWriter response) override {
    response.send(Http::Code::Internal_Server_Error);
  }

 private:
  void onConnection(const std::shared_ptr<Tcp::Peer>& peer) override {
    // Pistache's idle-peer check reads this parser's clock (see Impl::receive); nothing is fed to it.
    peer->putData(ParserData, std::make_shared<Http::RequestParser>(0));
    // A connection that has sent nothing is idle: closed quietly after the keep-alive timeout.
    peer->setIdle(true);
    auto connection =
        std::make_shared<Connection>(peer, peer->address().host(), transport(), m_server->app.config.max_body_bytes);
    peer->putData(kConnectionKey, connection);
    m_server->track(connection);
  }

  void onInput(const char* buffer, size_t length, const std::shared_ptr<Tcp::Peer>& peer) override {
    auto connection = std::static_pointer_cast<Connection>(peer->tryGetData(kConnectionKey));
    if (connection) m_server->receive(connection, peer, std::string_view(buffer, length));
  }

  Server::Impl* m_server;
};

Server::Server(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Server::~Server() { stop(0); }

Result<std::unique_ptr<Server>> Server::start(App& app, RouteTable routes) {
  // A write to a connection the client has closed or reset raises SIGPIPE unless the call
  // says MSG_NOSIGNAL, and its default action ends the process — every request in flight with
  // it. Pistache's sendfile(2) path could not say it (it ended the service under wrk before files
  // were sent in pieces); no write here should depend on every library remembering the flag.
  // Ignored, the write fails with EPIPE and that connection is dropped. Drawing processes get
  // the default back (drawing_processes.cpp).
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  if (::sigaction(SIGPIPE, &ignore, nullptr) != 0) {
    return Error::make(ErrorKind::Internal, "cannot ignore SIGPIPE");
  }
  for (const Route& route : routes.routes()) {
    if (route.method != "GET" && route.method != "POST" && route.method != "PUT" && route.method != "PATCH" &&
        route.method != "DELETE") {
      return Error::make(ErrorKind::Internal, "unsupported method " + route.method);
    }
  }
  auto impl = std::make_unique<Impl>(app, std::move(routes));
  Impl* raw = impl.get();
  impl->watchdog = std::thread([raw] { raw->watch_read_timeouts(); });
  const HttpLimits& limits = app.config.http;
  // Pistache's own timeouts stay as a backstop behind ours: a request that is still being
  // handled after it gets a bare 408 from Pistache.
  const auto backstop = std::chrono::duration_cast<std::chrono::seconds>(limits.read_timeout + limits.request_deadline) +
                        std::chrono::seconds(120);
  try {
    Address address(app.config.host, Port(static_cast<uint16_t>(app.config.port)));
    impl->endpoint = std::make_shared<Http::Endpoint>(address);
    auto options = Http::Endpoint::options()
                       .threads(app.config.io_threads)
                       .flags(Tcp::Options::ReuseAddr)
                       .headerTimeout(backstop)
                       .bodyTimeout(backstop)
                       .keepaliveTimeout(std::chrono::seconds(30));
    impl->endpoint->init(options);
    impl->endpoint->setHandler(std::make_shared<Impl::ConnectionHandler>(raw));
    impl->endpoint->serveThreaded();
  } catch (const std::exception& e) {
    Server failed(std::move(impl));
    return Error::make(ErrorKind::Io, std::string("cannot listen on ") + app.config.host + ":" +
                                          std::to_string(app.config.port) + ": " + e.what());
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Server::port() const { return static_cast<uint16_t>(m_impl->endpoint->getPort()); }

void Server::open() { m_impl->accepting = true; }

void Server::begin_draining() { m_impl->accepting = false; }

void Server::stop(int timeout_ms) {
  if (m_impl->stopped) return;
  m_impl->accepting = false;
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (m_impl->in_flight > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m_impl->handlers.stop();
  {
    std::lock_guard lock(m_impl->watchdog_mutex);
    m_impl->watchdog_stopping = true;
  }
  m_impl->watchdog_wake.notify_all();
  if (m_impl->watchdog.joinable()) m_impl->watchdog.join();
  if (m_impl->endpoint) m_impl->endpoint->shutdown();
  m_impl->stopped = true;
}

}  // namespace sanfang::api
