#include "core/validate.h"
#include "documents_support.h"
#include "service_fixture.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <sys/wait.h>

using namespace sanfang;
using sanfang::testing::run_sanfang;
using sanfang::testing::HttpClient;
using sanfang::testing::require_ok;

namespace {

struct TempFolder {
  std::filesystem::path path;
  TempFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sanfang-demo-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()));
    path = pattern;
  }
  ~TempFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

nlohmann::json read_json(const std::filesystem::path& file) {
  std::ifstream in(file);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

const nlohmann::json* find_account(const nlohmann::json& accounts, const std::string& key, const std::string& value) {
  for (const auto& account : accounts)
    if (account.value(key, std::string()) == value) return &account;
  return nullptr;
}

}  // namespace

TEST_CASE("sanfang demo --no-serve seeds every role and situation and the signed PDF can be fetched", "[cli][demo]") {
  TempFolder tmp;
  const auto dir = tmp.path / "demo";
  const auto run = run_sanfang("demo --no-serve --data " + dir.string());
  INFO(run.output);
  REQUIRE(run.exit_status == 0);
  CHECK(run.output.find("/V/") != std::string::npos);

  const auto accounts = read_json(dir / "demo-accounts.json")["accounts"];
  std::set<std::string> roles, situations;
  for (const auto& account : accounts) {
    roles.insert(account["role"].get<std::string>());
    CHECK(account.contains("username"));
    CHECK((account.contains("password") || account.contains("api_key")));
    if (account["role"] == "student") {
      CHECK(account.contains("student_no"));
      situations.insert(account["situation"].get<std::string>());
    }
  }
  CHECK(roles == std::set<std::string>{"student", "employer", "college", "school", "print", "portal", "admin"});
  for (const char* needed : {"invited", "signed", "unverified"}) CHECK(situations.count(needed) == 1);

  api::ServiceOptions options;
  options.data_dir = dir;
  options.share_dir = SANFANG_SOURCE_DIR;
  options.port = 0;
  options.render_threads = 1;
  auto service = require_ok(api::Service::start(options));
  api::App& app = service->app();

  // Every state of the lifecycle is there.
  std::set<std::string> states;
  for (const auto& account : accounts)
    if (account["role"] == "student")
      for (const auto& agreement : require_ok(app.store->agreements_of_student(account["student_no"].get<std::string>())))
        states.insert(workflow::to_string(agreement.state));
  CHECK(states == std::set<std::string>{"draft", "invited", "returned", "in_review", "signed", "rejected", "expired",
                                        "withdrawn", "termination_requested", "terminated"});
  CHECK(require_ok(app.store->verify_audit_chain()).intact());

  const auto* signed_student = find_account(accounts, "situation", "signed");
  REQUIRE(signed_student);
  HttpClient client(service->base_url());
  const auto login = client.post_json("/api/v1/auth/login", {{"username", (*signed_student)["username"]},
                                                             {"password", (*signed_student)["password"]}});
  REQUIRE(login.status == 200);
  client.set_token(login.json()["token"].get<std::string>());
  const auto agreements = require_ok(app.store->agreements_of_student((*signed_student)["student_no"].get<std::string>()));
  REQUIRE(agreements.size() == 1);
  const auto pdf = client.get("/api/v1/agreements/" + std::to_string(agreements[0].id) + "/pdf");
  CHECK(pdf.status == 200);
  CHECK(pdf.body.rfind("%PDF-", 0) == 0);
  CHECK(pdf.header("etag") == "\"" + require_ok(app.store->signed_document(agreements[0].id)).sha256 + "\"");

  const auto* portal = find_account(accounts, "role", "portal");
  REQUIRE(portal);
  client.set_token((*portal)["api_key"].get<std::string>());
  CHECK(client.get("/api/v1/serials/" + *agreements[0].serial + "/pdf").body == pdf.body);

  // A student who has never signed in must change the password before anything else.
  const auto* first_login = find_account(accounts, "situation", "first_login");
  REQUIRE(first_login);
  CHECK((*first_login)["must_change_password"] == true);
  client.set_token("");
  const auto first = client.post_json("/api/v1/auth/login", {{"username", (*first_login)["username"]},
                                                             {"password", (*first_login)["password"]}});
  REQUIRE(first.status == 200);
  CHECK(first.json()["must_change_password"] == true);
  client.set_token(first.json()["token"].get<std::string>());
  const auto blocked = client.get("/api/v1/agreements");
  CHECK(blocked.status == 403);
  CHECK(blocked.body.find("password_change_required") != std::string::npos);
  CHECK(client.post_json("/api/v1/auth/password", {{"old_password", (*first_login)["password"]},
                                                   {"new_password", "Longyuan-Spring-2026"}})
            .status == 200);
  CHECK(client.get("/api/v1/agreements").status == 200);
}

