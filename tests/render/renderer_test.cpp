#include "pdf_probe.h"

#include "core/verification_token.h"
#include "render/renderer.h"

#include <catch2/catch.hpp>

#include <thread>

using namespace sanfang;
using sanfang::testing::contains;
using sanfang::testing::PdfProbe;
using sanfang::testing::RenderFixture;

TEST_CASE("an agreement is six A3 landscape pages: two faces per copy, three copies", "[renderer]") {
  const auto& f = RenderFixture::get();
  PdfProbe pdf(f.render({f.sample("typical")}));
  REQUIRE(pdf.valid());
  REQUIRE(pdf.pages() == 6);
  for (int page = 1; page <= 6; ++page) {
    CHECK(pdf.page_size(page).width == Approx(1190.55).margin(0.01));
    CHECK(pdf.page_size(page).height == Approx(841.89).margin(0.01));
  }
}

TEST_CASE("the outside face holds panels 4 and 1 and the inside face panels 2 and 3", "[renderer]") {
  const auto& f = RenderFixture::get();
  PdfProbe pdf(f.render({f.sample("typical")}));
  for (int copy = 0; copy < 3; ++copy) {
    const int outside = 2 * copy + 1, inside = outside + 1;
    CHECK(contains(pdf.half_text(outside, false), "备注（其他约定事项）"));
    CHECK(contains(pdf.half_text(outside, true), "全国普通高等学校毕业生就业协议书"));
    CHECK(contains(pdf.half_text(inside, false), "协议条款"));
    CHECK(contains(pdf.half_text(inside, true), "协议三方基本情况"));
  }
}

TEST_CASE("every half of every page shows the serial and its own copy's label", "[renderer]") {
  const auto& f = RenderFixture::get();
  PdfProbe pdf(f.render({f.sample("typical")}));
  const char* labels[] = {"第一联学校存", "第二联用人单位存", "第三联毕业生存"};
  for (int page = 1; page <= 6; ++page) {
    const std::string own = labels[(page - 1) / 2];
    for (bool right : {false, true}) {
      INFO("page " << page << (right ? " right" : " left"));
      const std::string text = pdf.half_text(page, right);
      CHECK(contains(text, "1073120260001233"));
      CHECK(contains(text, own));
      for (const char* other : labels) {
        if (other != own) CHECK_FALSE(contains(text, other));
      }
    }
  }
}

TEST_CASE("every field value of the agreement appears on the table panel", "[renderer]") {
  const auto& f = RenderFixture::get();
  auto doc = f.sample("typical");
  PdfProbe pdf(f.render({doc}));
  const std::string table = pdf.half_text(2, true);
  for (const auto& [path, value] : doc.values) {
    if (path == "remarks" || path == "serial" || path == "signed_date" || path == "student.opinion" ||
        path == "employer.opinion" || path == "school.code") {
      continue;  // printed on other panels, checked below
    }
    INFO(path << " = " << value);
    CHECK(contains(table, testing::strip_whitespace(value)));
  }
  const std::string remarks_panel = pdf.half_text(1, false);
  CHECK(contains(remarks_panel, testing::strip_whitespace(std::string(doc.value("remarks")).substr(0, 60))));
  CHECK(contains(remarks_panel, "同意录用"));
  CHECK(contains(remarks_panel, "2026年5月20日"));
  const std::string cover = pdf.half_text(1, true);
  for (const char* path : {"student.name", "school.name", "student.major", "employer.name"}) {
    CHECK(contains(cover, testing::strip_whitespace(std::string(doc.value(path)))));
  }
}

TEST_CASE("coded values print as their labels from the code lists", "[renderer]") {
  const auto& f = RenderFixture::get();
  PdfProbe pdf(f.render({f.sample("typical")}));
  const std::string table = pdf.half_text(2, true);
  CHECK(contains(table, "汉族"));
  CHECK(contains(table, "共青团员"));
  CHECK(contains(table, "大学本科毕业"));
  CHECK(contains(table, "信息传输、软件和信息技术服务业"));
}

TEST_CASE("all fonts are embedded and the metadata names the agreement", "[renderer]") {
  const auto& f = RenderFixture::get();
  PdfProbe pdf(f.render({f.sample("typical")}));
  CHECK(pdf.all_fonts_embedded());
  CHECK(pdf.info("Title") == "全国普通高等学校毕业生就业协议书");
  CHECK(pdf.info("Subject") == "1073120260001233");
}

