// The employer library over HTTP: search with vetted units flagged, registration (an HR account is
// bound to its unit), the school's vetting, and the rule that an unvetted unit cannot invite.
#include "workflow_test_support.h"

#include <catch2/catch.hpp>

using namespace sanfang;
using namespace sanfang::testing;
using nlohmann::json;

namespace {

json new_unit(const std::string& name, const std::string& uscc) {
  return {{"name", name}, {"uscc", uscc}, {"profile", valid_employer_profile()}};
}

}  // namespace

TEST_CASE("the library search flags vetted units and lists them first", "[api][employers]") {
  WorkflowWorld world;
  world.add_student("2024001");
  Party student = world.student("2024001");
  json all = expect(student->get("/api/v1/employers"), 200);
  REQUIRE(all["items"].size() == 2);
  CHECK(all["items"][0]["vetted"] == true);
  CHECK(all["items"][1]["vetted"] == false);

  json found = expect(student->get("/api/v1/employers?q=%E7%A6%8F%E5%B7%9E"), 200);  // 福州
  REQUIRE(found["items"].size() == 1);
  CHECK(found["items"][0]["name"] == "福州示范软件有限公司");
  CHECK(expect(student->get("/api/v1/employers?q=%25"), 200)["items"].empty());  // % is literal
  CHECK(expect(student->get("/api/v1/employers?limit=0"), 400)["field"] == "limit");
  CHECK(expect(student->get("/api/v1/employers/" + std::to_string(world.vetted_employer_id)), 200)["vetted"] == true);
  CHECK(student->get("/api/v1/employers/999").status == 404);
}

TEST_CASE("an HR account registers its unit, cannot invite until the school vets it, then can", "[api][employers]") {
  WorkflowWorld world;
  world.add_student("2024002");
  world.verify_source_info("2024002");
  Party hr = world.sign_in(workflow::Role::Employer, "new-hr");
  const std::string uscc = uscc_with_check("91350100MA34567X1");

  CHECK(hr->post_json("/api/v1/agreements", {{"student_no", "2024002"}}).status == 403);  // no unit yet

  json bad_postcode = new_unit("新星网络有限公司", uscc);
  bad_postcode["profile"]["postcode"] = "3500";
  CHECK(expect(hr->post_json("/api/v1/employers", bad_postcode), 400)["field"] == "profile.postcode");
  json incomplete = new_unit("新星网络有限公司", uscc);
  incomplete["profile"].erase("phone");
  CHECK(expect(hr->post_json("/api/v1/employers", incomplete), 400)["field"] == "profile.phone");
  CHECK(expect(hr->post_json("/api/v1/employers", new_unit("新星网络有限公司", "91350100MA34567X1Z")), 400)["field"] ==
        "uscc");
  CHECK(expect(hr->post_json("/api/v1/employers", new_unit("重复公司", "91350100M000100Y43")), 409)["field"] == "uscc");

  json unit = expect(hr->post_json("/api/v1/employers", new_unit("新星网络有限公司", uscc)), 201);
  CHECK(unit["vetted"] == false);
  CHECK(unit["uscc"] == uscc);
  const std::int64_t unit_id = unit["id"];
  // The account now keeps that unit and cannot register a second one.
  CHECK(expect(hr->post_json("/api/v1/employers", new_unit("另一家公司", uscc_with_check("91350100MA34567X2"))), 409)["field"] ==
        "account");

  // SPEC: an unvetted unit cannot send invitations.
  json refused = expect(hr->post_json("/api/v1/agreements", {{"student_no", "2024002"}, {"content", sample_content()}}), 403);
  CHECK(refused["field"] == "employer_id");

  const std::string vet_path = "/api/v1/employers/" + std::to_string(unit_id) + "/vet";
  CHECK(world.college->post_json(vet_path, json::object()).status == 403);
  CHECK(expect(world.school->post_json(vet_path, json::object()), 200)["vetted"] == true);
  CHECK(world.school->post_json(vet_path, json::object()).status == 409);

  const std::int64_t id = send_invitation(*hr, "2024002");
  CHECK(id > 0);
}

TEST_CASE("a student may add a unit that is not in the library, filled in full, but a reviewer may not",
          "[api][employers]") {
  WorkflowWorld world;
  world.add_student("2024003");
  Party student = world.student("2024003");
  json added = expect(student->post_json("/api/v1/employers", new_unit("自主联系单位有限公司", uscc_with_check("91110108MA01ABCD1"))), 201);
  CHECK(added["vetted"] == false);
  CHECK(world.college->post_json("/api/v1/employers", new_unit("学院代填单位", uscc_with_check("91110108MA01ABCD2"))).status ==
        403);
  json blank_name = new_unit("", uscc_with_check("91110108MA01ABCD3"));
  CHECK(expect(student->post_json("/api/v1/employers", blank_name), 400)["field"] == "name");
}
