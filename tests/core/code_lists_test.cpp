#include "core/code_lists.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

using namespace sanfang;
using namespace sanfang::core;
namespace fs = std::filesystem;

namespace {

const fs::path kCodesDir = fs::path(SANFANG_SOURCE_DIR "/layouts/codes");

// A fresh folder under the system temp dir, removed when the test ends.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    m_path = fs::temp_directory_path() /
             ("sanfang-code-lists-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(m_path);
    fs::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return m_path; }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(m_path / name, std::ios::binary) << content;
  }

 private:
  fs::path m_path;
};

const std::string kValidColours = R"({
  "name": "colour",
  "title": "颜色",
  "version": "test-1",
  "source": "test",
  "codes": [{"code": "1", "label": "红"}, {"code": "2", "label": "蓝"}]
})";

}  // namespace

TEST_CASE("the shipped code lists load", "[core][code_lists]") {
  auto lists = CodeLists::load(kCodesDir);
  INFO((lists.ok() ? std::string() : lists.error().describe()));
  REQUIRE(lists.ok());
  for (const char* name : {"employer_nature", "employer_industry", "ethnicity", "political_status",
                           "education_level", "training_mode", "gender", "region"}) {
    INFO(name);
    const CodeList* list = lists->find(name);
    REQUIRE(list != nullptr);
    CHECK(list->name == name);
    CHECK_FALSE(list->title.empty());
    CHECK_FALSE(list->version.empty());
    CHECK_FALSE(list->source.empty());
    CHECK_FALSE(list->entries.empty());
  }
  CHECK(lists->all().size() == 8);
  CHECK(lists->find("no_such_list") == nullptr);
}

TEST_CASE("known codes map to their labels", "[core][code_lists]") {
  auto lists = CodeLists::load(kCodesDir);
  REQUIRE(lists.ok());
  CHECK(lists->find("employer_nature")->label("10", "employer.nature").value() == "机关");
  CHECK(lists->find("employer_nature")->label("39", "employer.nature").value() == "其他企业");
  CHECK(lists->find("employer_industry")->label("34", "employer.industry").value() ==
        "信息传输、软件和信息技术服务业");
  CHECK(lists->find("ethnicity")->label("01", "student.ethnicity").value() == "汉族");
  CHECK(lists->find("ethnicity")->label("56", "student.ethnicity").value() == "基诺族");
  CHECK(lists->find("ethnicity")->label("98", "student.ethnicity").value() == "外国血统中国籍人士");
  CHECK(lists->find("political_status")->label("13", "student.political_status").value() ==
        "群众");
  CHECK(lists->find("education_level")->label("21", "student.education").value() ==
        "大学本科毕业");
  CHECK(lists->find("training_mode")->label("1", "student.training_mode").value() == "非定向");
  CHECK(lists->find("gender")->label("2", "student.gender").value() == "女");
  CHECK(lists->find("region")->label("620000", "student.origin").value() == "甘肃省");
  CHECK(lists->find("region")->label("620100", "student.origin").value() == "兰州市");
  CHECK(lists->find("region")->label("429004", "student.origin").value() == "仙桃市");
}

TEST_CASE("the shipped lists have the sizes their standards give", "[core][code_lists]") {
  auto lists = CodeLists::load(kCodesDir);
  REQUIRE(lists.ok());
  CHECK(lists->find("ethnicity")->entries.size() == 56 + 3);
  CHECK(lists->find("political_status")->entries.size() == 13);
  CHECK(lists->find("gender")->entries.size() == 4);
  CHECK(lists->find("employer_industry")->entries.size() == 21);

  // GB/T 2260: 34 provincial-level divisions, 333 prefecture-level divisions.
  int provinces = 0;
  int prefectures = 0;
  for (const auto& [code, label] : lists->find("region")->entries) {
    REQUIRE(code.size() == 6);
    if (code.ends_with("0000")) {
      ++provinces;
    } else if (code.ends_with("00")) {
      ++prefectures;
    }
  }
  CHECK(provinces == 34);
  CHECK(prefectures == 333);
}

TEST_CASE("the two-digit political status code is not matched by its one-digit form",
          "[core][code_lists]") {
  auto lists = CodeLists::load(kCodesDir);
  REQUIRE(lists.ok());
  CHECK_FALSE(lists->find("political_status")->label("1", "student.political_status").ok());
}

TEST_CASE("an unknown code is refused naming the field, the list and the code",
          "[core][code_lists]") {
  auto lists = CodeLists::load(kCodesDir);
  REQUIRE(lists.ok());
  auto result = lists->find("employer_nature")->label("77", "employer.nature");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().kind == ErrorKind::InvalidInput);
  CHECK(result.error().field == "employer.nature");
  CHECK(result.error().message == "未知的单位性质代码 \"77\"");
}

TEST_CASE("an unknown code that is not plain ASCII is not echoed into the message",
          "[core][code_lists]") {
  auto lists = CodeLists::load(kCodesDir);
  REQUIRE(lists.ok());
  auto result = lists->find("ethnicity")->label("\xFF\x01", "student.ethnicity");
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().field == "student.ethnicity");
  CHECK(result.error().message == "未知的民族代码");
}

