// Student import (SPEC "Accounts"; issue 3): a per-line report, bad lines named, good lines
// imported whole, nothing half-written; the same from `sanfang import`.
#include "service_fixture.h"

#include "core/validate.h"
#include "store/store.h"

#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <map>

using namespace sanfang;
using sanfang::testing::run_sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

constexpr const char* kHeader =
    "student_no,name,id_number,gender,college_code,college_name,major,degree,graduation_year";

std::string resident_id(const std::string& first17) { return first17 + core::iso7064_mod11_2(first17); }

// 17th digit 1: a man; 2: a woman.
const std::string kManId = resident_id("11010520040101001");
const std::string kWomanId = resident_id("11010520040202002");
// kManId with a wrong check character.
const std::string kBadCheckId = kManId.substr(0, 17) + (kManId[17] == '0' ? "1" : "0");

HttpResult post_csv(HttpClient& client, const std::string& csv) {
  return client.request("POST", "/api/v1/admin/students/import", csv, {{"Content-Type", "text/csv; charset=utf-8"}});
}

bool has_error(const json& report, int line, const std::string& field) {
  for (const auto& error : report["errors"])
    if (error["line"] == line && error["field"] == field) return true;
  return false;
}

}  // namespace

TEST_CASE("an import reports bad lines by number and field and imports only the good ones", "[api][import]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  client.set_token(sanfang::testing::sign_in_as_school(fixture, client));
  const std::string csv =
      std::string(kHeader) + "\r\n" +
      "20260001,张三," + kManId + ",男,01,\"计算机学院, 软件学院\",软件工程,本科,2026\r\n" +  // 2: good (quoted comma)
      "20260002,李四," + kBadCheckId + ",男,01,计算机学院,软件工程,本科,2026\r\n" +           // 3: check digit
      "20260003,," + kWomanId + ",女,01,计算机学院,软件工程,本科,2026\r\n" +                 // 4: no name
      "20260004,王五," + kWomanId + ",女,01,计算机学院,软件工程,本科,20x6\r\n" +              // 5: year
      "20260005,赵六," + kWomanId + ",男,01,计算机学院,软件工程,本科,2026\r\n" +              // 6: gender vs ID
      "20260006,孙七," + kWomanId + ",女,01,计算机学院,软件\u200B工程,本科,2026\r\n" +        // 7: zero width
      "20260007,周八," + kWomanId + ",女,01,计算机学院,软件工程,本科\r\n" +                   // 8: 8 columns
      "\r\n" +
      "20260009,\"吴\r\n九\"," + kWomanId + ",2,02,外国语学院,英语,本科,2027\r\n" +           // 10: newline in name
      "20260010,郑十," + kWomanId + ",2,02,外国语学院,英语,硕士,2027\r\n";                    // 12: good
  auto response = post_csv(client, csv);
  REQUIRE(response.status == 200);
  const json report = response.json();
  INFO(report.dump());
  CHECK(report["imported"] == 2);
  CHECK(report["updated"] == 0);
  CHECK(report["errors"].size() == 7);
  CHECK(has_error(report, 3, "id_number"));
  CHECK(has_error(report, 4, "name"));
  CHECK(has_error(report, 5, "graduation_year"));
  CHECK(has_error(report, 6, "gender"));
  CHECK(has_error(report, 7, "major"));
  CHECK(has_error(report, 8, "columns"));
  CHECK(has_error(report, 10, "name"));

  store::Store& store = *fixture.app().store;
  auto first = store.student("20260001");
  REQUIRE(first.ok());
  CHECK(first->gender == "1");
  CHECK(first->college_code == "01");
  REQUIRE(store.student("20260010").ok());
  for (const char* refused : {"20260002", "20260003", "20260004", "20260005", "20260006", "20260007", "20260009"}) {
    CHECK_FALSE(store.student(refused).ok());
    CHECK_FALSE(store.account_by_username(refused).ok());
  }

  // The new account: student number, last 6 characters of the ID, forced change.
  HttpClient student(fixture.base_url());
  auto login = student.post_json("/api/v1/auth/login", {{"username", "20260001"}, {"password", kManId.substr(12)}});
  REQUIRE(login.status == 200);
  CHECK(login.json()["role"] == "student");
  CHECK(login.json()["must_change_password"] == true);
}

