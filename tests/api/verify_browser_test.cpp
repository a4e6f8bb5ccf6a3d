// The verification page as people see it: a real server on loopback, opened in headless
// Chromium at phone (390 px) and desktop (1280 px) widths. The DOM Chromium builds is checked for
// the words people read, and its screenshot (read with libpng) for the layout: the coloured status
// banner lies within the first screen, fits the width, and has its word drawn on it.
#include "api/documents.h"
#include "core/verification_token.h"
#include "documents_support.h"
#include "service_fixture.h"

#include <catch2/catch.hpp>
#include <png.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

using namespace sanfang;
using sanfang::testing::DocumentsWorld;
using sanfang::testing::require_ok;
using sanfang::testing::ServiceFixture;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

struct Rgb {
  int r, g, b;
};
// The banner colours of verify_page.cpp's style sheet.
constexpr Rgb kValidGreen{0x1a, 0x7f, 0x37};
constexpr Rgb kInvalidRed{0xcf, 0x22, 0x2e};

struct Screenshot {
  int width = 0;
  int height = 0;
  std::vector<unsigned char> rgb;  // rows top to bottom, 3 bytes a pixel

  Rgb at(int x, int y) const {
    const unsigned char* p = &rgb[(static_cast<std::size_t>(y) * width + x) * 3];
    return {p[0], p[1], p[2]};
  }
};

struct Box {
  int left = -1, top = -1, right = -1, bottom = -1;  // inclusive; -1: no pixel of the colour
  bool found() const { return top >= 0; }
  int width() const { return right - left + 1; }
  int height() const { return bottom - top + 1; }
};

Screenshot read_png(const std::filesystem::path& file) {
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  REQUIRE(png_image_begin_read_from_file(&image, file.c_str()) != 0);
  std::unique_ptr<png_image, void (*)(png_image*)> guard(&image, png_image_free);
  image.format = PNG_FORMAT_RGB;
  Screenshot shot;
  shot.width = static_cast<int>(image.width);
  shot.height = static_cast<int>(image.height);
  shot.rgb.resize(PNG_IMAGE_SIZE(image));
  REQUIRE(png_image_finish_read(&image, nullptr, shot.rgb.data(), 0, nullptr) != 0);
  return shot;
}

// Where the pixels of exactly `colour` are (antialiased edges excluded).
Box box_of(const Screenshot& shot, Rgb colour) {
  Box box;
  for (int y = 0; y < shot.height; ++y) {
    for (int x = 0; x < shot.width; ++x) {
      const Rgb p = shot.at(x, y);
      if (p.r != colour.r || p.g != colour.g || p.b != colour.b) continue;
      if (!box.found()) box = {x, y, x, y};
      box.left = std::min(box.left, x);
      box.right = std::max(box.right, x);
      box.bottom = y;
    }
  }
  return box;
}

// Near-white pixels inside `box`: the status word drawn in white on the banner.
int light_pixels_in(const Screenshot& shot, const Box& box) {
  int count = 0;
  for (int y = box.top; y <= box.bottom; ++y)
    for (int x = box.left; x <= box.right; ++x)
      if (const Rgb p = shot.at(x, y); p.r > 200 && p.g > 200 && p.b > 200) ++count;
  return count;
}

// Headless Chromium, run as root in the test suite (hence --no-sandbox), with a profile of its own.
class Browser {
 public:
  Browser() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sanfang-chromium-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    m_dir = pattern;
  }
  ~Browser() {
    std::error_code ignored;
    std::filesystem::remove_all(m_dir, ignored);
  }

  std::string dump_dom(const std::string& url, int width, int height) {
    return run("--dump-dom " + window(width, height) + " '" + url + "'");
  }

  Screenshot screenshot(const std::string& url, int width, int height) {
    const auto file = m_dir / ("shot-" + std::to_string(width) + ".png");
    std::filesystem::remove(file);
    run("--screenshot=" + file.string() + " " + window(width, height) + " '" + url + "'");
    REQUIRE(std::filesystem::exists(file));
    return read_png(file);
  }

 private:
  static std::string window(int width, int height) {
    return "--window-size=" + std::to_string(width) + "," + std::to_string(height);
  }

  std::string run(const std::string& arguments) {
    const std::string command = "timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
                                "--no-first-run --disable-extensions --force-device-scale-factor=1 "
                                "--user-data-dir=" + (m_dir / "profile").string() + " " + arguments + " 2>" +
                                (m_dir / "stderr.txt").string();
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe);
    std::string output;
    std::array<char, 4096> buffer{};
    while (const std::size_t n = fread(buffer.data(), 1, buffer.size(), pipe.get())) output.append(buffer.data(), n);
    const int status = pclose(pipe.release());
    std::ifstream err(m_dir / "stderr.txt");
    std::stringstream errors;
    errors << err.rdbuf();
    INFO("chromium: " << errors.str());
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    return output;
  }

  std::filesystem::path m_dir;
};