TEST_CASE("a valid list in a temp folder loads with its entries in file order",
          "[core][code_lists]") {
  TempDir dir;
  dir.write("colour.json", kValidColours);
  dir.write("notes.txt", "not a code list");
  auto lists = CodeLists::load(dir.path());
  REQUIRE(lists.ok());
  const CodeList* colour = lists->find("colour");
  REQUIRE(colour != nullptr);
  CHECK(colour->title == "颜色");
  CHECK(colour->version == "test-1");
  REQUIRE(colour->entries.size() == 2);
  CHECK(colour->entries[0] == std::pair<std::string, std::string>{"1", "红"});
  CHECK(colour->entries[1] == std::pair<std::string, std::string>{"2", "蓝"});
}

TEST_CASE("a list with a duplicate code fails to load naming the file", "[core][code_lists]") {
  TempDir dir;
  dir.write("colour.json", R"({"name": "colour", "title": "颜色", "version": "1", "source": "t",
    "codes": [{"code": "1", "label": "红"}, {"code": "1", "label": "蓝"}]})");
  auto lists = CodeLists::load(dir.path());
  REQUIRE_FALSE(lists.ok());
  CHECK(lists.error().message.find("colour.json") != std::string::npos);
  CHECK(lists.error().message.find("\"1\" 重复") != std::string::npos);
}

TEST_CASE("malformed JSON fails to load naming the file", "[core][code_lists]") {
  TempDir dir;
  dir.write("colour.json", kValidColours);
  dir.write("broken.json", R"({"name": "broken", "codes": [)");
  auto lists = CodeLists::load(dir.path());
  REQUIRE_FALSE(lists.ok());
  CHECK(lists.error().message.find("broken.json") != std::string::npos);
  CHECK(lists.error().message.find("JSON") != std::string::npos);
}

// Found by fuzz_code_lists: nlohmann reports a number beyond a double's range as out_of_range,
// not parse_error, and that exception escaped CodeLists::load and ended the process.
TEST_CASE("a code list file with a number beyond a double's range is refused naming the file, not a crash",
          "[core][code_lists][fuzz]") {
  TempDir dir;
  dir.write("colour.json", kValidColours);
  const std::string fuzz_input("-111111111112222e222222222  \x03\x12:\x9e\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5"
                               "\xf5\xf5\xf5\xf5\xf5\xf5~\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5"
                               "\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\xf5\x19\xf5\xf5\xf5"
                               "\xf5\xf5\xf5: \xc1\x8a\xdd\xc5\xd8\x22'enl\x22:~4\x1b\x01\x0a",
                               106);
  for (const std::string& content : {std::string(R"({"name": "overflow", "codes": [1e999]})"), fuzz_input}) {
    dir.write("overflow.json", content);
    auto lists = CodeLists::load(dir.path());
    REQUIRE_FALSE(lists.ok());
    CHECK(lists.error().message.find("overflow.json") != std::string::npos);
    CHECK(lists.error().message.find("JSON") != std::string::npos);
  }
}

TEST_CASE("structurally wrong lists fail to load naming the file", "[core][code_lists]") {
  auto [content, complaint] = GENERATE(table<std::string, std::string>({
      {R"([1, 2])", "顶层"},
      {R"({"name": "bad", "title": "t", "version": "1", "codes": [{"code": "1", "label": "x"}]})",
       "source"},
      {R"({"name": "bad", "title": "t", "version": "1", "source": "s", "codes": []})", "codes"},
      {R"({"name": "other", "title": "t", "version": "1", "source": "s",
           "codes": [{"code": "1", "label": "x"}]})",
       "文件名"},
      {R"({"name": "bad", "title": "t", "version": "1", "source": "s",
           "codes": [{"code": "1", "lable": "x"}]})",
       "lable"},
      {R"({"name": "bad", "title": "t", "version": "1", "source": "s",
           "codes": [{"code": 1, "label": "x"}]})",
       "code"},
      {R"({"name": "bad", "title": "t", "version": "1", "source": "s",
           "codes": [{"code": "1 ", "label": "x"}]})",
       "字母和数字"},
      {R"({"name": "bad", "title": "t", "version": "1", "source": "s",
           "codes": [{"code": "1", "label": "x\u202Ey"}]})",
       "U+202E"},
  }));
  TempDir dir;
  dir.write("bad.json", content);
  auto lists = CodeLists::load(dir.path());
  REQUIRE_FALSE(lists.ok());
  CHECK(lists.error().message.find("bad.json") != std::string::npos);
  CHECK(lists.error().message.find(complaint) != std::string::npos);
}

TEST_CASE("a missing or empty folder fails to load naming the folder", "[core][code_lists]") {
  TempDir dir;
  auto empty = CodeLists::load(dir.path());
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message.find(dir.path().string()) != std::string::npos);

  auto missing = CodeLists::load(dir.path() / "absent");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().kind == ErrorKind::Io);
  CHECK(missing.error().message.find("absent") != std::string::npos);
}
