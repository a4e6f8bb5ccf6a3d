// Server: the routes of RouteTable served on one address. Pistache 0.0.5 only runs the sockets
// (accept, epoll, writes); requests are framed with http-parser (request_framing.h), routed here
// and handled on a bounded pool of handler threads, so the reactor threads only do I/O.
// - A body over the limit is refused (413) as soon as its length is known and the connection
//   closed; malformed framing is 400; every error is problem+json.
// - Pipelined requests are answered in order: a connection's requests are handled one at a time.
// - A full handler queue or a request that waited past its deadline answers 503 with Retry-After;
//   /healthz, /readyz and /metrics are answered on the reactor thread and stay prompt.
// - HEAD is answered wherever GET is, with GET's headers and no body.
// - A client that goes away mid-answer costs its connection only: files are read and written
//   in pieces that close with the answer, and start() sets SIGPIPE to be ignored for the process.
// Trade-offs: a connection's requests never run in parallel; an idle keep-alive connection is
// closed (by Pistache) 30 s after its last request began, not after its last answer.
#pragma once

#include "api/app.h"
#include "api/routes.h"
#include "core/result.h"

#include <memory>

namespace sanfang::api {

class Server {
 public:
  // Binds and starts serving on background threads, answering 503 until open().
  static Result<std::unique_ptr<Server>> start(App& app, RouteTable routes);
  void open();
  ~Server();

  int port() const;
  // New requests get 503 from now on; requests already being handled finish.
  void begin_draining();
  // Waits (up to `timeout_ms`) for requests in flight, then stops the endpoint.
  void stop(int timeout_ms = 10000);

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace sanfang::api
