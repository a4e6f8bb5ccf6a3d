#include "pg_fixture.h"

#include <cstdlib>
#include <random>
#include <system_error>

#include <libpq-fe.h>

namespace sanfang::test {

std::string test_server_url() {
  const char* url = std::getenv("SANFANG_TEST_PG_URL");
  INFO("SANFANG_TEST_PG_URL must name a PostgreSQL server (scripts/test.sh starts one)");
  REQUIRE(url != nullptr);
  REQUIRE(std::string(url).size() > 0);
  return url;
}

TempFolder::TempFolder() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sanfang-pg-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  m_path = pattern;
}

TempFolder::~TempFolder() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

namespace {

// `conninfo` (a URI or key=value string) with its dbname replaced, parsed by libpq itself.
std::string with_database(const std::string& conninfo, const std::string& database) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  INFO((error ? std::string(error) : std::string()));
  PQfreemem(error);
  REQUIRE(options != nullptr);
  std::string result;
  auto quoted = [](const std::string& value) {
    std::string out = "'";
    for (char c : value) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  };
  for (PQconninfoOption* option = options; option->keyword; ++option) {
    if (std::string(option->keyword) == "dbname" || !option->val) continue;
    result += std::string(option->keyword) + "=" + quoted(option->val) + " ";
  }
  PQconninfoFree(options);
  return result + "dbname=" + quoted(database);
}

}  // namespace

TestDatabase::TestDatabase() {
  const std::string server = test_server_url();
  std::random_device random;
  m_name = "sanfang_test_" + std::to_string(random()) + std::to_string(random());
  auto admin = ok(store::pg::Connection::open(server));
  // An identifier cannot be a parameter; the name is made of letters, digits and _ only.
  ok(admin.run("CREATE DATABASE " + m_name));
  m_conninfo = with_database(server, m_name);
}

std::string TestDatabase::url() const {
  const std::string server = test_server_url();
  const auto path = server.find('/', server.find("://") + 3);
  REQUIRE(path != std::string::npos);
  return server.substr(0, path + 1) + m_name;
}

TestDatabase::~TestDatabase() {
  auto admin = store::pg::Connection::open(test_server_url());
  if (admin.ok()) (void)admin->run("DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
}

store::pg::Connection TestDatabase::connect() const { return ok(store::pg::Connection::open(m_conninfo)); }

PgFixture::PgFixture() {
  db = ok(store::PgStore::open(options()));
  ok(db->put_college({"CS", "计算机与通信学院"}));
  workflow::Employer unit;
  unit.name = "兰州某某科技有限公司";
  unit.uscc = "91350100M000100Y43";
  unit.vetted = true;
  employer_id = ok(db->insert_employer(unit)).id;
}

store::PgStoreOptions PgFixture::options() const {
  store::PgStoreOptions o;
  o.url = database.conninfo();
  o.pool_size = 4;
  o.acquire_timeout = std::chrono::seconds{60};
  o.blob_cache_dir = folder.path() / "cache";
  o.school_code = kSchoolCode;
  return o;
}

std::unique_ptr<store::PgStore> PgFixture::open_another() const { return ok(store::PgStore::open(options())); }

std::int64_t PgFixture::awaiting_school(store::Store& on, const std::string& student_no) {
  ok(on.put_student({student_no, "王五", "34052419800101001X", "男", "CS", "软件工程", "本科", 2026}));
  workflow::Agreement agreement;
  agreement.origin = workflow::AgreementOrigin::Invitation;
  agreement.state = workflow::AgreementState::InReview;
  agreement.student_no = student_no;
  agreement.employer_id = employer_id;
  agreement.college_code = "CS";
  agreement.graduation_year = 2026;
  agreement.snapshot = {{"student", {{"student_no", student_no}, {"major", "软件工程"}}}};
  agreement.review_chain = {workflow::ReviewLevel::College, workflow::ReviewLevel::School};
  agreement.review_step = 1;
  agreement.created_at = agreement.updated_at = kStart;
  return ok(on.insert_agreement({agreement, std::nullopt, {}})).id;
}

Result<workflow::Agreement> PgFixture::approve_by_school(store::Store& on, std::int64_t id) {
  auto current = TRY(on.agreement(id));
  auto change = TRY(workflow::review_agreement(current, school(), workflow::ReviewDecision::Approve, "", kStart));
  return on.apply_agreement_change(change, current.version);
}

}  // namespace sanfang::test
