// End-to-end tests of `sanfang render`: the real binary, run in a child process with a fresh
// temporary folder per test. Inputs are samples/*.json, or samples/typical.json with one thing
// broken. A refused input must give a non-zero exit status, exactly one line on stderr naming the
// offending field path, and no output file (nor a leftover temporary) in the output folder.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <poppler-document.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path kSourceDir = SANFANG_SOURCE_DIR;
const fs::path kSamples = kSourceDir / "samples";

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const fs::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << bytes;
  REQUIRE(out.good());
}

// A fresh folder under the system temp dir, removed with everything in it at the end of the test.
// Layout: in/ (inputs), out/ (outputs only: must stay empty on failure), data/ (--data: the
// verification key), and the child's captured stdout/stderr at the top.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "sanfang-cli-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    REQUIRE(mkdtemp(buffer.data()) != nullptr);
    m_root = buffer.data();
    fs::create_directory(in());
    fs::create_directory(out());
    fs::create_directory(data());
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& root() const { return m_root; }
  fs::path in() const { return m_root / "in"; }
  fs::path out() const { return m_root / "out"; }
  fs::path data() const { return m_root / "data"; }

  fs::path write_input(const std::string& name, const std::string& bytes) const {
    fs::path file = in() / name;
    write_bytes(file, bytes);
    return file;
  }

  // Names of everything in out/ (empty after a refused render).
  std::vector<std::string> output_listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(out())) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  fs::path m_root;
};

struct RunResult {
  int exit_status = -1;  // -1 when the child did not exit normally
  std::string out;
  std::string err;
};

// Runs SANFANG_BIN with `args` (fork/exec, no shell), stdout and stderr captured to files in
// `dir.root()`, outside the output folder.
RunResult run_sanfang(const TempDir& dir, const std::vector<std::string>& args) {
  const fs::path out_file = dir.root() / "child.stdout";
  const fs::path err_file = dir.root() / "child.stderr";
  std::vector<std::string> argv_strings{SANFANG_BIN};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int out_fd = open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err_fd = open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out_fd < 0 || err_fd < 0 || dup2(out_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0) _exit(126);
    close(out_fd);
    close(err_fd);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    REQUIRE(errno == EINTR);
  }
  RunResult result;
  result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_bytes(out_file);
  result.err = read_bytes(err_file);
  REQUIRE(result.exit_status != 126);
  REQUIRE(result.exit_status != 127);
  return result;
}

// `sanfang render IN... -o DIR/out/OUT --data DIR/data`, plus `extra`.
RunResult render(const TempDir& dir, const std::vector<fs::path>& inputs, const std::string& output,
                 const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"render"};
  for (const auto& input : inputs) args.push_back(input.string());
  if (!output.empty()) {
    args.push_back("-o");
    args.push_back((dir.out() / output).string());
  }
  args.push_back("--data");
  args.push_back(dir.data().string());
  args.insert(args.end(), extra.begin(), extra.end());
  return run_sanfang(dir, args);
}

std::size_t count_lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

bool is_single_line(const std::string& text) {
  return !text.empty() && text.back() == '\n' && count_lines(text) == 1;
}

int pdf_page_count(const fs::path& file) {
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(file.string()));
  REQUIRE(doc != nullptr);
  return doc->pages();
}

json typical() { return json::parse(read_bytes(kSamples / "typical.json")); }

// U+XXXX as UTF-8.
std::string utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

std::string repeat(const std::string& unit, int times) {
  std::string s;
  for (int i = 0; i < times; ++i) s += unit;
  return s;
}

// One refused input: typical.json changed by `mutate`, or `raw` text when it is not JSON at all.
struct BadInput {
  std::string description;
  std::function<void(json&)> mutate;
  std::string field;                 // the path the error line must name
  std::string also = {};             // another text the line must contain (a code point), if any
  std::optional<std::string> raw = std::nullopt;
};

std::function<void(json&)> set(const std::string& section, const std::string& key, json value) {
  return [=](json& doc) { doc[section][key] = value; };
}

