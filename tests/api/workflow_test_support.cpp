#include "workflow_test_support.h"

#include "core/validate.h"
#include "store/store.h"
#include "workflow/source_info_rules.h"

#include <cairo.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <jpeglib.h>

namespace sanfang::testing {

namespace {

template <typename T>
T ok(Result<T> result) {
  INFO((result.ok() ? std::string() : result.error().describe()));
  REQUIRE(result.ok());
  return std::move(result).value();
}

void ok(Status status) {
  INFO((status.ok() ? std::string() : status.error().describe()));
  REQUIRE(status.ok());
}

cairo_status_t append_png(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

WorkflowWorld::WorkflowWorld() {
  store::Store& db = store();
  ok(db.put_college({"CS", "计算机学院"}));
  ok(db.put_college({"MATH", "数学学院"}));
  workflow::Employer vetted;
  vetted.name = "福州示范软件有限公司";
  vetted.uscc = "91350100M000100Y43";
  vetted.profile = valid_employer_profile();
  vetted.vetted = true;
  vetted_employer_id = ok(db.insert_employer(vetted)).id;
  workflow::Employer unvetted = vetted;
  unvetted.name = "未审核科技有限公司";
  unvetted.uscc = "91620100MA74X2B3KD";
  unvetted.vetted = false;
  unvetted_employer_id = ok(db.insert_employer(unvetted)).id;

  employer = sign_in(workflow::Role::Employer, "hr", {}, vetted_employer_id);
  college = sign_in(workflow::Role::College, "cs-reviewer", {}, 0, "CS");
  other_college = sign_in(workflow::Role::College, "math-reviewer", {}, 0, "MATH");
  school = sign_in(workflow::Role::School, "centre");
}

void WorkflowWorld::add_student(const std::string& student_no, const std::string& college_code) {
  ok(store().put_student({student_no, "张三", "110105194912310011", "男", college_code, "软件工程",
                          "本科", 2026}));
}

void WorkflowWorld::verify_source_info(const std::string& student_no) {
  store::Store& db = store();
  const auto now = m_fixture.clock().now();
  auto info = ok(db.source_info(student_no));
  const workflow::Actor student_actor{workflow::Role::Student, 0, student_no, 0, ""};
  const workflow::Actor reviewer{workflow::Role::College, 0, "", 0, info.college_code};
  const auto sections_json = valid_sections();
  workflow::SourceSections sections{sections_json["basic"], sections_json["contact"],
                                    sections_json["enrolment"], sections_json["archive"]};
  info = ok(db.apply_source_info_change(ok(workflow::edit_source_info(info, student_actor, sections, now)),
                                        info.version));
  info = ok(db.apply_source_info_change(ok(workflow::submit_source_info(info, student_actor, now)),
                                        info.version));
  info = ok(db.apply_source_info_change(
      ok(workflow::review_source_info(info, reviewer, workflow::ReviewDecision::Approve, "", now)),
      info.version));
  REQUIRE(info.state == workflow::SourceInfoState::Verified);
}

Party WorkflowWorld::sign_in(workflow::Role role, const std::string& username,
                             const std::string& student_no, std::int64_t employer_id,
                             const std::string& college_code) {
  store::NewAccount account;
  account.username = username;
  account.password = "correct horse battery";
  account.role = role;
  account.student_no = student_no;
  account.employer_id = employer_id;
  account.college_code = college_code;
  const auto now = m_fixture.clock().now();
  const workflow::Account created = ok(store().create_account(account, now));
  Party party{created.id, std::make_unique<HttpClient>(m_fixture.base_url())};
  party->set_token(ok(store().create_session(created.id, now)));
  return party;
}

void WorkflowWorld::renew_session(Party& party) {
  party->set_token(ok(store().create_session(party.account_id, m_fixture.clock().now())));
}

nlohmann::json valid_sections() {
  return {{"basic", {{"ethnicity", "01"}, {"political_status", "03"}, {"birth_date", "1949-12-31"}}},
          {"contact", {{"mobile", "13800138000"}, {"email", "zhangsan@example.edu.cn"}, {"home_address", "福建省福州市鼓楼区"}}},
          {"enrolment", {{"education_level", "31"}, {"length_of_schooling", "4"}, {"training_mode", "1"}}},
          {"archive", {{"origin_region", "350100"}}}};
}

nlohmann::json valid_employer_profile() {
  return {{"nature", "39"},     {"industry", "34"},        {"location", "福建省福州市"},
          {"address", "福州市鼓楼区软件大道89号"}, {"postcode", "350003"}, {"contact", "李经理"},
          {"phone", "0591-87654321"}};
}

nlohmann::json sample_content() {
  return {{"job", {{"position", "软件工程师"}, {"location", "福州"}, {"salary", "月薪 12000 元"}}},
          {"remarks", "试用期三个月。"}};
}

std::string uscc_with_check(const std::string& first17) {
  static const std::string kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  for (char c : kAlphabet) {
    if (core::validate_uscc(first17 + c, "uscc").ok()) return first17 + c;
  }
  FAIL("no check character makes " << first17 << " valid");
  return {};
}

std::string at(std::int64_t id, const std::string& suffix) {
  return "/api/v1/agreements/" + std::to_string(id) + suffix;
}

nlohmann::json expect(const HttpResult& result, long status) {
  INFO(result.body);
  REQUIRE(result.status == status);
  return result.json();
}

std::string png_bytes(int width, int height) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 0.9, 0.2, 0.2);
  cairo_paint(cr);
  cairo_destroy(cr);
  std::string bytes;
  cairo_surface_write_to_png_stream(surface, append_png, &bytes);
  cairo_surface_destroy(surface);
  return bytes;
}

std::string jpeg_bytes(int width, int height) {
  jpeg_compress_struct info;
  jpeg_error_mgr errors;
  info.err = jpeg_std_error(&errors);
  jpeg_create_compress(&info);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&info, &buffer, &size);
  info.image_width = static_cast<JDIMENSION>(width);
  info.image_height = static_cast<JDIMENSION>(height);
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_start_compress(&info, TRUE);
  std::vector<unsigned char> row(static_cast<std::size_t>(width) * 3, 200);
  while (info.next_scanline < info.image_height) {
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&info, rows, 1);
  }
  jpeg_finish_compress(&info);
  std::string bytes(reinterpret_cast<const char*>(buffer), size);
  jpeg_destroy_compress(&info);
  std::free(buffer);
  return bytes;
}

std::int64_t send_invitation(HttpClient& employer, const std::string& student_no) {
  auto created = employer.post_json("/api/v1/agreements", {{"student_no", student_no}, {"content", sample_content()}});
  INFO(created.body);
  REQUIRE(created.status == 201);
  const std::int64_t id = created.json()["id"];
  auto sent = employer.post_json("/api/v1/agreements/" + std::to_string(id) + "/send", nlohmann::json::object());
  INFO(sent.body);
  REQUIRE(sent.status == 200);
  REQUIRE(sent.json()["state"] == "invited");
  return id;
}

nlohmann::json seen_version(HttpClient& reader, std::int64_t id) {
  auto read = reader.get("/api/v1/agreements/" + std::to_string(id));
  INFO(read.body);
  REQUIRE(read.status == 200);
  return {{"version", read.json()["version"]}};
}

}  // namespace sanfang::testing
