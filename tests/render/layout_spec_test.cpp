#include "render/layout_spec.h"
#include "render/plan.h"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace sanfang;
using namespace sanfang::render;

namespace {

const std::string kDefault = std::string(SANFANG_SOURCE_DIR) + "/layouts/default.json";

nlohmann::json default_layout() {
  std::ifstream in(kDefault);
  return nlohmann::json::parse(in);
}

Result<LayoutSpec> load_modified(const nlohmann::json& layout) {
  auto path = std::filesystem::temp_directory_path() / ("layout-test-" + std::to_string(::getpid()) + ".json");
  std::ofstream(path) << layout.dump();
  auto result = load_layout(path);
  std::filesystem::remove(path);
  return result;
}

}  // namespace

TEST_CASE("the default layout is three copies on A3 with the seed school's labels", "[layout]") {
  auto layout = load_layout(kDefault);
  REQUIRE(layout);
  CHECK(layout->sheet_width == Approx(1190.55).margin(0.01));
  CHECK(layout->sheet_height == Approx(841.89).margin(0.01));
  REQUIRE(layout->copies.size() == 3);
  CHECK(layout->copies[0].label == "第一联　学校存");
  CHECK(layout->copies[1].label == "第二联　用人单位存");
  CHECK(layout->copies[2].label == "第三联　毕业生存");
  CHECK(layout->outside_face == std::vector<int>{4, 1});
  CHECK(layout->inside_face == std::vector<int>{2, 3});
  CHECK(layout->parties.at("student") == "乙方");
  auto plan = make_plan(*layout);
  REQUIRE(plan);
  CHECK(plan->qrs.size() == 2);  // cover and signature panel
}

TEST_CASE("layout errors name the JSON path", "[layout]") {
  SECTION("unknown key") {
    auto layout = default_layout();
    layout["panels"]["1"][0]["colour"] = "#000000";
    auto result = load_modified(layout);
    REQUIRE_FALSE(result);
    CHECK(result.error().field == "$.panels.1[0].colour");
  }
  SECTION("unknown style") {
    auto layout = default_layout();
    layout["panels"]["2"][1]["style"] = "no-such-style";
    auto result = load_modified(layout);
    REQUIRE_FALSE(result);
    CHECK(result.error().field == "$.panels.2[1]");
  }
  SECTION("a block within the fold margin") {
    auto layout = default_layout();
    layout["panels"]["1"][1]["x"] = 2;  // panel 1 meets the fold on its left
    auto result = load_modified(layout);
    REQUIRE_FALSE(result);
    CHECK(result.error().message.find("fold") != std::string::npos);
  }
  SECTION("a bad colour") {
    auto layout = default_layout();
    layout["copies"][0]["accent"] = "red";
    auto result = load_modified(layout);
    REQUIRE_FALSE(result);
    CHECK(result.error().field == "$.copies[0].accent");
  }
  SECTION("a grid row that does not span all columns") {
    auto layout = default_layout();
    for (auto& block : layout["panels"]["3"]) {
      if (block["type"] == "grid") block["rows"][1]["cells"].erase(0);
    }
    auto result = load_modified(layout);
    REQUIRE_FALSE(result);
    CHECK(result.error().field.find("$.panels.3[1].rows[1]") == 0);
  }
  SECTION("a grid label naming a document value, which static art cannot print") {
    auto layout = default_layout();
    for (auto& block : layout["panels"]["3"]) {
      if (block["type"] == "grid") block["rows"][1]["cells"][0]["label"] = "{student.name}";
    }
    auto parsed = load_modified(layout);
    REQUIRE(parsed);
    auto plan = make_plan(*parsed);
    REQUIRE_FALSE(plan);
    CHECK(plan.error().field == "$.panels.3[1]");
  }
  SECTION("furniture on every panel within the fold margin of either side") {
    auto layout = default_layout();
    layout["every_panel"][2]["x"] = 120;  // ends at 204 mm, past 210 - 12
    auto result = load_modified(layout);
    REQUIRE_FALSE(result);
    CHECK(result.error().field == "$.every_panel[2]");
  }
  SECTION("an unknown placeholder") {
    auto layout = default_layout();
    layout["every_panel"][1]["text"] = "编号：{serial_number}";
    auto parsed = load_modified(layout);
    REQUIRE(parsed);
    auto plan = make_plan(*parsed);
    REQUIRE_FALSE(plan);
    CHECK(plan.error().field == "$.every_panel[1]");
  }
}
