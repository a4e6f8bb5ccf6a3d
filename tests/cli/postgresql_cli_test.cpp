// The sanfang commands on PostgreSQL (`--db`), run as an operator runs them against a real server
// (SANFANG_TEST_PG_URL: scripts/with-postgres.sh starts one): `migrate-store` of a demo folder
// served afterwards by `sanfang serve --db` with byte-identical signed PDFs, the targets it must
// refuse, each command's `--db`, and the bad configurations every command must refuse at start.
#include "service_fixture.h"

#include "pg/pg_fixture.h"

#include "store/migrations.h"
#include "store/pg/pg_migrations.h"

#include <catch2/catch.hpp>
#include <poppler-document.h>
#include <sqlite3.h>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace sanfang;
using sanfang::testing::HttpClient;
using sanfang::testing::run_sanfang;
using test::TempFolder;
using test::TestDatabase;

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

// `sanfang serve ARGS` as a child process on a loopback port the system picks; its output goes to
// a file (a pipe nobody reads could fill and stall it). Stopped with SIGTERM when this goes away.
class ServeProcess {
 public:
  ServeProcess(const std::string& arguments, const fs::path& log) {
    m_pid = ::fork();
    REQUIRE(m_pid >= 0);
    if (m_pid == 0) {
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out, STDOUT_FILENO);
      ::dup2(out, STDERR_FILENO);
      const std::string command = std::string("exec ") + SANFANG_BINARY_DIR + "/src/cli/sanfang serve " + arguments +
                                  " --listen 127.0.0.1:0";
      ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    // Until the service says where it listens, or exits (a refused start).
    const std::string marker = "listening on ";
    for (;;) {
      const std::string output = read_file(log);
      if (const auto at = output.find(marker); at != std::string::npos) {
        const auto end = output.find_first_of(" \n", at + marker.size());
        m_base_url = output.substr(at + marker.size(), end - at - marker.size());
        return;
      }
      int status = 0;
      if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
        m_pid = -1;
        FAIL("sanfang serve exited: " << output);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~ServeProcess() { stop(); }
  void stop() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGTERM);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
  }
  const std::string& base_url() const { return m_base_url; }

 private:
  pid_t m_pid = -1;
  std::string m_base_url;
};

std::string login(HttpClient& client, const std::string& username, const std::string& password) {
  const auto response = client.post_json("/api/v1/auth/login", {{"username", username}, {"password", password}});
  INFO(response.body);
  REQUIRE(response.status == 200);
  return response.json()["token"].get<std::string>();
}

// Every signed PDF the school can see, by agreement id, downloaded through `client`.
std::map<std::int64_t, std::string> signed_pdfs(HttpClient& client) {
  const auto list = client.get("/api/v1/agreements?limit=100");
  INFO(list.body);
  REQUIRE(list.status == 200);
  std::map<std::int64_t, std::string> pdfs;
  const nlohmann::json body = list.json();
  for (const auto& item : body.at("items")) {
    if (item["serial"].is_null()) continue;
    const std::int64_t id = item["id"].get<std::int64_t>();
    const auto pdf = client.get("/api/v1/agreements/" + std::to_string(id) + "/pdf");
    REQUIRE(pdf.status == 200);
    pdfs[id] = pdf.body;
  }
  return pdfs;
}

// Rows per table of the SQLite store in `data` (its bookkeeping aside).
std::map<std::string, std::int64_t> sqlite_counts(const fs::path& data) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open_v2((data / "sanfang.sqlite3").c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  std::vector<std::string> tables;
  auto collect = [](void* out, int, char** values, char**) {
    static_cast<std::vector<std::string>*>(out)->push_back(values[0]);
    return 0;
  };
  REQUIRE(sqlite3_exec(db.get(),
                       "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'schema_migrations'"
                       " AND name NOT LIKE 'sqlite_%'",
                       collect, &tables, nullptr) == SQLITE_OK);
  std::map<std::string, std::int64_t> counts;
  for (const auto& table : tables) {
    std::vector<std::string> count;
    REQUIRE(sqlite3_exec(db.get(), ("SELECT COUNT(*) FROM " + table).c_str(), collect, &count, nullptr) == SQLITE_OK);
    counts[table] = std::stoll(count.at(0));
  }
  return counts;
}

