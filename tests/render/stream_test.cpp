// PdfStream as print-room batch jobs use it: files without links, several streams open on one
// renderer, a subset of the copies, separator sheets between colleges.
#include "pdf_probe.h"

#include "render/renderer.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace sanfang;
using sanfang::testing::contains;
using sanfang::testing::PdfProbe;
using sanfang::testing::RenderFixture;

namespace {

// A stream whose bytes are appended to `out`.
std::unique_ptr<render::PdfStream> begin(render::Renderer& renderer, std::string& out,
                                         render::StreamOptions options = {}) {
  auto stream = renderer.begin(
      [&out](std::string_view bytes) {
        out.append(bytes);
        return true;
      },
      std::move(options));
  if (!stream) FAIL(stream.error().describe());
  return std::move(*stream);
}

// `documents` written alone into one stream of a fresh renderer.
std::string alone(const std::vector<render::AgreementDocument>& documents) {
  auto renderer = RenderFixture::get().renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf);
  for (const auto& doc : documents) REQUIRE(stream->add(doc));
  REQUIRE(stream->finish());
  return pdf;
}

// typical.json with other remarks: the samples all share the values of the remarks panel (4).
render::AgreementDocument other_remarks() {
  const auto& f = RenderFixture::get();
  auto input = nlohmann::json::parse(f.sample_text("typical"));
  input["remarks"] = "服务期三年，自报到之日起计算。";
  auto doc = render::make_document(input, *f.codes);
  if (!doc) FAIL(doc.error().describe());
  return std::move(*doc);
}

void check_qpdf_accepts(const std::string& pdf) {
  const auto check = testing::qpdf_check(pdf);
  INFO(check.output);
  CHECK(check.exit_status == 0);
}

}  // namespace

TEST_CASE("a stream without links has no link annotations or structure tree, passes qpdf, and its QR codes scan",
          "[renderer][stream][links]") {
  const auto& f = RenderFixture::get();
  auto doc = f.sample("typical");
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf, {.links = false});
  REQUIRE(stream->add(doc));
  REQUIRE(stream->finish());
  CHECK_FALSE(contains(pdf, "/Annots"));
  CHECK_FALSE(contains(pdf, "/URI"));
  CHECK_FALSE(contains(pdf, "/StructTreeRoot"));
  check_qpdf_accepts(pdf);
  PdfProbe probe(pdf);
  REQUIRE(probe.pages() == 6);
  for (int copy = 1; copy <= 3; ++copy) {
    INFO("copy " << copy);
    CHECK(probe.decode_qr(2 * copy - 1) == std::vector<std::string>(2, f.expected_url(doc, copy)));
  }
}

TEST_CASE("a stream with links has the QR links and a structure tree and passes qpdf", "[renderer][stream][links]") {
  const auto& f = RenderFixture::get();
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf);
  REQUIRE(stream->add(f.sample("typical")));
  REQUIRE(stream->finish());
  CHECK(contains(pdf, "/Annots"));
  CHECK(contains(pdf, "/StructTreeRoot"));
  check_qpdf_accepts(pdf);
}

TEST_CASE("the stream's title suffix is appended to the layout's title", "[renderer][stream]") {
  const auto& f = RenderFixture::get();
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf, {.title_suffix = "打印任务 42", .links = false});
  REQUIRE(stream->add(f.sample("typical")));
  REQUIRE(stream->finish());
  CHECK(PdfProbe(pdf).info("Title") == "全国普通高等学校毕业生就业协议书 打印任务 42");
}

TEST_CASE("streams open at once on one renderer, their adds interleaved with a render, each write what they write alone",
          "[renderer][stream][concurrent]") {
  const auto& f = RenderFixture::get();
  // A's two agreements share the values of the remarks panel, so alone A paints one recording of
  // them twice; B's first agreement has other remarks, composed in between while A is open.
  const std::vector<render::AgreementDocument> a_docs{f.sample("typical"), f.sample("minority-name")};
  const std::vector<render::AgreementDocument> b_docs{other_remarks(), f.sample("rare-character")};
  const std::vector<render::AgreementDocument> single{f.sample("long-employer-name")};

  auto renderer = f.renderer();
  std::string a_pdf, b_pdf;
  auto a = begin(*renderer, a_pdf);
  auto b = begin(*renderer, b_pdf);
  REQUIRE(a->add(a_docs[0]));
  REQUIRE(b->add(b_docs[0]));
  auto interactive = renderer->render_to_string(single);
  REQUIRE(interactive);
  REQUIRE(a->add(a_docs[1]));
  REQUIRE(b->add(b_docs[1]));
  REQUIRE(b->finish());
  REQUIRE(a->finish());

  CHECK(a_pdf == alone(a_docs));
  CHECK(b_pdf == alone(b_docs));
  CHECK(*interactive == f.render(single));
  PdfProbe a_probe(a_pdf), b_probe(b_pdf);
  REQUIRE(a_probe.pages() == 12);
  REQUIRE(b_probe.pages() == 12);
  CHECK(contains(a_probe.half_text(7, true), "阿依古丽·买买提"));
  CHECK(contains(a_probe.half_text(7, false), "违约金"));
  CHECK(contains(b_probe.half_text(1, false), "服务期三年"));
  CHECK_FALSE(contains(b_probe.half_text(1, false), "违约金"));
  CHECK(a_probe.decode_qr(7) == std::vector<std::string>(2, f.expected_url(a_docs[1], 1)));
}