// 150 dpi: a phone photographing the sheet, or a cheap office scan, resolves about as much.
TEST_CASE("each copy's QR code decodes at 150 and 200 dpi to that copy's verification URL", "[renderer][qr]") {
  const auto& f = RenderFixture::get();
  auto doc = f.sample("typical");
  PdfProbe pdf(f.render({doc}));
  for (double dpi : {150.0, 200.0}) {
    for (int copy = 1; copy <= 3; ++copy) {
      auto payloads = pdf.decode_qr(2 * copy - 1, dpi);
      INFO("copy " << copy << " at " << dpi << " dpi");
      REQUIRE(payloads.size() == 2);  // cover and signature panel
      CHECK(payloads[0] == f.expected_url(doc, copy));
      CHECK(payloads[1] == f.expected_url(doc, copy));
    }
  }
  CHECK(pdf.decode_qr(2).empty());  // the inside face carries none
}

TEST_CASE("the QR payload is an upper-case URL whose token verifies against the document", "[renderer][qr]") {
  const auto& f = RenderFixture::get();
  auto doc = f.sample("typical");
  PdfProbe pdf(f.render({doc}));
  auto payloads = pdf.decode_qr(3);
  REQUIRE_FALSE(payloads.empty());
  const std::string& url = payloads[0];
  CHECK(url.rfind("HTTPS://JY.EXAMPLE.EDU.CN/V/", 0) == 0);
  auto claims = core::parse_verification_token(url.substr(url.rfind('/') + 1));
  REQUIRE(claims);
  CHECK(claims->serial == "1073120260001233");
  CHECK(claims->copy == 2);
  CHECK(core::verify_token_mac(f.key, *claims, doc.content_hash));
}

TEST_CASE("the QR code is also a clickable link in the PDF", "[renderer][qr]") {
  const auto& f = RenderFixture::get();
  auto doc = f.sample("typical");
  const std::string pdf = f.render({doc});
  CHECK(contains(pdf, "/URI (" + f.expected_url(doc, 1) + ")"));
}

TEST_CASE("an unsigned agreement renders as a preview with a watermark and no QR code", "[renderer][preview]") {
  const auto& f = RenderFixture::get();
  PdfProbe pdf(f.render({f.sample("preview-unsigned")}));
  REQUIRE(pdf.pages() == 6);
  for (int page = 1; page <= 6; ++page) {
    for (bool right : {false, true}) {
      const std::string text = pdf.half_text(page, right);
      CHECK(contains(text, "预览"));
      CHECK(contains(text, "（预览，未编号）"));
    }
    CHECK(pdf.decode_qr(page, 150).empty());
  }
  CHECK(pdf.info("Subject") == "预览");
}

TEST_CASE("a minority name with a middle dot prints as entered", "[renderer][names]") {
  const auto& f = RenderFixture::get();
  PdfProbe pdf(f.render({f.sample("minority-name")}));
  CHECK(contains(pdf.half_text(1, true), "阿依古丽·买买提"));
  CHECK(contains(pdf.half_text(2, true), "阿依古丽·买买提"));
}

TEST_CASE("a rare character outside Noto CJK prints through the HanaMin fallback", "[renderer][names]") {
  const auto& f = RenderFixture::get();
  PdfProbe pdf(f.render({f.sample("rare-character")}));
  CHECK(contains(pdf.half_text(1, true), "王\U0002A6A5"));
  bool hanamin = false;
  for (const auto& name : pdf.font_names()) hanamin |= contains(name, "HanaMin");
  CHECK(hanamin);
  CHECK(pdf.all_fonts_embedded());
}

TEST_CASE("a very long employer name is shrunk or wrapped, never clipped", "[renderer][fit]") {
  const auto& f = RenderFixture::get();
  auto doc = f.sample("long-employer-name");
  PdfProbe pdf(f.render({doc}));
  const std::string name = testing::strip_whitespace(std::string(doc.value("employer.name")));
  CHECK(contains(pdf.half_text(1, true), name));
  CHECK(contains(pdf.half_text(2, true), name));
}

TEST_CASE("two renders of the same input are byte-identical", "[renderer][determinism]") {
  const auto& f = RenderFixture::get();
  auto doc = f.sample("typical");
  const std::string first = f.render({doc});
  const std::string second = f.render({doc});
  CHECK(first.size() == second.size());
  CHECK(first == second);
  CHECK(contains(first, "/CreationDate (20260520023000Z)"));  // the signing time, not the clock
}