std::vector<BadInput> bad_inputs() {
  const std::string name = "张三";  // typical.json's student.name
  // 128 ideographs: the most employer.name may hold. The longest box it is printed in (cover,
  // 112 mm x 16 mm, 15 pt shrinking to 9 pt) takes about 105 at 9 pt in three lines, so the
  // maximum length overflows even after shrinking and wrapping.
  const std::string longest_employer = repeat("龘", 128);
  return {
      {"malformed JSON", nullptr, "$", "", std::string(R"({"student": {"name": "张三",)")},
      {"a required field missing (student.name)", [](json& d) { d["student"].erase("name"); }, "student.name"},
      {"a required field missing (employer.uscc)", [](json& d) { d["employer"].erase("uscc"); }, "employer.uscc"},
      {"an unknown field", set("student", "nickname", "小张"), "student.nickname"},
      {"a number where a string is expected", set("student", "name", 42), "student.name"},
      {"a resident ID with a wrong check digit", set("student", "id_number", "620102200305010031"), "student.id_number"},
      {"a USCC with a wrong check character", set("employer", "uscc", "91620100MA74X2B3KE"), "employer.uscc"},
      {"a serial with a wrong check character", [](json& d) { d["serial"] = "1073120260001234"; }, "serial"},
      {"a serial without signed_at", [](json& d) { d.erase("signed_at"); }, "signed_at"},
      // U+31350 (CJK Extension H) is in no font of fonts/fonts.json (HanaMinB ends at Ext F).
      {"a character no font covers (U+31350)", set("student", "name", "王" + utf8(0x31350)), "student.name", "U+31350"},
      {"a control character (U+0007)", set("student", "name", "张" + utf8(0x0007) + "三"), "student.name", "U+0007"},
      {"a bidi override (U+202E)", set("student", "name", "张" + utf8(0x202E) + "三"), "student.name", "U+202E"},
      {"a zero-width space (U+200B)", set("student", "name", "张" + utf8(0x200B) + "三"), "student.name", "U+200B"},
      {"a private-use character (U+E000)", set("student", "name", "张" + utf8(0xE000) + "三"), "student.name", "U+E000"},
      {"an employer name of the maximum length that overflows its box even shrunk and wrapped",
       set("employer", "name", longest_employer), "employer.name"},
      {"an employer name longer than 128 code points", set("employer", "name", repeat("龘", 129)), "employer.name",
       "128"},
      {"an invalid mobile number", set("student", "mobile", "12912345678"), "student.mobile"},
      {"a code not in its code list (ethnicity 77)", set("student", "ethnicity", "77"), "student.ethnicity", "77"},
      {"a birth date that does not match the resident ID", set("student", "birth_date", "2003-05-02"),
       "student.birth_date"},
      {"a gender that does not match the resident ID", set("student", "gender", "2"), "student.gender"},
  };
}

}  // namespace

TEST_CASE("a typical signed agreement renders to a PDF and exits 0", "[cli][render]") {
  TempDir dir;
  auto result = render(dir, {kSamples / "typical.json"}, "agreement.pdf");
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_status == 0);
  CHECK(result.err.empty());
  const fs::path pdf = dir.out() / "agreement.pdf";
  REQUIRE(fs::exists(pdf));
  CHECK(read_bytes(pdf).rfind("%PDF-", 0) == 0);
  CHECK(dir.output_listing() == std::vector<std::string>{"agreement.pdf"});
  // One agreement = three copies, each one A3 sheet printed on both faces.
  CHECK(pdf_page_count(pdf) == 6);
}

TEST_CASE("every sample in samples/ renders", "[cli][render]") {
  for (const char* sample : {"typical.json", "long-employer-name.json", "minority-name.json", "preview-unsigned.json",
                             "rare-character.json"}) {
    DYNAMIC_SECTION(sample) {
      TempDir dir;
      auto result = render(dir, {kSamples / sample}, "out.pdf");
      INFO("stderr: " << result.err);
      CHECK(result.exit_status == 0);
      CHECK(fs::exists(dir.out() / "out.pdf"));
    }
  }
}

TEST_CASE("several inputs go into one PDF with six pages per agreement", "[cli][render]") {
  TempDir dir;
  auto result = render(dir,
                       {kSamples / "typical.json", kSamples / "preview-unsigned.json", kSamples / "minority-name.json"},
                       "batch.pdf");
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_status == 0);
  REQUIRE(fs::exists(dir.out() / "batch.pdf"));
  CHECK(pdf_page_count(dir.out() / "batch.pdf") == 3 * 6);
}

TEST_CASE("one refused input among several leaves no PDF at all", "[cli][render]") {
  TempDir dir;
  json bad = typical();
  bad["student"]["gender"] = "2";
  const fs::path bad_file = dir.write_input("bad.json", bad.dump());
  auto result = render(dir, {kSamples / "typical.json", bad_file, kSamples / "minority-name.json"}, "batch.pdf");
  INFO("stderr: " << result.err);
  CHECK(result.exit_status != 0);
  CHECK(is_single_line(result.err));
  CHECK(result.err.find(bad_file.string()) != std::string::npos);
  CHECK(result.err.find("student.gender") != std::string::npos);
  CHECK(dir.output_listing().empty());
}