std::int64_t pg_count(const TestDatabase& database, const std::string& table) {
  auto c = database.connect();
  auto rows = c.exec("SELECT COUNT(*) FROM " + table);
  REQUIRE(rows.ok());
  return rows->int64(0, 0);
}

std::string audit_length(const std::string& arguments) {
  const auto run = run_sanfang("audit verify " + arguments);
  INFO(run.output);
  REQUIRE(run.exit_status == 0);
  return run.output;  // "audit chain intact (N events)"
}

constexpr const char* kStudentsHeader =
    "student_no,name,id_number,gender,college_code,college_name,major,degree,graduation_year\n";
// 11010520040101001 and its ISO 7064 check character.
constexpr const char* kStudentLine = "20260001,张三,110105200401010015,男,01,计算机学院,软件工程,本科,2026\n";

}  // namespace

TEST_CASE("migrate-store copies a demo folder whole, and serve on PostgreSQL answers with the same signed PDFs",
          "[cli][postgresql][migrate]") {
  TestDatabase database;
  TempFolder folder;
  const fs::path data = folder.path() / "demo";
  const auto demo = run_sanfang("demo --no-serve --data " + data.string());
  INFO(demo.output);
  REQUIRE(demo.exit_status == 0);

  // Downloaded from the SQLite instance first, so every signed PDF is stored before the copy.
  std::map<std::int64_t, std::string> from_sqlite;
  std::string token;
  {
    ServeProcess sqlite_instance("--data " + data.string(), folder.path() / "sqlite-serve.log");
    HttpClient school(sqlite_instance.base_url());
    token = login(school, "school", "demo-school");
    school.set_token(token);
    from_sqlite = signed_pdfs(school);
  }
  REQUIRE(from_sqlite.size() >= 3);  // signed, termination requested, terminated
  const std::string sqlite_chain = audit_length("--data " + data.string());
  const auto source_counts = sqlite_counts(data);

  const auto migrated = run_sanfang("migrate-store --data " + data.string() + " --to " + database.url());
  INFO(migrated.output);
  REQUIRE(migrated.exit_status == 0);
  CHECK(migrated.output.find("audit chain") != std::string::npos);
  CHECK(migrated.output.find("blobs") != std::string::npos);

  for (const auto& [table, rows] : source_counts) {
    INFO(table);
    CHECK(pg_count(database, table) == rows);
  }
  CHECK(source_counts.at("audit_log") > 0);
  CHECK(source_counts.at("sessions") > 0);
  CHECK(audit_length("--db " + database.url() + " --data " + data.string()) == sqlite_chain);
  const auto doctor = run_sanfang("doctor --db " + database.url() + " --data " + data.string());
  INFO(doctor.output);
  CHECK(doctor.exit_status == 0);
  CHECK(doctor.output.find("verification key matches") != std::string::npos);

  {
    ServeProcess pg_instance("--db " + database.url() + " --data " + data.string(), folder.path() / "pg-serve.log");
    HttpClient school(pg_instance.base_url());
    school.set_token(token);  // the session opened on SQLite was copied with the rest
    const auto from_postgresql = signed_pdfs(school);
    CHECK(from_postgresql == from_sqlite);
    // Password hashes came along: the same login works.
    HttpClient again(pg_instance.base_url());
    login(again, "college-cs", "demo-college");
  }
  // The identity sequences start past the copied ids: new rows get new ids.
  const auto added = run_sanfang("user add --db " + database.url() + " --data " + data.string() +
                                 " --role school --username school-2 --password 'Another-school-9'");
  INFO(added.output);
  CHECK(added.exit_status == 0);
}