TEST_CASE("several agreements go into one PDF, each starting on a new sheet", "[renderer][batch]") {
  const auto& f = RenderFixture::get();
  PdfProbe pdf(f.render({f.sample("typical"), f.sample("minority-name"), f.sample("rare-character")}));
  REQUIRE(pdf.pages() == 18);
  CHECK(contains(pdf.half_text(1, true), "张三"));
  CHECK(contains(pdf.half_text(7, true), "阿依古丽·买买提"));
  CHECK(contains(pdf.half_text(13, true), "王\U0002A6A5"));
  CHECK(contains(pdf.half_text(7, false), "1073120260001241"));
  CHECK(contains(pdf.info("Subject"), "3 份协议"));
}

TEST_CASE("a copy printed again carries a 补打 mark with the count, other copies none", "[renderer][reprint]") {
  const auto& f = RenderFixture::get();
  auto renderer = f.renderer();
  std::string pdf_bytes;
  auto stream = renderer->begin([&](std::string_view b) {
    pdf_bytes.append(b);
    return true;
  });
  REQUIRE(stream);
  const int reprints[] = {0, 2, 0};
  REQUIRE((*stream)->add(f.sample("typical"), reprints));
  REQUIRE((*stream)->finish());
  PdfProbe pdf(pdf_bytes);
  CHECK_FALSE(contains(pdf.half_text(1, true), "补打"));
  CHECK(contains(pdf.half_text(3, true), "补打（第2次）"));
  CHECK_FALSE(contains(pdf.half_text(5, true), "补打"));
}

TEST_CASE("every page of a reprinted copy carries 补打 with the count in its footer, other copies none", "[renderer][reprint]") {
  const auto& f = RenderFixture::get();
  auto renderer = f.renderer();
  std::string pdf_bytes;
  auto stream = renderer->begin([&](std::string_view b) {
    pdf_bytes.append(b);
    return true;
  });
  REQUIRE(stream);
  const int reprints[] = {0, 2, 0};
  REQUIRE((*stream)->add(f.sample("typical"), reprints));
  REQUIRE((*stream)->finish());
  PdfProbe pdf(pdf_bytes);
  REQUIRE(pdf.pages() == 6);
  // Copy 2 is pages 3 and 4; each page holds two panels (outside face 4|1, inside face 2|3).
  for (int page : {3, 4}) {
    for (bool right : {false, true}) {
      INFO("page " << page << (right ? " right" : " left"));
      CHECK(contains(pdf.half_text(page, right), "补打（第2次）"));
    }
  }
  for (int page : {1, 2, 5, 6}) {
    INFO("page " << page);
    CHECK_FALSE(contains(pdf.text(page), "补打"));
  }
}

TEST_CASE("two threads rendering at once, each with its own renderer, produce correct output", "[renderer][threads]") {
  const auto& f = RenderFixture::get();
  auto doc = f.sample("typical");
  const std::string reference = f.render({doc});
  std::string outputs[2];
  std::thread workers[2];
  for (int t = 0; t < 2; ++t) {
    workers[t] = std::thread([&, t] {
      auto renderer = f.renderer();  // its own font map and context
      for (int i = 0; i < 3; ++i) {
        auto pdf = renderer->render_to_string(std::vector<render::AgreementDocument>{doc});
        outputs[t] = pdf ? *pdf : std::string();
      }
    });
  }
  for (auto& w : workers) w.join();
  CHECK(outputs[0] == reference);
  CHECK(outputs[1] == reference);
}

TEST_CASE("a sink that refuses bytes fails the render with an I/O error", "[renderer]") {
  const auto& f = RenderFixture::get();
  auto result = f.renderer()->render(std::vector<render::AgreementDocument>{f.sample("typical")},
                                     [](std::string_view) { return false; });
  REQUIRE_FALSE(result);
  CHECK(result.error().kind == ErrorKind::Io);
}

TEST_CASE("the PDF is well-formed: no image fallbacks, QR codes as image masks", "[renderer]") {
  const auto& f = RenderFixture::get();
  const std::string pdf = f.render({f.sample("typical")});
  CHECK(contains(pdf, "/ImageMask true"));
  CHECK_FALSE(contains(pdf, "/SMask"));  // no soft masks: nothing rasterised for transparency
}

// The art fills its rules (art.cpp): a strip with its width and length swapped, or an outline
// wound the wrong way, fills whole cells. Every page is ink on white paper: about 6 % of a face is
// darker than mid-grey at 36 dpi, three quarters when the cells are filled.
TEST_CASE("the table's rules frame white cells: no page is mostly ink", "[renderer]") {
  const auto& f = RenderFixture::get();
  PdfProbe probe(f.render({f.sample("typical")}));
  for (int page = 1; page <= probe.pages(); ++page) {
    INFO("page " << page);
    CHECK(probe.dark_fraction(page, 128) < 0.2);
  }
}