TEST_CASE("a copy subset draws only the copies named: copy 2 alone is two pages with only its label",
          "[renderer][stream][copies]") {
  const auto& f = RenderFixture::get();
  auto doc = f.sample("typical");
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf);
  const int copies[] = {2};
  REQUIRE(stream->add(doc, {}, copies));
  CHECK(stream->pages() == 2);
  REQUIRE(stream->finish());
  PdfProbe probe(pdf);
  REQUIRE(probe.pages() == 2);
  for (int page = 1; page <= 2; ++page) {
    INFO("page " << page);
    CHECK(contains(probe.label(page), "第二联"));
    for (bool right : {false, true}) {
      const std::string text = probe.half_text(page, right);
      CHECK(contains(text, "第二联用人单位存"));
      CHECK_FALSE(contains(text, "第一联"));
      CHECK_FALSE(contains(text, "第三联"));
    }
  }
  CHECK(probe.decode_qr(1) == std::vector<std::string>(2, f.expected_url(doc, 2)));
  CHECK(probe.info("Subject") == "1073120260001233");
}

TEST_CASE("a copy subset is drawn in the layout's order, reprint marks only on copies printed before",
          "[renderer][stream][copies][reprint]") {
  const auto& f = RenderFixture::get();
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf);
  const int reprints[] = {0, 5, 2};  // by copy index: copy 2, printed 5 times before, is not drawn
  const int copies[] = {3, 1};
  REQUIRE(stream->add(f.sample("typical"), reprints, copies));
  REQUIRE(stream->finish());
  PdfProbe probe(pdf);
  REQUIRE(probe.pages() == 4);
  CHECK(contains(probe.half_text(1, true), "第一联学校存"));
  CHECK_FALSE(contains(probe.half_text(1, true), "补打"));
  CHECK(contains(probe.half_text(3, true), "第三联毕业生存"));
  CHECK(contains(probe.half_text(3, true), "补打（第2次）"));
  for (int page = 1; page <= 4; ++page) {
    CHECK_FALSE(contains(probe.text(page), "第5次"));
    CHECK_FALSE(contains(probe.text(page), "第二联"));
  }
}

TEST_CASE("an unknown or repeated copy number fails naming copies, draws nothing, and the stream stays usable",
          "[renderer][stream][copies]") {
  const auto& f = RenderFixture::get();
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf);
  REQUIRE(stream->add(f.sample("typical")));
  const std::vector<std::vector<int>> bad{{4}, {0}, {2, 2}, {1, 3, 1}};
  for (const auto& copies : bad) {
    auto status = stream->add(f.sample("minority-name"), {}, copies);
    REQUIRE_FALSE(status);
    CHECK(status.error().kind == ErrorKind::InvalidInput);
    CHECK(status.error().field == "copies");
    CHECK(stream->pages() == 6);
  }
  const int copies[] = {1};
  REQUIRE(stream->add(f.sample("minority-name"), {}, copies));
  REQUIRE(stream->finish());
  PdfProbe probe(pdf);
  CHECK(probe.pages() == 8);
  CHECK(contains(probe.half_text(7, true), "阿依古丽·买买提"));
  CHECK(probe.info("Subject") == "2 份协议 1073120260001233–1073120260001241");
}