TEST_CASE("migrate-store refuses a target that holds data and leaves it as it was", "[cli][postgresql][migrate][bad-input]") {
  TestDatabase database;
  TempFolder folder;
  const fs::path source = folder.path() / "source";
  const fs::path other = folder.path() / "other";
  REQUIRE(run_sanfang("user add --data " + source.string() + " --role school --username school --password 'Source-keeper-1'")
              .exit_status == 0);
  REQUIRE(run_sanfang("user add --db " + database.url() + " --data " + other.string() +
                      " --role school --username already-here --password 'Target-school-1'")
              .exit_status == 0);
  const std::int64_t audit_before = pg_count(database, "audit_log");

  const auto refused = run_sanfang("migrate-store --data " + source.string() + " --to " + database.url());
  INFO(refused.output);
  CHECK(refused.exit_status == 1);
  CHECK(refused.output.find("not empty") != std::string::npos);
  CHECK(refused.output.find("accounts") != std::string::npos);
  auto c = database.connect();
  auto accounts = c.exec("SELECT username FROM accounts");
  REQUIRE(accounts.ok());
  REQUIRE(accounts->size() == 1);
  CHECK(accounts->text(0, 0) == "already-here");
  CHECK(pg_count(database, "audit_log") == audit_before);

  // Neither a folder without a database nor a target that is not PostgreSQL.
  CHECK(run_sanfang("migrate-store --data " + (folder.path() / "none").string() + " --to " + database.url()).exit_status == 1);
  CHECK_FALSE(fs::exists(folder.path() / "none"));
  CHECK(run_sanfang("migrate-store --data " + source.string() + " --to sqlite:" + other.string()).exit_status == 1);
  CHECK(run_sanfang("migrate-store --data " + source.string()).exit_status == 2);
}

TEST_CASE("demo, import, user and batch work on PostgreSQL with --db", "[cli][postgresql]") {
  TempFolder folder;
  SECTION("demo seeds its sample into the database") {
    TestDatabase database;
    const auto demo = run_sanfang("demo --no-serve --db " + database.url() + " --data " + folder.path().string() + "/demo");
    INFO(demo.output);
    REQUIRE(demo.exit_status == 0);
    CHECK(pg_count(database, "agreements") == 10);
    CHECK(pg_count(database, "signed_documents") == 3);
    CHECK_FALSE(fs::exists(folder.path() / "demo" / "sanfang.sqlite3"));
    CHECK(audit_length("--db " + database.url() + " --data " + folder.path().string() + "/demo").find("audit chain intact") == 0);
  }
  SECTION("import adds students") {
    TestDatabase database;
    const fs::path csv = folder.path() / "students.csv";
    std::ofstream(csv) << kStudentsHeader << kStudentLine;
    const auto imported = run_sanfang("import " + csv.string() + " --db " + database.url() + " --data " +
                                      (folder.path() / "secrets").string());
    INFO(imported.output);
    CHECK(imported.exit_status == 0);
    CHECK(imported.output.find("imported 1, updated 0, failed 0") != std::string::npos);
    CHECK(pg_count(database, "students") == 1);
    CHECK(pg_count(database, "accounts") == 1);
  }
  SECTION("user adds, resets and revokes") {
    TestDatabase database;
    const std::string where = " --db " + database.url() + " --data " + (folder.path() / "secrets").string();
    CHECK(run_sanfang("user add" + where + " --role school --username school --password 'Keeper-pass-17'").exit_status == 0);
    const auto key = run_sanfang("user add" + where + " --role print --username print-room");
    CHECK(key.output.find("API key") != std::string::npos);
    CHECK(run_sanfang("user reset-password" + where + " --username school --password 'Keeper-pass-28'").exit_status == 0);
    CHECK(run_sanfang("user revoke-key" + where + " --username print-room").exit_status == 0);
    auto c = database.connect();
    auto accounts = c.exec("SELECT username, must_change_password FROM accounts ORDER BY username");
    REQUIRE(accounts.ok());
    REQUIRE(accounts->size() == 2);
    CHECK(accounts->text(0, 0) == "print-room");
    CHECK(accounts->boolean(1, 1));
    CHECK(pg_count(database, "api_keys WHERE revoked_at IS NOT NULL") == 1);
  }
  SECTION("bench-seed and batch print from the database") {
    TestDatabase database;
    const std::string where = " --db " + database.url() + " --data " + (folder.path() / "print").string();
    const auto seeded = run_sanfang("bench-seed" + where + " --agreements 3");
    INFO(seeded.output);
    REQUIRE(seeded.exit_status == 0);
    const fs::path out = folder.path() / "batch.pdf";
    const auto batch = run_sanfang("batch" + where + " --copies 1 -o " + out.string());
    INFO(batch.output);
    REQUIRE(batch.exit_status == 0);
    std::unique_ptr<poppler::document> pdf(poppler::document::load_from_file(out.string()));
    REQUIRE(pdf);
    CHECK(pdf->pages() == 3 * 2);
    CHECK(pg_count(database, "print_records") == 3);
  }
}

