// End-to-end tests of the print room's commands: `sanfang bench-seed` makes a data folder of
// signed agreements, `sanfang batch` prints from it with progress on stderr, and a refused batch
// leaves no file and no job.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <poppler-document.h>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Run {
  int exit_status = -1;
  std::string output;  // stdout and stderr
};

Run sanfang(const std::string& arguments) {
  const std::string command = std::string(SANFANG_BIN) + " " + arguments + " 2>&1 </dev/null";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
  REQUIRE(pipe);
  Run run;
  std::array<char, 512> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe.get())) run.output += buffer.data();
  const int status = pclose(pipe.release());
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

class Folder {
 public:
  Folder() {
    std::string pattern = (fs::temp_directory_path() / "sanfang-print-cli-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    m_root = pattern;
  }
  ~Folder() {
    std::error_code ec;
    fs::remove_all(m_root, ec);
  }
  fs::path operator/(const std::string& name) const { return m_root / name; }

 private:
  fs::path m_root;
};

int pdf_pages(const fs::path& file) {
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_file(file.string()));
  REQUIRE(doc);
  return doc->pages();
}

TEST_CASE("bench-seed makes signed agreements and batch prints a college with a separator sheet",
          "[cli][print]") {
  Folder folder;
  const fs::path data = folder / "data";
  const Run seeded = sanfang("bench-seed --data " + data.string() + " --agreements 9");
  INFO(seeded.output);
  REQUIRE(seeded.exit_status == 0);
  CHECK(seeded.output.find("9 signed agreements") != std::string::npos);
  CHECK(fs::exists(data / "bench-accounts.json"));

  // Colleges take turns in the seed: CS has agreements 0 and 8.
  const Run batch = sanfang("batch --data " + data.string() + " --college CS --separators -o " + (folder / "cs.pdf").string());
  INFO(batch.output);
  REQUIRE(batch.exit_status == 0);
  CHECK(batch.output.find("batch #1: 2/2") != std::string::npos);  // plain progress lines off a terminal
  CHECK(batch.output.find("2 agreements, 14 pages") != std::string::npos);
  CHECK(pdf_pages(folder / "cs.pdf") == 2 + 2 * 6);

  // A second run of the same copies is a reprint: recorded, and the job numbers go on.
  const Run again = sanfang("batch --data " + data.string() + " --college CS --copies 3 -o " + (folder / "again.pdf").string());
  INFO(again.output);
  REQUIRE(again.exit_status == 0);
  CHECK(again.output.find("job 2:") != std::string::npos);
  CHECK(pdf_pages(folder / "again.pdf") == 2 * 2);
}

TEST_CASE("batch into a folder writes one file per college and a manifest of them", "[cli][print][parts]") {
  Folder folder;
  const fs::path data = folder / "data";
  REQUIRE(sanfang("bench-seed --data " + data.string() + " --agreements 9").exit_status == 0);
  // The folder is made: its parent exists.
  const Run batch = sanfang("batch --data " + data.string() + " --threads 2 -o " + (folder / "out").string() + "/");
  INFO(batch.output);
  REQUIRE(batch.exit_status == 0);
  CHECK(batch.output.find("9 agreements, 54 pages") != std::string::npos);
  CHECK(batch.output.find("in 8 files") != std::string::npos);
  // A drawing process that ended badly (a sanitizer's report included) is logged on stderr.
  CHECK(batch.output.find("drawing_process_ended") == std::string::npos);

  std::ifstream in(folder / "out" / "manifest.json");
  const nlohmann::json manifest = nlohmann::json::parse(in);
  CHECK(manifest["agreements"] == 9);
  REQUIRE(manifest["parts"].size() == 8);
  int agreements = 0;
  for (const auto& part : manifest["parts"]) {
    CAPTURE(part.dump());
    const fs::path file = folder / "out" / part["file"].get<std::string>();
    REQUIRE(fs::exists(file));
    CHECK(part["file"].get<std::string>().find(part["college"].get<std::string>()) != std::string::npos);
    CHECK(static_cast<std::uintmax_t>(part["bytes"].get<long>()) == fs::file_size(file));
    CHECK(part["sha256"].get<std::string>().size() == 64);
    CHECK(pdf_pages(file) == 6 * part["agreements"].get<int>());
    CHECK(part["first_serial"].get<std::string>().size() == 16);
    agreements += part["agreements"].get<int>();
  }
  CHECK(agreements == 9);
}

