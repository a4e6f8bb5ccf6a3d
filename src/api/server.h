// Server: the routes of RouteTable served by Pistache 0.0.5 on one address. All Pistache
// specifics live here (tech-notes §1): a request limit above the body limit so that oversized
// bodies get our own 413, typed headers because raw response headers are dropped, methods
// filtered before routing (the router's unsynchronised route map), HTTP/1.1 keep-alive by
// default, and a draining state for graceful shutdown.
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
