#include "cluster.h"

#include "api/workflow_http.h"
#include "app/agreements.h"
#include "cli/sample_data.h"
#include "store/pg/pg_store.h"

#include <nlohmann/json.hpp>

#include <ctime>
#include <fstream>
#include <regex>

namespace sanfang::cluster {

using test::ok;

Cluster::Cluster() : m_database_url(m_database.url()), m_proxy_port(testing::free_port()) {
  testing::ServiceFixtureOptions options;
  // The school's public address is stored by the first service on the database: this one, so it
  // is the proxy's, as the instances' configuration says.
  options.public_base = proxy_url();
  options.db = m_database_url;
  m_seeding = std::make_unique<testing::ServiceFixture>(options);
  // Sessions made while seeding are checked by the instances against the system clock.
  m_seeding->clock().set(workflow::from_unix_seconds(std::time(nullptr)));
  m_employer = ok(add_college_and_employer(api::use_cases(seeding_app())));
}

Cluster::~Cluster() {
  // SIGTERM: nginx's master stops its workers before it exits; SIGKILL would leave them running.
  if (m_proxy) m_proxy->terminate();
  m_proxy.reset();
  m_instances.clear();
}

std::vector<workflow::Agreement> Cluster::awaiting_school(int count, int first) {
  return ok(cluster::awaiting_school(api::use_cases(seeding_app()), m_employer, first, count));
}

std::vector<workflow::Agreement> Cluster::signed_agreements(int count, int first) {
  app::Context context = api::use_cases(seeding_app());
  context.make_signed_document = nullptr;
  return ok(cluster::signed_agreements(context, m_employer, first, count));
}

std::vector<workflow::Agreement> Cluster::invitations_sent(int count, int first, int days_ago) {
  const app::Context context = api::use_cases(seeding_app());
  const auto now = m_seeding->clock().now();
  m_seeding->clock().set(now - std::chrono::days(days_ago));
  std::vector<workflow::Agreement> sent;
  for (int i = 0; i < count; ++i) {
    const workflow::Student student = ok(add_verified_student(context, first + i));
    const workflow::Actor hr = cli::sample_employer(m_employer.id);
    const workflow::Agreement draft = ok(
        app::create_agreement(context, hr, {student.student_no, std::nullopt, cli::sample_agreement_content()}));
    sent.push_back(ok(app::send_invitation(context, hr, draft.id)));
  }
  m_seeding->clock().set(now);
  return sent;
}

std::string Cluster::token(workflow::Role role, const std::string& student_no) {
  return ok(session_token(api::use_cases(seeding_app()), role, "account-" + std::to_string(++m_accounts), student_no));
}

void Cluster::add_account(const std::string& username, const std::string& password, workflow::Role role) {
  store::NewAccount account;
  account.username = username;
  account.password = password;
  account.role = role;
  ok(seeding_app().store->create_account(account, seeding_app().clock->now()));
}

void Cluster::start(int instances, const nlohmann::json& configuration) {
  REQUIRE(m_instances.empty());
  const std::filesystem::path secrets = m_seeding->data_dir();
  m_seeding->stop();

  // Small pools: every instance shares two cores and one test server with the others.
  nlohmann::json config = {{"io_threads", 1},          {"render_threads", 1},
                           {"handler_threads", 4},     {"db_pool_size", 4},
                           {"trusted_proxies", {"127.0.0.1"}}, {"public_base", proxy_url()}};
  config.update(configuration);
  const std::filesystem::path config_file = m_folder.path() / "config.json";
  std::ofstream(config_file) << config.dump();

  for (int i = 0; i < instances; ++i) {
    const std::filesystem::path data = m_folder.path() / ("instance-" + std::to_string(i));
    std::filesystem::create_directories(data);
    for (const char* secret : {"verification.key", "wechat.secret"})
      std::filesystem::copy_file(secrets / secret, data / secret);
    m_ports.push_back(testing::free_port());
    testing::ProcessOptions options;
    options.stderr_file = m_folder.path() / ("instance-" + std::to_string(i) + ".log");
    m_instances.emplace_back(std::vector<std::string>{SANFANG_BIN, "serve", "--db", m_database_url, "--data",
                                                      data.string(), "--config", config_file.string(), "--listen",
                                                      "127.0.0.1:" + std::to_string(m_ports.back())},
                             options);
  }
  for (int i = 0; i < instances; ++i) testing::wait_until_healthy(base_url(i), m_instances[static_cast<std::size_t>(i)]);
}

void Cluster::start_proxy() {
  REQUIRE_FALSE(m_ports.empty());
  const std::filesystem::path dir = m_folder.path() / "nginx";
  std::filesystem::create_directories(dir);
  std::vector<std::string> generate = {std::string(SANFANG_SOURCE_DIR) + "/scripts/lib/proxy-config.sh", dir.string(),
                                       std::to_string(m_proxy_port)};
  for (int port : m_ports) generate.push_back(std::to_string(port));
  REQUIRE(testing::run_process(generate) == 0);
  testing::ProcessOptions options;
  options.stderr_file = dir / "stderr.log";
  m_proxy = std::make_unique<testing::Process>(
      std::vector<std::string>{"/usr/sbin/nginx", "-p", dir.string(), "-c", (dir / "nginx.conf").string(), "-e",
                               (dir / "error.log").string()},
      options);
  // nginx has no /healthz of its own: an instance's, through it. It logs to DIR/error.log once
  // its configuration is read, and before that to standard error.
  testing::wait_until_healthy(proxy_url(), *m_proxy);
}

std::string Cluster::base_url(int instance) const {
  return "http://127.0.0.1:" + std::to_string(m_ports.at(static_cast<std::size_t>(instance)));
}

std::string Cluster::proxy_url() const { return "http://127.0.0.1:" + std::to_string(m_proxy_port); }

std::unique_ptr<store::Store> Cluster::open_store() const {
  store::PgStoreOptions options;
  options.url = m_database_url;
  options.school_code = test::kSchoolCode;
  options.pool_size = 2;
  options.blob_cache_dir = m_folder.path() / ("store-cache-" + std::to_string(++m_stores));
  std::unique_ptr<store::Store> opened = ok(store::PgStore::open(options));
  return opened;
}

long requests_counted(const std::string& metrics, const std::string& method, const std::string& route) {
  const std::regex line("^sanfang_http_requests_total\\{method=\"" + method + "\",route=\"" + route +
                        "\",status=\"[0-9]+\"\\} ([0-9]+)$");
  long total = 0;
  std::istringstream in(metrics);
  for (std::string text; std::getline(in, text);) {
    std::smatch match;
    if (std::regex_match(text, match, line)) total += std::stol(match[1]);
  }
  return total;
}

}  // namespace sanfang::cluster