struct PageWorld {
  ServiceFixture fixture;
  DocumentsWorld world{fixture.app()};
  std::string valid_url;

  PageWorld() {
    REQUIRE(std::system("command -v chromium >/dev/null") == 0);  // scripts/setup.sh installs it
    world.add_verified_student("2022001", "张三丰");
    const auto agreement = world.sign(world.in_review("2022001"));
    const auto document = require_ok(fixture.app().store->signed_document(agreement.id));
    const auto hash = require_ok(api::hex_decode_hash(document.content_hash));
    valid_url = fixture.base_url() + "/V/" + core::make_verification_token(fixture.app().key, *agreement.serial, 1, hash);
  }
};

}  // namespace

TEST_CASE("in Chromium at phone width the page shows school, masked name, copy label and 有效",
          "[api][verify][browser]") {
  PageWorld w;
  Browser browser;
  const std::string dom = browser.dump_dom(w.valid_url, 390, 844);
  CHECK(contains(dom, "id=\"status\">有效</div>"));
  CHECK(contains(dom, "<dd>" + w.fixture.app().school.name + "</dd>"));
  CHECK(contains(dom, "<dd>张*丰</dd>"));
  CHECK(contains(dom, "<dd>第一联　学校存</dd>"));
  CHECK(contains(dom, "<dd>2026年5月29日</dd>"));
  CHECK_FALSE(contains(dom, "张三丰"));
}

TEST_CASE("in Chromium at phone width the 有效 banner is above the fold and fits the screen", "[api][verify][browser]") {
  PageWorld w;
  Browser browser;
  const Screenshot shot = browser.screenshot(w.valid_url, 390, 844);
  REQUIRE(shot.width == 390);
  REQUIRE(shot.height == 844);
  const Box banner = box_of(shot, kValidGreen);
  REQUIRE(banner.found());
  CHECK(banner.bottom < 844 / 2);  // well within the first screen, before any details
  CHECK(banner.left >= 8);         // the page's margins, no horizontal overflow
  CHECK(banner.right <= 390 - 8);
  CHECK(banner.width() >= 390 - 2 * 24);  // spans the phone's width
  CHECK(banner.height() >= 60);           // a large word, not a line of small print
  CHECK(light_pixels_in(shot, banner) > 200);  // the word 有效 is drawn on it
}

TEST_CASE("in Chromium at desktop width the banner is a centred column above the fold", "[api][verify][browser]") {
  PageWorld w;
  Browser browser;
  const Screenshot shot = browser.screenshot(w.valid_url, 1280, 800);
  REQUIRE(shot.width == 1280);
  const Box banner = box_of(shot, kValidGreen);
  REQUIRE(banner.found());
  CHECK(banner.bottom < 800 / 2);
  CHECK(banner.width() <= 560);  // the 32rem column, not stretched across the screen
  CHECK(std::abs((banner.left + banner.right) / 2 - 640) <= 4);
  CHECK(light_pixels_in(shot, banner) > 200);
  const std::string dom = browser.dump_dom(w.valid_url, 1280, 800);
  CHECK(contains(dom, "<dd>第一联　学校存</dd>"));
}

TEST_CASE("in Chromium a malformed token shows the red 无效 banner at the top of the phone screen",
          "[api][verify][browser]") {
  PageWorld w;
  Browser browser;
  for (const std::string path : {"/V/", "/V/NOT-A-TOKEN"}) {
    INFO(path);
    const std::string url = w.fixture.base_url() + path;
    const std::string dom = browser.dump_dom(url, 390, 844);
    CHECK(contains(dom, "id=\"status\">无效</div>"));
    CHECK_FALSE(contains(dom, "张*丰"));
    CHECK_FALSE(contains(dom, "\"status\":"));  // a page, not JSON text
    const Screenshot shot = browser.screenshot(url, 390, 844);
    const Box banner = box_of(shot, kInvalidRed);
    REQUIRE(banner.found());
    CHECK(banner.bottom < 844 / 2);
    CHECK(light_pixels_in(shot, banner) > 200);
  }
}