TEST_CASE("render with --png and --page writes that page as a PNG image", "[cli][png]") {
  TempDir dir;
  auto result = render(dir, {kSamples / "typical.json"}, "", {"--png", (dir.out() / "page3.png").string(), "--page", "3"});
  INFO("stderr: " << result.err);
  REQUIRE(result.exit_status == 0);
  const fs::path png = dir.out() / "page3.png";
  REQUIRE(fs::exists(png));
  const std::string bytes = read_bytes(png);
  REQUIRE(bytes.size() > 8);
  CHECK(bytes.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(dir.output_listing() == std::vector<std::string>{"page3.png"});
}

TEST_CASE("render with --png and a page out of range fails and writes neither the PNG nor the PDF", "[cli][png]") {
  for (const char* page : {"7", "0"}) {
    DYNAMIC_SECTION("--page " << page) {
      TempDir dir;
      auto result = render(dir, {kSamples / "typical.json"}, "agreement.pdf",
                           {"--png", (dir.out() / "page.png").string(), "--page", page});
      INFO("stderr: " << result.err);
      CHECK(result.exit_status != 0);
      CHECK(is_single_line(result.err));
      CHECK(result.err.find("page") != std::string::npos);
      CHECK(dir.output_listing().empty());
    }
  }
}

TEST_CASE("a refused input exits non-zero with one stderr line naming the field and writes nothing", "[cli][refuse]") {
  for (const BadInput& bad : bad_inputs()) {
    DYNAMIC_SECTION(bad.description) {
      TempDir dir;
      std::string text;
      if (bad.raw) {
        text = *bad.raw;
      } else {
        json doc = typical();
        bad.mutate(doc);
        text = doc.dump();
      }
      const fs::path input = dir.write_input("input.json", text);
      auto result = render(dir, {input}, "agreement.pdf");
      INFO("input: " << text);
      INFO("exit status: " << result.exit_status);
      INFO("stderr: " << result.err);
      CHECK(result.exit_status != 0);
      CHECK(result.exit_status != -1);  // exited, not crashed
      CHECK(is_single_line(result.err));
      // The line reads "sanfang render: FILE: FIELD: message": the exact path, not a longer one.
      CHECK(result.err.find(": " + bad.field + ": ") != std::string::npos);
      if (!bad.also.empty()) CHECK(result.err.find(bad.also) != std::string::npos);
      CHECK(result.out.empty());
      // No output file and no temporary left beside where it would have gone.
      CHECK(dir.output_listing().empty());
    }
  }
}

TEST_CASE("an optional field given as null or as an empty string is treated as not given", "[cli][render]") {
  // api/render-input.schema.json: for an optional field, absent, null and "" all mean "not given".
  struct Blank {
    const char* section;
    const char* key;
    json value;
  };
  const std::vector<Blank> blanks = {
      {"student", "birth_date", nullptr}, {"student", "birth_date", ""}, {"student", "mobile", nullptr},
      {"student", "ethnicity", ""},       {"employer", "supervisor", nullptr}, {"student", "training_mode", nullptr},
  };
  for (const Blank& blank : blanks) {
    DYNAMIC_SECTION(blank.section << "." << blank.key << " = " << blank.value.dump()) {
      TempDir dir;
      json doc = typical();
      doc[blank.section][blank.key] = blank.value;
      const fs::path input = dir.write_input("input.json", doc.dump());
      auto result = render(dir, {input}, "agreement.pdf");
      INFO("exit status: " << result.exit_status);
      INFO("stderr: " << result.err);
      CHECK(result.exit_status == 0);
      CHECK(result.err.empty());
      CHECK(fs::exists(dir.out() / "agreement.pdf"));
    }
  }
}

TEST_CASE("rendering the same input twice gives byte-identical PDFs", "[cli][reproducible]") {
  TempDir dir;
  auto first = render(dir, {kSamples / "typical.json"}, "first.pdf");
  auto second = render(dir, {kSamples / "typical.json"}, "second.pdf");
  INFO("stderr: " << first.err << second.err);
  REQUIRE(first.exit_status == 0);
  REQUIRE(second.exit_status == 0);
  const std::string a = read_bytes(dir.out() / "first.pdf");
  const std::string b = read_bytes(dir.out() / "second.pdf");
  REQUIRE(!a.empty());
  CHECK(a.size() == b.size());
  CHECK(a == b);
}

TEST_CASE("a missing fonts folder is a clear one-line error before anything is written", "[cli][resources]") {
  TempDir dir;
  auto result = render(dir, {kSamples / "typical.json"}, "agreement.pdf", {"--fonts", "/nonexistent"});
  INFO("stderr: " << result.err);
  CHECK(result.exit_status != 0);
  CHECK(is_single_line(result.err));
  CHECK(result.err.find("/nonexistent") != std::string::npos);
  CHECK(result.err.find("font") != std::string::npos);
  CHECK(dir.output_listing().empty());
  // It fails at start: not even the verification key was created.
  CHECK(fs::is_empty(dir.data()));
}

TEST_CASE("every command answers --help with its usage and exit status 0", "[cli][help]") {
  TempDir dir;
  const auto listing = run_sanfang(dir, {"help"});
  REQUIRE(listing.exit_status == 0);
  const std::vector<std::string> commands{"render", "serve",  "demo",    "audit", "doctor", "batch",
                                          "bench-seed", "backup", "restore", "bench", "import", "user"};
  for (const std::string& command : commands) {
    INFO(command);
    CHECK(listing.out.find("\n  " + command + " ") != std::string::npos);
    for (const char* flag : {"--help", "-h"}) {
      const auto help = run_sanfang(dir, {command, flag});
      CHECK(help.exit_status == 0);
      CHECK(help.out.rfind("  " + command + " ", 0) == 0);
      CHECK(help.err.empty());
    }
  }
  const auto unknown = run_sanfang(dir, {"frobnicate", "--help"});
  CHECK(unknown.exit_status == 2);
  CHECK(unknown.err.find("unknown command") != std::string::npos);
}
