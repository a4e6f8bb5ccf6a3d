// cluster_bench: the two halves of scripts/bench-cluster.sh that wrk cannot do.
//
//   cluster_bench seed --data DIR [--db URL] --signed N --awaiting M --public-base URL -o FILE.json
//     Starts the service in-process on the store (SQLite in DIR, or the PostgreSQL database URL
//     with DIR holding the secrets), and makes through the use cases (app/) N signed agreements
//     (PDFs rendered and stored at signing) and M agreements the college has approved, waiting for
//     the school's final approval. FILE.json: a school session token, a portal API key, the signed
//     agreements' serials with their first copy's verification path, and the waiting ids.
//
//   cluster_bench approve --base URL --token T --ids 1,2,3 [--connections C]
//     Gives the school's final approval (which signs: serial, audit event, PDF rendered and stored)
//     to each id exactly once, over C keep-alive connections, and prints
//     "approvals N failed F seconds S per_second R". A fixed batch timed end to end: wrk runs for
//     a duration and repeats requests, and an agreement can be signed only once.
#include "api/documents.h"
#include "api/service.h"
#include "api/workflow_http.h"
#include "cli/sample_data.h"
#include "core/verification_token.h"
#include "seed.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace sanfang;
using nlohmann::json;

std::map<std::string, std::string> parse_options(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 2; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  return options;
}

std::string option(const std::map<std::string, std::string>& options, const std::string& name,
                   const std::string& fallback = {}) {
  const auto it = options.find(name);
  return it == options.end() ? fallback : it->second;
}

Result<json> seed(const std::map<std::string, std::string>& options) {
  api::ServiceOptions service_options;
  service_options.data_dir = option(options, "--data", "bench-data");
  service_options.db = option(options, "--db");
  service_options.share_dir = SANFANG_SOURCE_DIR;
  service_options.port = 0;
  service_options.public_base = option(options, "--public-base");
  auto service = TRY(api::Service::start(service_options));
  api::App& app = service->app();
  const app::Context context = api::use_cases(app);

  const workflow::Employer unit = TRY(cluster::add_college_and_employer(context));

  json out = {{"signed", json::array()}, {"awaiting", json::array()}};
  const int signed_count = std::stoi(option(options, "--signed", "1"));
  const int awaiting_count = std::stoi(option(options, "--awaiting", "0"));
  for (int i = 0; i < signed_count; ++i) {
    const workflow::Student student = TRY(cluster::add_verified_student(context, i));
    const workflow::Agreement a = TRY(cli::sign_invitation(context, unit, student));
    const auto document = TRY(api::signed_document(app, a));
    const auto hash = TRY(api::hex_decode_hash(document.content_hash));
    out["signed"].push_back({{"id", a.id},
                             {"serial", *a.serial},
                             {"verify_path", "/V/" + core::make_verification_token(app.key, *a.serial, 1, hash)}});
  }
  for (const auto& a : TRY(cluster::awaiting_school(context, unit, signed_count, awaiting_count)))
    out["awaiting"].push_back(a.id);
  out["school_token"] = TRY(cluster::session_token(context, workflow::Role::School, "bench-school"));
  // The portal is another system: it authenticates with an API key.
  store::NewAccount portal;
  portal.username = "bench-portal";
  portal.password = "bench-portal-password";
  portal.role = workflow::Role::Portal;
  const auto portal_account = TRY(context.store.create_account(portal, context.now()));
  out["portal_key"] = TRY(context.store.create_api_key(portal_account.id, "bench", context.now(), {})).key;
  service->stop();
  return out;
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

int approve(const std::map<std::string, std::string>& options) {
  const std::string base = option(options, "--base");
  const std::string authorization = "Authorization: Bearer " + option(options, "--token");
  std::vector<std::string> ids;
  const std::string list = option(options, "--ids");
  for (std::size_t start = 0; start < list.size();) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    ids.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  const int connections = std::stoi(option(options, "--connections", "6"));
  std::atomic<std::size_t> next{0};
  std::atomic<int> failed{0};
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (int c = 0; c < connections; ++c) {
    workers.emplace_back([&] {
      CURL* curl = curl_easy_init();
      curl_slist* headers = nullptr;
      headers = curl_slist_append(headers, "Content-Type: application/json");
      headers = curl_slist_append(headers, "Connection: keep-alive");
      headers = curl_slist_append(headers, authorization.c_str());
      for (std::size_t i = next++; i < ids.size(); i = next++) {
        const std::string url = base + "/api/v1/agreements/" + ids[i] + "/review";
        curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, R"({"decision":"approve"})");
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
        long status = 0;
        if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        if (status != 200) ++failed;
      }
      curl_slist_free_all(headers);
      curl_easy_cleanup(curl);
    });
  }
  for (auto& worker : workers) worker.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("approvals %zu failed %d seconds %.2f per_second %.1f\n", ids.size(), failed.load(), seconds,
              static_cast<double>(ids.size()) / seconds);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  const auto options = parse_options(argc, argv);
  if (command == "seed") {
    auto seeded = seed(options);
    if (!seeded) {
      std::fprintf(stderr, "cluster_bench seed: %s\n", seeded.error().describe().c_str());
      return 1;
    }
    std::ofstream(option(options, "-o", "bench.json")) << seeded->dump(2) << "\n";
    return 0;
  }
  if (command == "approve") return approve(options);
  std::fprintf(stderr,
               "usage: cluster_bench seed --data DIR [--db URL] --signed N --awaiting M --public-base URL -o FILE\n"
               "       cluster_bench approve --base URL --token T --ids ID,ID,... [--connections C]\n");
  return 2;
}
