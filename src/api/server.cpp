#include "api/server.h"

#include "api/problem.h"

#include <pistache/endpoint.h>
#include <pistache/router.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <thread>

namespace sanfang::api {

using namespace Pistache;

namespace {

// A response header with a name chosen at run time: Pistache 0.0.5 writes only typed headers
// (addRaw on a response is silently dropped).
class NamedHeader : public Http::Header::Header {
 public:
  NamedHeader(std::string name, std::string value) : m_name(std::move(name)), m_value(std::move(value)) {}
  const char* name() const override { return m_name.c_str(); }
  uint64_t hash() const override { return Http::Header::detail::hash(m_name.c_str()); }
  void write(std::ostream& os) const override { os << m_value; }

 private:
  std::string m_name, m_value;
};

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

std::vector<std::string> param_names(const std::string& pattern) {
  std::vector<std::string> names;
  std::size_t pos = 0;
  while ((pos = pattern.find("/:", pos)) != std::string::npos) {
    std::size_t end = pattern.find('/', pos + 1);
    names.push_back(pattern.substr(pos + 2, end == std::string::npos ? std::string::npos : end - pos - 2));
    pos += 2;
  }
  return names;
}

HttpRequest convert(const Rest::Request& request, const Route& route) {
  HttpRequest out;
  out.method = Http::methodString(request.method());
  out.path = request.resource();
  out.route = route.pattern;
  for (const auto& name : param_names(route.pattern)) {
    out.params[name] = percent_decode(request.param(":" + name).as<std::string>());
  }
  for (auto it = request.query().parameters_begin(); it != request.query().parameters_end(); ++it) {
    out.query[percent_decode(it->first)] = percent_decode(it->second);
  }
  for (const auto& [name, raw] : request.headers().rawList()) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers[lower] = raw.value();
  }
  out.body = request.body();
  return out;
}

}  // namespace

struct Server::Impl {
  App& app;
  RouteTable routes;
  std::shared_ptr<Http::Endpoint> endpoint;
  Rest::Router router;
  std::atomic<bool> accepting{false};  // false while starting and while draining
  std::atomic<int> in_flight{0};
  bool stopped = false;

  Impl(App& a, RouteTable r) : app(a), routes(std::move(r)) {}

  void send(Http::ResponseWriter& writer, const Http::Request& request, const HttpResponse& response) {
    // HTTP/1.1 connections persist unless the client says otherwise (RFC 9112 §9.3); Pistache
    // 0.0.5 closes them unless the client asks for keep-alive.
    if (request.version() == Http::Version::Http11 && !request.headers().has<Http::Header::Connection>()) {
      writer.headers().remove<Http::Header::Connection>();
      writer.headers().add<Http::Header::Connection>(Http::ConnectionControl::KeepAlive);
    }
    for (const auto& [name, value] : response.headers) writer.headers().add(std::make_shared<NamedHeader>(name, value));
    if (!response.file.empty()) {
      // sendfile(2) from disk; Pistache writes status 200, Content-Type and Content-Length
      // (tech-notes §1.5). It throws when the file vanished meanwhile.
      try {
        Http::serveFile(writer, response.file.string(), Http::Mime::MediaType::fromString(response.content_type));
      } catch (const std::exception&) {
        writer.send(Http::Code::Not_Found);
      }
      return;
    }
    writer.headers().add(std::make_shared<NamedHeader>("Content-Type", response.content_type));
    writer.send(static_cast<Http::Code>(response.status), response.body);
  }

  Rest::Route::Handler handler_for(std::size_t index) {
    return [this, index](const Rest::Request request, Http::ResponseWriter writer) {
      const Route& route = routes.routes()[index];
      if (!accepting) {
        send(writer, request, problem_response(503, "unavailable", "服务暂不可用，请稍后重试"));
        return Rest::Route::Result::Ok;
      }
      ++in_flight;
      HttpResponse response;
      if (request.body().size() > app.config.max_body_bytes) {
        response = problem_response(Error::make(ErrorKind::TooLarge, "请求内容超过上限"));
      } else {
        response = dispatch(app, route, convert(request, route));
      }
      send(writer, request, response);
      --in_flight;
      return Rest::Route::Result::Ok;
    };
  }
};

Server::Server(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

Server::~Server() { stop(0); }

Result<std::unique_ptr<Server>> Server::start(App& app, RouteTable routes) {
  auto impl = std::make_unique<Impl>(app, std::move(routes));
  for (std::size_t i = 0; i < impl->routes.routes().size(); ++i) {
    const Route& route = impl->routes.routes()[i];
    auto handler = impl->handler_for(i);
    if (route.method == "GET") Rest::Routes::Get(impl->router, route.pattern, handler);
    else if (route.method == "POST") Rest::Routes::Post(impl->router, route.pattern, handler);
    else if (route.method == "PUT") Rest::Routes::Put(impl->router, route.pattern, handler);
    else if (route.method == "PATCH") Rest::Routes::Patch(impl->router, route.pattern, handler);
    else if (route.method == "DELETE") Rest::Routes::Delete(impl->router, route.pattern, handler);
    else return Error::make(ErrorKind::Internal, "unsupported method " + route.method);
  }
  Impl* raw = impl.get();
  Rest::Routes::NotFound(impl->router, [raw](const Rest::Request request, Http::ResponseWriter writer) {
    raw->send(writer, request, problem_response(404, "not_found", "没有这个地址"));
    return Rest::Route::Result::Ok;
  });
  // Methods without routes never reach Router::route, whose route map would otherwise be
  // written from several I/O threads at once (fixed upstream after 0.0.5).
  impl->router.addMiddleware([raw](Http::Request& request, Http::ResponseWriter& writer) {
    switch (request.method()) {
      case Http::Method::Get:
      case Http::Method::Post:
      case Http::Method::Put:
      case Http::Method::Patch:
      case Http::Method::Delete: return true;
      default:
        raw->send(writer, request, problem_response(405, "method_not_allowed", "不支持的请求方法"));
        return false;
    }
  });

  try {
    Address address(app.config.host, Port(static_cast<uint16_t>(app.config.port)));
    impl->endpoint = std::make_shared<Http::Endpoint>(address);
    auto options = Http::Endpoint::options()
                       .threads(app.config.io_threads)
                       .flags(Tcp::Options::ReuseAddr)
                       .maxRequestSize(app.config.max_body_bytes + 64 * 1024)
                       .headerTimeout(std::chrono::seconds(120))
                       .bodyTimeout(std::chrono::seconds(120))
                       .keepaliveTimeout(std::chrono::seconds(30));
    impl->endpoint->init(options);
    impl->endpoint->setHandler(impl->router.handler());
    impl->endpoint->serveThreaded();
  } catch (const std::exception& e) {
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
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (m_impl->in_flight > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  m_impl->endpoint->shutdown();
  m_impl->stopped = true;
}

}  // namespace sanfang::api
