#include "app_fixture.h"
#include "../support/sample_employer.h"

#include "api/png_image.h"
#include "api/upload_check.h"
#include "app/agreements.h"
#include "app/source_info.h"
#include "core/validate.h"
#include "render/fonts.h"
#include "render/layout_spec.h"

#include <cairo.h>

#include <cstdlib>
#include <system_error>

namespace sanfang::apptest {

namespace {

constexpr const char* kIdBase = "62010220030501003";  // born 2003-05-01

}  // namespace

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "sanfang-app-XXXXXX").string();
  REQUIRE(::mkdtemp(pattern.data()) != nullptr);
  m_path = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(m_path, ec);
}

AppWorld::AppWorld() : m_clock(workflow::from_unix_seconds(1'780'000'000)) {
  const std::filesystem::path source = SANFANG_SOURCE_DIR;
  store::SqliteStoreOptions options;
  options.data_dir = m_dir.path() / "data";
  options.school_code = "10731";
  m_store = ok(store::SqliteStore::open(options));
  m_codes = ok(core::CodeLists::load(source / "layouts" / "codes"));
  auto fonts = ok(render::FontSet::load(source / "fonts"));
  auto layout = std::make_shared<const render::LayoutSpec>(ok(render::load_layout(source / "layouts" / "default.json")));
  for (const auto& copy : layout->copies) m_copy_numbers.push_back(copy.number);
  m_renders = ok(jobs::RenderPool::create(fonts, layout, {}, {1}));
  m_print_check = std::make_unique<jobs::RendererPrintCheck>(*m_renders);
  m_context = std::make_unique<app::Context>(app::Context{*m_store, m_clock, m_workflow, m_codes, *m_print_check});
  m_context->make_signed_document = [this](const workflow::Agreement& agreement) -> Status {
    if (document_failure) return *document_failure;
    documents_made.push_back(agreement);
    return {};
  };
  m_context->check_upload = [this](std::string_view bytes, const std::optional<std::string>& declared_type) {
    return api::check_upload(*m_renders, bytes, declared_type);
  };
  m_context->copy_numbers = m_copy_numbers;

  ok(m_store->put_college({"CS", "计算机与通信学院"}));
  ok(m_store->put_college({"ME", "机电工程学院"}));
  const workflow::Employer unit = testing::sample_vetted_employer();
  employer_id = ok(m_store->insert_employer(unit)).id;
}

void AppWorld::add_student(const std::string& student_no, const std::string& college) {
  const std::string id_number = std::string(kIdBase) + core::iso7064_mod11_2(kIdBase);
  ok(m_store->put_student({student_no, "王芳", id_number, "女", college, "软件工程", "本科", 2026}));
}

void AppWorld::add_verified_student(const std::string& student_no, const std::string& college) {
  add_student(student_no, college);
  const auto current = ok(app::source_info(context(), student(student_no), student_no));
  const auto saved =
      ok(app::save_source_info(context(), student(student_no), student_no, sample_sections(student_no), current.info.version));
  ok(app::submit_source_info(context(), student(student_no), student_no, saved.info.version));
  const auto verified = ok(app::review_source_info(context(), AppWorld::college(college), student_no,
                                                   workflow::ReviewDecision::Approve, ""));
  REQUIRE(verified.info.state == workflow::SourceInfoState::Verified);
}

workflow::Agreement AppWorld::invite(const std::string& student_no) {
  const auto draft = ok(app::create_agreement(context(), employer(), {student_no, std::nullopt, sample_content()}));
  return ok(app::send_invitation(context(), employer(), draft.id));
}

workflow::Agreement AppWorld::sign(const std::string& student_no) {
  const workflow::Agreement invited = invite(student_no);
  const std::int64_t id = invited.id;
  ok(app::accept_invitation(context(), student(student_no), id, invited.version));
  const auto approve = workflow::ReviewDecision::Approve;
  ok(app::review_agreement(context(), college(), id, approve, ""));
  return ok(app::review_agreement(context(), school(), id, approve, ""));
}

nlohmann::json sample_content() {
  return {{"job", {{"position", "软件开发工程师"}, {"location", "兰州市"}, {"salary", "月薪 8000 元"}}},
          {"archive", {{"unit", "甘肃省人才交流中心"}, {"address", "甘肃省兰州市城关区南昌路 1688 号"}, {"postcode", "730030"}}},
          {"remarks", "无"}};
}

workflow::SourceSections sample_sections(const std::string& student_no) {
  workflow::SourceSections sections;
  sections.basic = {{"ethnicity", "01"}, {"political_status", "03"}, {"birth_date", "2003-05-01"}};
  sections.contact = {{"mobile", "13912345678"}, {"email", student_no + "@stu.example.edu.cn"},
                      {"home_address", "甘肃省兰州市城关区东岗西路100号"}};
  sections.enrolment = {{"education_level", "21"}, {"length_of_schooling", "四年"}, {"training_mode", "1"}};
  sections.archive = {{"origin_region", "620100"}};
  return sections;
}

std::string png_bytes() {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, 120, 160), &cairo_surface_destroy);
  return ok(api::encode_png(surface.get()));
}

}  // namespace sanfang::apptest
