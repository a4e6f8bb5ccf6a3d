// Metrics in the Prometheus text format: requests and latency by route and status, renders, and
// failures of background work (counted by core/log.h, where they are logged). Counters are
// updated under one mutex; a scrape formats a snapshot.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace sanfang::api {

class Metrics {
 public:
  void record_request(const std::string& method, const std::string& route, int status, double seconds);
  void record_render(bool ok, double seconds);
  std::string prometheus_text() const;

 private:
  struct Histogram {
    std::vector<unsigned long long> buckets;  // cumulative counts per bound in kLatencyBounds
    unsigned long long count = 0;
    double sum = 0;
  };
  void observe(Histogram& h, double seconds);

  mutable std::mutex m_mutex;
  std::map<std::tuple<std::string, std::string, int>, unsigned long long> m_requests;
  std::map<std::pair<std::string, std::string>, Histogram> m_latency;
  unsigned long long m_renders_ok = 0, m_renders_failed = 0;
  Histogram m_render_latency;
};

}  // namespace sanfang::api