TEST_CASE("bench draws distinct agreements alone, in one PDF, in parts on two render threads and in processes",
          "[cli][print][bench]") {
  const Run bench = sanfang("bench --agreements 4 --runs 1");
  INFO(bench.output);
  REQUIRE(bench.exit_status == 0);
  CHECK(bench.output.find("4 distinct agreements") != std::string::npos);
  CHECK(bench.output.find("render threads") != std::string::npos);
  CHECK(bench.output.find("processes, each starting up") != std::string::npos);
  // A drawing process that ended badly (a sanitizer's report included) fails the bench.
  CHECK(bench.output.find("drawing_process_ended") == std::string::npos);
  CHECK(bench.output.find("peak RSS") != std::string::npos);
  // A share is "I/N", I below N.
  for (const char* bad : {"--share 2/2", "--share x", "--share 1/0", "--share 1/2x"})
    CHECK(sanfang(std::string("bench --agreements 4 ") + bad).exit_status == 1);
}

TEST_CASE("a refused batch names the option, writes no file and makes no job", "[cli][print][bad-input]") {
  Folder folder;
  const fs::path data = folder / "data";
  REQUIRE(sanfang("bench-seed --data " + data.string() + " --agreements 2").exit_status == 0);
  const fs::path out = folder / "out.pdf";
  for (const char* bad : {"--copies 4", "--copies x", "--signed-from 2026-13-01", "--college XX",
                                 "--serials 1073120260000010"}) {
    const Run refused = sanfang("batch --data " + data.string() + " " + bad + " -o " + out.string());
    INFO(bad << ": " << refused.output);
    CHECK(refused.exit_status == 1);
    CHECK(refused.output.rfind("sanfang batch: ", 0) == 0);
    CHECK_FALSE(fs::exists(out));
  }
  CHECK(sanfang("batch --data " + (folder / "nothing").string() + " -o " + out.string()).exit_status == 1);
  CHECK(sanfang("batch --data " + data.string()).exit_status == 2);
  // An output folder that does not exist, or a job to resume that does not, is refused up front.
  const Run no_folder = sanfang("batch --data " + data.string() + " -o " + (folder / "missing" / "out.pdf").string());
  INFO(no_folder.output);
  CHECK(no_folder.exit_status == 1);
  CHECK(no_folder.output.find("-o") != std::string::npos);
  const Run no_parent = sanfang("batch --data " + data.string() + " -o " + (folder / "missing" / "parts").string() + "/");
  INFO(no_parent.output);
  CHECK(no_parent.exit_status == 1);
  CHECK(no_parent.output.find("is not a folder") != std::string::npos);
  CHECK_FALSE(fs::exists(folder / "missing"));
  CHECK(sanfang("batch --data " + data.string() + " --resume 99 -o " + out.string()).exit_status == 1);
  for (const char* bad : {"--resume x", "--resume 0", "--resume 1 --college CS"})
    CHECK(sanfang("batch --data " + data.string() + " " + bad + " -o " + out.string()).exit_status == 2);
  CHECK_FALSE(fs::exists(out));
  const Run first = sanfang("batch --data " + data.string() + " -o " + out.string());
  INFO(first.output);
  CHECK(first.output.find("job 1:") != std::string::npos);
  // A drawing process is only ever a running batch's own: started by hand it is refused and
  // draws nothing.
  const fs::path parts = folder / "parts";
  const Run by_hand = sanfang("batch --data " + data.string() + " --draw-parts-of 1 -o " + parts.string() + "/");
  INFO(by_hand.output);
  CHECK(by_hand.exit_status == 1);
  CHECK(by_hand.output.find("--draw-parts-of") != std::string::npos);
  CHECK(sanfang("batch --data " + data.string() + " --draw-parts-of 99 -o " + parts.string() + "/").exit_status == 1);
  CHECK(sanfang("batch --data " + data.string() + " --draw-parts-of x -o " + parts.string() + "/").exit_status == 2);
  CHECK(sanfang("batch --data " + data.string() + " --draw-parts-of 1 --into-store -o " + parts.string() + "/").exit_status == 1);
  // --into-store belongs to drawing processes: a batch of its own is refused.
  CHECK(sanfang("batch --data " + data.string() + " --into-store -o " + parts.string() + "/").exit_status == 2);
  CHECK_FALSE(fs::exists(parts));
}

TEST_CASE("bench-seed refuses a folder that holds something else", "[cli][print][bad-input]") {
  Folder folder;
  const fs::path data = folder / "data";
  fs::create_directories(data);
  { std::FILE* f = std::fopen((data / "notes.txt").c_str(), "w"); REQUIRE(f); std::fclose(f); }
  const Run refused = sanfang("bench-seed --data " + data.string() + " --agreements 2");
  CHECK(refused.exit_status == 1);
  CHECK(refused.output.find("not a previous bench-seed folder") != std::string::npos);
  CHECK(fs::exists(data / "notes.txt"));
  CHECK(sanfang("bench-seed --data " + data.string() + " --agreements 0").exit_status == 2);
}

}  // namespace
