// Several real `sanfang serve` processes on one PostgreSQL database (issue "Several instances on
// PostgreSQL"), optionally behind nginx with the deploy configuration. Each test case gets a fresh
// database on SANFANG_TEST_PG_URL (a missing URL fails the test, as in every PostgreSQL test).
//
// Seeding happens before the instances start, through an in-process service on the same database
// and the use cases (seed.h), on several threads: fast enough for hundreds of agreements. That
// service made the secrets; each instance gets its own data folder with copies of them (its own
// blob cache), as separate machines would.
#pragma once

#include "process.h"
#include "seed.h"
#include "service_fixture.h"

#include "pg/pg_fixture.h"

#include <memory>
#include <string>
#include <vector>

namespace sanfang::cluster {

class Cluster {
 public:
  Cluster();
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // ---- before start() ----
  api::App& seeding_app() { return m_seeding->app(); }
  // `count` agreements waiting for the school's approval, each of its own student (numbers first,
  // first + 1, …; seed.h), in that order.
  std::vector<workflow::Agreement> awaiting_school(int count, int first = 0);
  // `count` signed agreements (numbers first, first + 1, …), their signed PDFs left to their first
  // download, so that hundreds are seeded in seconds.
  std::vector<workflow::Agreement> signed_agreements(int count, int first = 0);
  // Invitations sent `days_ago` days ago (seeding clock moved back meanwhile), each to its own student.
  std::vector<workflow::Agreement> invitations_sent(int count, int first, int days_ago);
  // A session of a new account of `role` (a student's: `student_no`).
  std::string token(workflow::Role role, const std::string& student_no = {});
  // An account with a password, for logins over HTTP.
  void add_account(const std::string& username, const std::string& password, workflow::Role role);

  // Stops the seeding service and starts `instances` serve processes, each healthy on return;
  // `configuration`'s keys are added to every instance's configuration file.
  void start(int instances, const nlohmann::json& configuration = nlohmann::json::object());
  // nginx on proxy_url() in front of every instance (scripts/lib/proxy-config.sh).
  void start_proxy();

  // ---- after start() ----
  int size() const { return static_cast<int>(m_instances.size()); }
  std::string base_url(int instance) const;
  std::string proxy_url() const;
  testing::Process& instance(int index) { return m_instances.at(static_cast<std::size_t>(index)); }
  const std::string& database_url() const { return m_database_url; }
  // A plain connection to the database, for checks in SQL.
  store::pg::Connection connect() const { return m_database.connect(); }
  // Another store on the database, with an empty blob cache of its own.
  std::unique_ptr<store::Store> open_store() const;

 private:
  test::TestDatabase m_database;
  std::string m_database_url;
  test::TempFolder m_folder;
  int m_proxy_port;
  std::unique_ptr<testing::ServiceFixture> m_seeding;
  workflow::Employer m_employer;
  int m_accounts = 0;
  std::vector<int> m_ports;
  std::vector<testing::Process> m_instances;
  std::unique_ptr<testing::Process> m_proxy;
  mutable int m_stores = 0;
};

// The requests an instance counted for `method` and `route` (any status), from its /metrics text.
long requests_counted(const std::string& metrics, const std::string& method, const std::string& route);

}  // namespace sanfang::cluster