TEST_CASE("an import report names every column as the form does, and a header in Chinese is accepted",
          "[api][import]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  client.set_token(sanfang::testing::sign_in_as_school(fixture, client));
  const std::string csv = std::string("学号,姓名,身份证号,性别,学院代码,学院名称,专业,学历层次,毕业年份\n") +
                          "20260101,," + kManId + ",男,01,计算机学院,软件工程,本科,2026\n" +   // 2: no name
                          "20260102,钱一," + kManId + ",男,,计算机学院,软件工程,本科,2026\n" + // 3: no college code
                          "20260103,钱二," + kWomanId + ",女,01,计算机学院,软件工程,,2026\n" + // 4: no degree
                          "20260104,钱三," + kWomanId + ",女,01,计算机学院,软件工程,本科,2026\n";  // 5: good
  auto response = post_csv(client, csv);
  REQUIRE(response.status == 200);
  const json report = response.json();
  INFO(report.dump());
  CHECK(report["imported"] == 1);
  REQUIRE(report["errors"].size() == 3);
  std::map<int, std::string> detail_by_line;
  for (const auto& error : report["errors"]) detail_by_line[error["line"].get<int>()] = error["detail"];
  CHECK(detail_by_line[2] == "姓名不能为空");
  CHECK(detail_by_line[3] == "学院代码不能为空");
  CHECK(detail_by_line[4] == "学历层次不能为空");

  auto wrong_header = post_csv(client, "学号,姓名\n20260105,钱四\n");
  CHECK(wrong_header.status == 400);
  CHECK(wrong_header.json()["detail"].get<std::string>().find("学号,姓名,身份证号") != std::string::npos);
}

TEST_CASE("a re-import updates student data and keeps a changed password", "[api][import]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  client.set_token(sanfang::testing::sign_in_as_school(fixture, client));
  REQUIRE(post_csv(client, std::string(kHeader) + "\n20260001,张三," + kManId + ",男,01,计算机学院,软件工程,本科,2026\n")
              .json()["imported"] == 1);

  HttpClient student(fixture.base_url());
  auto login = student.post_json("/api/v1/auth/login", {{"username", "20260001"}, {"password", kManId.substr(12)}});
  REQUIRE(login.status == 200);
  student.set_token(login.json()["token"]);
  REQUIRE(student.post_json("/api/v1/auth/password", {{"old_password", kManId.substr(12)}, {"new_password", "my-own-secret"}})
              .status == 200);

  auto again = post_csv(client, std::string(kHeader) + "\n20260001,张叁," + kManId + ",男,03,数学学院,统计学,本科,2026\n");
  REQUIRE(again.status == 200);
  CHECK(again.json()["imported"] == 0);
  CHECK(again.json()["updated"] == 1);
  auto updated = fixture.app().store->student("20260001");
  REQUIRE(updated.ok());
  CHECK(updated->name == "张叁");
  CHECK(updated->college_code == "03");

  HttpClient fresh(fixture.base_url());
  CHECK(fresh.post_json("/api/v1/auth/login", {{"username", "20260001"}, {"password", "my-own-secret"}}).status == 200);
  CHECK(fresh.post_json("/api/v1/auth/login", {{"username", "20260001"}, {"password", kManId.substr(12)}}).status == 401);
}

TEST_CASE("a line whose student number is another account's user name changes nothing", "[api][import]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  client.set_token(sanfang::testing::sign_in_as_school(fixture, client));
  store::NewAccount staff;
  staff.username = "20269999";
  staff.password = "correct-horse";
  staff.role = workflow::Role::School;
  REQUIRE(fixture.app().store->create_account(staff, fixture.clock().now()).ok());

  auto response = post_csv(client, std::string(kHeader) + "\n20269999,钱一," + kManId + ",男,07,新学院,哲学,本科,2026\n");
  REQUIRE(response.status == 200);
  CHECK(response.json()["imported"] == 0);
  CHECK(has_error(response.json(), 2, "student_no"));
  // The college, the student and the account of that line are all absent: one transaction.
  CHECK_FALSE(fixture.app().store->student("20269999").ok());
  CHECK(fixture.app().store->account_by_username("20269999")->role == workflow::Role::School);
}