TEST_CASE("every command refuses a database of a newer schema and writes nothing", "[cli][postgresql][bad-input]") {
  TestDatabase database;
  TempFolder folder;
  // A database as a newer sanfang left it: migrated, then one version further.
  const std::string where = " --db " + database.url() + " --data " + (folder.path() / "data").string();
  REQUIRE(run_sanfang("audit verify" + where).exit_status == 0);
  auto c = database.connect();
  const int newer = store::pg::latest_schema_version() + 1;
  REQUIRE(c.run("INSERT INTO schema_migrations(version) VALUES ($1)", store::pg::Params().add(newer)).ok());

  const fs::path csv = folder.path() / "students.csv";
  std::ofstream(csv) << kStudentsHeader << kStudentLine;
  const fs::path source = folder.path() / "source";
  REQUIRE(run_sanfang("user add --data " + source.string() + " --role school --username s --password 'Source-keeper-1'")
              .exit_status == 0);
  const std::vector<std::string> commands = {
      "demo --no-serve --db " + database.url() + " --data " + (folder.path() / "demo").string(),
      "import " + csv.string() + where,
      "user add" + where + " --role school --username school --password 'Keeper-pass-17'",
      "bench-seed --db " + database.url() + " --data " + (folder.path() / "bench").string() + " --agreements 1",
      "batch" + where + " -o " + (folder.path() / "out.pdf").string(),
      "audit verify" + where,
      "doctor" + where,
      "serve" + where + " --listen 127.0.0.1:0",
      "migrate-store --data " + source.string() + " --to " + database.url(),
  };
  for (const auto& command : commands) {
    const auto run = run_sanfang(command);
    INFO(command << "\n" << run.output);
    CHECK(run.exit_status == 1);
    CHECK(run.output.find("schema version " + std::to_string(newer) + " is newer than this build knows") !=
          std::string::npos);
  }
  for (const char* table : {"colleges", "students", "accounts", "agreements", "audit_log", "print_jobs"})
    CHECK(pg_count(database, table) == 0);
  CHECK(pg_count(database, "schema_migrations") == newer);
}

TEST_CASE("an unreachable server or a wrong password is named at start and the command fails",
          "[cli][postgresql][bad-input]") {
  TempFolder folder;
  const fs::path csv = folder.path() / "students.csv";
  std::ofstream(csv) << kStudentsHeader << kStudentLine;
  const std::string unreachable = "'postgresql://nobody@127.0.0.1:1/none?connect_timeout=2'";
  // The test server's own address with a password it does not take.
  const std::string server = test::test_server_url();
  const auto at = server.find('@');
  const auto colon = server.find(':', server.find("://") + 3);
  REQUIRE(at != std::string::npos);
  REQUIRE(colon < at);
  const std::string wrong_password = "'" + server.substr(0, colon) + ":not-the-password" + server.substr(at) + "'";

  int run_number = 0;
  for (const auto& [url, expected] : {std::pair{unreachable, std::string("Connection refused")},
                                      std::pair{wrong_password, std::string("password authentication failed")}}) {
    const std::string data = (folder.path() / ("data-" + std::to_string(++run_number))).string();
    for (const std::string& command : {"demo --no-serve --data " + data + "-demo", "import " + csv.string() + " --data " + data}) {
      const auto run = run_sanfang(command + " --db " + url);
      INFO(command << " --db " << url << "\n" << run.output);
      CHECK(run.exit_status == 1);
      CHECK(run.output.find(expected) != std::string::npos);
    }
  }
}

TEST_CASE("backup and restore refuse a PostgreSQL store and point to pg_dump", "[cli][postgresql][bad-input]") {
  TempFolder folder;
  const std::string db = " --db postgresql://sanfang@db.example.edu.cn/sanfang";
  const auto backup = run_sanfang("backup --data " + folder.path().string() + db + " -o " +
                                  (folder.path() / "b.tar").string());
  INFO(backup.output);
  CHECK(backup.exit_status == 1);
  CHECK(backup.output.find("pg_dump") != std::string::npos);
  CHECK_FALSE(fs::exists(folder.path() / "b.tar"));
  const auto restore = run_sanfang("restore " + (folder.path() / "b.tar").string() + " --data " +
                                   (folder.path() / "new").string() + db);
  CHECK(restore.exit_status == 1);
  CHECK(restore.output.find("pg_restore") != std::string::npos);
  CHECK_FALSE(fs::exists(folder.path() / "new"));
}