TEST_CASE("sanfang demo --public-base prints that address in the QR codes whatever port it is served on",
          "[cli][demo][public_base]") {
  TempFolder tmp;
  const auto dir = tmp.path / "demo";
  const auto run = run_sanfang("demo --no-serve --listen 127.0.0.1:18471 --public-base https://jy.longyuan.example.edu.cn"
                               " --data " + dir.string());
  INFO(run.output);
  REQUIRE(run.exit_status == 0);
  CHECK(run.output.find("HTTPS://JY.LONGYUAN.EXAMPLE.EDU.CN/V/") != std::string::npos);
  CHECK(run.output.find("127.0.0.1:18471/V/") == std::string::npos);
  const auto stored = run_sanfang("school public-base --data " + dir.string());
  CHECK(stored.exit_status == 0);
  CHECK(stored.output.find("https://jy.longyuan.example.edu.cn\n") != std::string::npos);
}

TEST_CASE("sanfang demo refuses a non-empty folder that is not a previous demo", "[cli][demo]") {
  TempFolder tmp;
  std::ofstream(tmp.path / "precious.txt") << "keep me";
  const auto run = run_sanfang("demo --no-serve --data " + tmp.path.string());
  CHECK(run.exit_status == 1);
  CHECK(run.output.find("not a previous demo folder") != std::string::npos);
  CHECK(std::filesystem::exists(tmp.path / "precious.txt"));
}

TEST_CASE("sanfang demo replaces a previous demo folder with fresh data", "[cli][demo]") {
  TempFolder tmp;
  const auto dir = tmp.path / "demo";
  REQUIRE(run_sanfang("demo --no-serve --data " + dir.string()).exit_status == 0);
  const auto again = run_sanfang("demo --no-serve --data " + dir.string());
  CHECK(again.exit_status == 0);
  CHECK(again.output.find("replacing the previous demo data") != std::string::npos);
}

TEST_CASE("a school-only review chain in the config file: the demo signs through the school alone and /api/v1/config "
          "shows it",
          "[cli][demo][config]") {
  TempFolder tmp;
  const auto dir = tmp.path / "demo";
  const auto config = tmp.path / "config.json";
  std::ofstream(config) << R"({"review_chain": {"invitation": ["school"], "termination": ["school"]}})";
  const auto run = run_sanfang("demo --no-serve --data " + dir.string() + " --config " + config.string());
  INFO(run.output);
  REQUIRE(run.exit_status == 0);

  api::ServiceOptions options;
  options.data_dir = dir;
  options.share_dir = SANFANG_SOURCE_DIR;
  options.port = 0;
  options.render_threads = 1;
  options.workflow.invitation_review_chain = {workflow::ReviewLevel::School};
  auto service = require_ok(api::Service::start(options));
  api::App& app = service->app();
  const auto accounts = read_json(dir / "demo-accounts.json")["accounts"];
  const auto* signed_student = find_account(accounts, "situation", "signed");
  REQUIRE(signed_student);
  const auto agreements = require_ok(app.store->agreements_of_student((*signed_student)["student_no"].get<std::string>()));
  REQUIRE(agreements.size() == 1);
  CHECK(agreements[0].state == workflow::AgreementState::Signed);
  CHECK(agreements[0].review_chain == workflow::ReviewChain{workflow::ReviewLevel::School});

  HttpClient client(service->base_url());
  const auto* portal = find_account(accounts, "role", "portal");
  REQUIRE(portal);
  client.set_token((*portal)["api_key"].get<std::string>());
  const auto settings = client.get("/api/v1/config");
  REQUIRE(settings.status == 200);
  const auto body = settings.json();
  CHECK(body["review_chain"]["invitation"] == nlohmann::json::parse(R"([{"level": "school", "label": "学校审核"}])"));
  CHECK(body["review_chain"]["student_initiated"].size() == 2);  // not configured: college, then school
  CHECK(body["school"]["code"] == "10731");
  CHECK(body["invitation_lifetime_days"] == 14);
  client.set_token("");
  CHECK(client.get("/api/v1/config").status == 401);
}

TEST_CASE("a review chain that is empty, repeats a level or puts the school first is refused at start, naming it",
          "[cli][config]") {
  TempFolder tmp;
  for (const std::string bad : {R"({"review_chain": {"invitation": []}})",
                                R"({"review_chain": {"invitation": ["school", "college"]}})",
                                R"({"review_chain": {"termination": ["college", "college"]}})",
                                R"({"review_chain": {"invitation": ["dean"]}})",
                                R"({"review_chain": {"graduation": ["school"]}})",
                                R"({"review_chain": ["school"]})"}) {
    INFO(bad);
    std::ofstream(tmp.path / "config.json") << bad;
    const auto result = run_sanfang("serve --data " + (tmp.path / "data").string() + " --config " +
                                    (tmp.path / "config.json").string() + " --listen 127.0.0.1:0");
    INFO(result.output);
    CHECK(result.exit_status != 0);
    CHECK(result.output.find("review_chain") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(tmp.path / "data"));  // refused before anything was made
  }
}
