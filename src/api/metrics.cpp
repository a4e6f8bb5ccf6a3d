#include "api/metrics.h"

#include "core/log.h"

#include <cstdio>

namespace sanfang::api {

namespace {

constexpr double kLatencyBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

std::string label(const std::string& value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return escaped;
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void Metrics::observe(Histogram& h, double seconds) {
  if (h.buckets.empty()) h.buckets.assign(std::size(kLatencyBounds), 0);
  for (std::size_t i = 0; i < std::size(kLatencyBounds); ++i) {
    if (seconds <= kLatencyBounds[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

void Metrics::record_request(const std::string& method, const std::string& route, int status, double seconds) {
  std::lock_guard lock(m_mutex);
  ++m_requests[{method, route, status}];
  observe(m_latency[{method, route}], seconds);
}

void Metrics::record_render(bool ok, double seconds) {
  std::lock_guard lock(m_mutex);
  ++(ok ? m_renders_ok : m_renders_failed);
  observe(m_render_latency, seconds);
}

std::string Metrics::prometheus_text() const {
  std::lock_guard lock(m_mutex);
  std::string out;
  auto histogram = [&](const std::string& name, const std::string& labels, const Histogram& h) {
    const std::string sep = labels.empty() ? "" : ",";
    for (std::size_t i = 0; i < h.buckets.size(); ++i) {
      out += name + "_bucket{" + labels + sep + "le=\"" + number(kLatencyBounds[i]) + "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += name + "_bucket{" + labels + sep + "le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += name + "_sum" + (labels.empty() ? "" : "{" + labels + "}") + " " + number(h.sum) + "\n";
    out += name + "_count" + (labels.empty() ? "" : "{" + labels + "}") + " " + std::to_string(h.count) + "\n";
  };
  out += "# HELP sanfang_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE sanfang_http_requests_total counter\n";
  for (const auto& [key, count] : m_requests) {
    const auto& [method, route, status] = key;
    out += "sanfang_http_requests_total{method=\"" + label(method) + "\",route=\"" + label(route) + "\",status=\"" +
           std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP sanfang_http_request_duration_seconds HTTP request latency by method and route.\n";
  out += "# TYPE sanfang_http_request_duration_seconds histogram\n";
  for (const auto& [key, h] : m_latency) {
    histogram("sanfang_http_request_duration_seconds",
              "method=\"" + label(key.first) + "\",route=\"" + label(key.second) + "\"", h);
  }
  out += "# HELP sanfang_renders_total PDF renders by outcome.\n# TYPE sanfang_renders_total counter\n";
  out += "sanfang_renders_total{outcome=\"ok\"} " + std::to_string(m_renders_ok) + "\n";
  out += "sanfang_renders_total{outcome=\"failed\"} " + std::to_string(m_renders_failed) + "\n";
  out += "# HELP sanfang_render_duration_seconds PDF render latency.\n# TYPE sanfang_render_duration_seconds histogram\n";
  Histogram render = m_render_latency;
  if (render.buckets.empty()) render.buckets.assign(std::size(kLatencyBounds), 0);
  histogram("sanfang_render_duration_seconds", "", render);
  // Every task is listed, at 0 too, so that an alert on a rate sees the series from the start.
  out += "# HELP sanfang_background_failures_total Failures of background work (logged at error level) by task.\n"
         "# TYPE sanfang_background_failures_total counter\n";
  for (const log::BackgroundTask task : log::kBackgroundTasks) {
    out += "sanfang_background_failures_total{task=\"" + std::string(log::to_string(task)) + "\"} " +
           std::to_string(log::background_failures(task)) + "\n";
  }
  return out;
}

}  // namespace sanfang::api