TEST_CASE("separator sheets between agreements are two pages each: heading and lines on the front, the back blank",
          "[renderer][stream][separator]") {
  const auto& f = RenderFixture::get();
  auto typical = f.sample("typical");
  auto minority = f.sample("minority-name");
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf, {.links = false});
  REQUIRE(stream->add_separator({"计算机与通信学院", {"共 1 份协议", "计算机科学与技术 1 份", "打印任务 42"}}));
  REQUIRE(stream->add(typical));
  REQUIRE(stream->add_separator({"机电工程学院", {"共 1 份协议"}}));
  REQUIRE(stream->add(minority));
  CHECK(stream->pages() == 16);
  REQUIRE(stream->finish());

  PdfProbe probe(pdf);
  REQUIRE(probe.pages() == 16);
  CHECK(probe.text(1) == "计算机与通信学院共1份协议计算机科学与技术1份打印任务42");
  CHECK(probe.text(9) == "机电工程学院共1份协议");
  for (int page : {1, 2, 9, 10}) CHECK(probe.label(page) == "分隔页");
  CHECK_FALSE(probe.blank(1));
  CHECK(probe.blank(2));
  CHECK(probe.blank(10));
  CHECK(probe.page_size(1).width == Approx(1190.55).margin(0.01));
  CHECK(probe.page_size(2).height == Approx(841.89).margin(0.01));
  CHECK(contains(probe.half_text(3, true), "张三"));
  CHECK(probe.decode_qr(3) == std::vector<std::string>(2, f.expected_url(typical, 1)));
  CHECK(contains(probe.half_text(11, true), "阿依古丽·买买提"));
  CHECK(probe.decode_qr(11) == std::vector<std::string>(2, f.expected_url(minority, 1)));
  CHECK(probe.info("Subject") == "2 份协议 1073120260001233–1073120260001241");
  check_qpdf_accepts(pdf);
}

TEST_CASE("separator lines beyond the page stop at the last that fits, followed by ……", "[renderer][stream][separator]") {
  const auto& f = RenderFixture::get();
  render::SeparatorSheet sheet{"计算机与通信学院", {}};
  for (int n = 1; n <= 60; ++n) sheet.lines.push_back("第 " + std::to_string(n) + " 行");
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf);
  REQUIRE(stream->add_separator(sheet));
  REQUIRE(stream->finish());

  PdfProbe probe(pdf);
  REQUIRE(probe.pages() == 2);
  const std::string text = probe.text(1);
  int shown = 0;
  while (contains(text, "第" + std::to_string(shown + 1) + "行")) ++shown;
  CHECK(shown >= 18);  // room for a college's counts, serial range, job and 15 majors
  CHECK(shown < 60);
  std::string expected = "计算机与通信学院";
  for (int n = 1; n <= shown; ++n) expected += "第" + std::to_string(n) + "行";
  CHECK(text == expected + "……");
}

TEST_CASE("separator lines that fit are all shown, without ……", "[renderer][stream][separator]") {
  const auto& f = RenderFixture::get();
  render::SeparatorSheet sheet{"计算机与通信学院", {}};
  std::string expected = sheet.heading;
  for (int n = 1; n <= 15; ++n) {
    sheet.lines.push_back("第 " + std::to_string(n) + " 行");
    expected += "第" + std::to_string(n) + "行";
  }
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf);
  REQUIRE(stream->add_separator(sheet));
  REQUIRE(stream->finish());
  CHECK(PdfProbe(pdf).text(1) == expected);
}

TEST_CASE("a separator with a character no font has fails naming separator and the code point, drawing nothing",
          "[renderer][stream][separator]") {
  const auto& f = RenderFixture::get();
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf);
  auto status = stream->add_separator({"计算机与通信学院", {"共 1 份协议", "张\U00031350"}});
  REQUIRE_FALSE(status);
  CHECK(status.error().kind == ErrorKind::FontCoverage);
  CHECK(status.error().field == "separator");
  CHECK(contains(status.error().message, "U+31350"));
  CHECK(stream->pages() == 0);
  REQUIRE(stream->add(f.sample("typical")));
  REQUIRE(stream->finish());
  CHECK(PdfProbe(pdf).pages() == 6);
}

TEST_CASE("a separator heading too long for the top of the page fails naming separator, drawing nothing",
          "[renderer][stream][separator]") {
  const auto& f = RenderFixture::get();
  std::string heading;
  for (int i = 0; i < 40; ++i) heading += "计算机与通信学院";
  auto renderer = f.renderer();
  std::string pdf;
  auto stream = begin(*renderer, pdf);
  auto status = stream->add_separator({heading, {"共 1 份协议"}});
  REQUIRE_FALSE(status);
  CHECK(status.error().kind == ErrorKind::Overflow);
  CHECK(status.error().field == "separator");
  CHECK(stream->pages() == 0);
}