TEST_CASE("an import that is not CSV, has the wrong header or comes from the wrong role changes nothing", "[api][import]") {
  ServiceFixture fixture;
  HttpClient client(fixture.base_url());
  const std::string good_line = "\n20260001,张三," + kManId + ",男,01,计算机学院,软件工程,本科,2026\n";
  CHECK(post_csv(client, std::string(kHeader) + good_line).status == 401);

  client.set_token(sanfang::testing::sign_in_as_school(fixture, client));
  struct Bad {
    std::string body;
    const char* field;
  };
  const Bad bad[] = {
      {"", "body"},
      {"student_no,name\n" + good_line, "header"},
      {std::string(kHeader) + good_line + "20260002,\"李四,", "body"},
      {std::string(kHeader) + good_line + "20260002,李\"四\n", "body"},
  };
  for (const auto& item : bad) {
    auto refused = post_csv(client, item.body);
    CHECK(refused.status == 400);
    CHECK(refused.json()["field"] == item.field);
  }
  CHECK_FALSE(fixture.app().store->student("20260001").ok());

  store::NewAccount reviewer;
  reviewer.username = "reviewer";
  reviewer.password = "correct-horse";
  reviewer.role = workflow::Role::College;
  reviewer.college_code = "01";
  REQUIRE(fixture.app().store->create_account(reviewer, fixture.clock().now()).ok());
  HttpClient college(fixture.base_url());
  college.set_token(college.post_json("/api/v1/auth/login", {{"username", "reviewer"}, {"password", "correct-horse"}})
                        .json()["token"]);
  CHECK(post_csv(college, std::string(kHeader) + good_line).status == 403);
  CHECK_FALSE(fixture.app().store->student("20260001").ok());
}

TEST_CASE("sanfang import imports a file and exits 1 naming the lines that failed", "[api][import][cli]") {
  ServiceFixture fixture;
  const auto file = fixture.data_dir() / "students.csv";
  {
    std::ofstream out(file, std::ios::binary);
    out << "\xEF\xBB\xBF" << kHeader << "\r\n"
        << "20260001,张三," << kManId << ",男,01,计算机学院,软件工程,本科,2026\r\n"
        << "20260002,李四," << kBadCheckId << ",男,01,计算机学院,软件工程,本科,2026\r\n";
  }
  auto run = run_sanfang("import " + file.string() + " --data " + fixture.data_dir().string());
  CHECK(run.exit_status == 1);
  CHECK(run.output.find("imported 1, updated 0, failed 1") != std::string::npos);
  CHECK(run.output.find("line 3: id_number") != std::string::npos);
  CHECK(fixture.app().store->student("20260001").ok());
  CHECK_FALSE(fixture.app().store->student("20260002").ok());

  auto again = run_sanfang("import " + file.string() + " --data " + fixture.data_dir().string());
  CHECK(again.output.find("imported 0, updated 1, failed 1") != std::string::npos);
  CHECK(run_sanfang("import " + (fixture.data_dir() / "missing.csv").string() + " --data " +
                    fixture.data_dir().string())
            .exit_status == 1);
}

TEST_CASE("an import refuses names that start like a spreadsheet formula or hold characters no font has, per line",
          "[api][import][validation]") {
  ServiceFixture fixture;
  HttpClient school(fixture.base_url());
  school.set_token(sanfang::testing::sign_in_as_school(fixture, school));
  const std::string csv = std::string(kHeader) + "\n" +
                          "2026101,=1+2,"                        + kManId + ",男,CS,计算机学院,软件工程,本科,2026\n" +
                          "2026102,\"\t+1\","                    + kManId + ",男,CS,计算机学院,软件工程,本科,2026\n" +
                          "2026103,@SUM(A1),"                    + kManId + ",男,CS,计算机学院,软件工程,本科,2026\n" +
                          "2026104,扎西\u0F56\u0F40,"            + kManId + ",男,CS,计算机学院,软件工程,本科,2026\n" +
                          "2026105,\u3164\u3164,"                + kManId + ",男,CS,计算机学院,软件工程,本科,2026\n" +
                          "2026106,张三,"                        + kManId + ",男,CS,计算机学院,-软件工程,本科,2026\n" +
                          "2026107,王\U0002A6A5,"                + kManId + ",男,CS,计算机学院,软件工程,本科,2026\n";
  const auto response = post_csv(school, csv);
  INFO(response.body);
  REQUIRE(response.status == 200);
  const json report = response.json();
  CHECK(report["imported"] == 1);  // only the rare-character name the fallback fonts cover
  CHECK(has_error(report, 2, "name"));
  CHECK(has_error(report, 3, "name"));
  CHECK(has_error(report, 4, "name"));
  CHECK(has_error(report, 5, "name"));
  CHECK(has_error(report, 6, "name"));
  CHECK(has_error(report, 7, "major"));
  for (const auto& error : report["errors"]) {
    if (error["line"] == 2) CHECK(error["detail"].get<std::string>().find("公式") != std::string::npos);
    if (error["line"] == 5) CHECK(error["detail"].get<std::string>().find("U+0F56") != std::string::npos);
  }
  CHECK(fixture.app().store->student("2026101").error().kind == ErrorKind::NotFound);
  CHECK(fixture.app().store->student("2026104").error().kind == ErrorKind::NotFound);
  CHECK(fixture.app().store->student("2026107").ok());
}
