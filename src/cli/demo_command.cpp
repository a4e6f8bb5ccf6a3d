// `sanfang demo`: a fresh data folder with sample colleges, students, employers, accounts for
// every role and agreements in every state (SPEC "Running it"), then serves it. Everything is
// created through the workflow rules and the store — the same path the HTTP API takes — so the
// audit log and the serials are real. DIR/demo-accounts.json lists who can log in as what.
#include "api/documents.h"
#include "cli/commands.h"
#include "cli/sample_data.h"
#include "core/atomic_file.h"
#include "core/validate.h"
#include "workflow/agreement_rules.h"
#include "workflow/source_info_rules.h"

#include <cairo.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>

namespace sanfang::cli {

namespace {

using workflow::Actor;
using workflow::Agreement;
using workflow::AgreementState;
using workflow::Role;
using nlohmann::json;

constexpr const char* kAccountsFile = "demo-accounts.json";

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// A small real PNG standing in for a scanned letter (解约函, 接收函).
Result<std::string> scanned_letter() {
  std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)> surface(
      cairo_image_surface_create(CAIRO_FORMAT_RGB24, 120, 160), &cairo_surface_destroy);
  std::string png;
  if (cairo_surface_write_to_png_stream(surface.get(), append_bytes, &png) != CAIRO_STATUS_SUCCESS)
    return Error::make(ErrorKind::Render, "cannot encode the sample letter");
  return png;
}

struct DemoStudent {
  const char* student_no;
  const char* name;
  const char* gender;
  const char* id_base;  // 17 digits; the 17th is odd for men, even for women (GB 11643)
  const char* college;
  const char* major;
  const char* situation;  // what the demo leaves this student in
};

// One student per situation, so every state of the lifecycle can be looked at.
constexpr DemoStudent kStudents[] = {
    {"2022010101", "张伟", "男", "62010220030501003", "CS", "计算机科学与技术", "invited"},
    {"2022010102", "王芳", "女", "62010220031112002", "CS", "软件工程", "signed"},
    {"2022010103", "李娜", "女", "62010220040203004", "CS", "网络工程", "unverified"},
    {"2022010104", "刘洋", "男", "62010220030715005", "CS", "计算机科学与技术", "draft"},
    {"2022010105", "陈静", "女", "62010220030918006", "CS", "软件工程", "returned"},
    {"2022010106", "杨帆", "男", "62010220031020007", "CS", "物联网工程", "in_review"},
    {"2022020101", "赵磊", "男", "62010220030321009", "ME", "机械设计制造及其自动化", "rejected"},
    {"2022020102", "黄丽", "女", "62010220030427008", "ME", "车辆工程", "expired"},
    {"2022020103", "周杰", "男", "62010220030610001", "ME", "机械电子工程", "withdrawn"},
    {"2022020104", "吴敏", "女", "62010220030808002", "ME", "工业设计", "termination_requested"},
    {"2022020105", "欧阳娜娜", "女", "62010220030909004", "ME", "车辆工程", "terminated"},
};

class DemoSeeder {
 public:
  explicit DemoSeeder(api::App& app) : m_app(app), m_now(app.clock->now()) {}

  Status seed_units() {
    TRY(m_app.store->put_college({"CS", "计算机与通信学院"}));
    TRY(m_app.store->put_college({"ME", "机电工程学院"}));
    workflow::Employer silk;
    silk.name = "甘肃丝路数字科技有限公司";
    silk.uscc = "91620100MA74X2B3KD";
    silk.vetted = true;
    silk.profile = {{"nature", "39"}, {"industry", "34"}, {"location", "甘肃省兰州市"},
                    {"address", "甘肃省兰州市安宁区北滨河西路 88 号"}, {"postcode", "730070"},
                    {"contact", "李经理"}, {"phone", "0931-8812345"}};
    m_employer = TRY(m_app.store->insert_employer(silk));
    workflow::Employer shenzhen;
    shenzhen.name = "深圳市南山智造有限公司";
    shenzhen.uscc = "91440300708461136T";
    shenzhen.vetted = true;
    shenzhen.profile = {{"nature", "39"}, {"industry", "34"}, {"location", "广东省深圳市"}, {"postcode", "518000"}};
    TRY(m_app.store->insert_employer(shenzhen));
    workflow::Employer unvetted;  // registered, waiting for the school to vet it: cannot invite yet
    unvetted.name = "福州闽江软件有限公司";
    unvetted.uscc = "91350100M000100Y43";
    unvetted.profile = {{"nature", "39"}, {"location", "福建省福州市"}};
    TRY(m_app.store->insert_employer(unvetted));
    return {};
  }

  Status seed_student(const DemoStudent& s) {
    const workflow::Student student{s.student_no, s.name, resident_id(s.id_base), s.gender, s.college, s.major, "本科", 2026};
    TRY(m_app.store->put_student(student));
    TRY(submit_sample_source_info(*m_app.store, student, s.id_base, m_now));
    if (std::string(s.situation) == "unverified") return {};  // submitted, waiting for the college
    TRY(approve_source_info(*m_app.store, student, m_now));
    return {};
  }

  // Brings the student's agreement to its situation through the lifecycle's transitions.
  Result<std::optional<Agreement>> seed_agreement(const DemoStudent& s) {
    const std::string situation = s.situation;
    if (situation == "unverified") return std::optional<Agreement>();
    const Actor student{Role::Student, 0, s.student_no, 0, ""};
    // The expired invitation was sent 15 days ago (SPEC: it expires 14 days after it was sent).
    const auto sent_at = situation == "expired" ? m_now - std::chrono::days{15} : m_now;
    Agreement a = TRY(m_app.store->insert_agreement(TRY(workflow::create_invitation(
        employer_actor(), TRY(parties(s.student_no, 0)), sample_agreement_content(), sent_at))));
    if (situation == "draft") return std::optional<Agreement>(a);
    a = TRY(apply(workflow::send_invitation(a, employer_actor(), TRY(parties(s.student_no, a.id)), sent_at), a));
    if (situation == "invited") return std::optional<Agreement>(a);
    if (situation == "expired") return std::optional<Agreement>(TRY(apply(workflow::expire_invitation(a, m_app.workflow, m_now), a)));
    if (situation == "withdrawn") return std::optional<Agreement>(TRY(apply(workflow::withdraw(a, employer_actor(), m_now), a)));
    if (situation == "returned")
      return std::optional<Agreement>(
          TRY(apply(workflow::return_invitation(a, student, "薪酬与面谈约定不一致，请修改后重新发送", m_app.workflow, m_now), a)));
    a = TRY(apply(workflow::accept_invitation(a, student, TRY(parties(s.student_no, a.id)), m_app.workflow, m_now), a));
    if (situation == "in_review") return std::optional<Agreement>(a);
    if (situation == "rejected")
      return std::optional<Agreement>(TRY(apply(
          workflow::review_agreement(a, reviewer(s.college), workflow::ReviewDecision::Reject, "档案接收地址不完整", m_now), a)));
    a = TRY(apply(workflow::review_agreement(a, reviewer(s.college), workflow::ReviewDecision::Approve, "", m_now), a));
    // The last approval signs and stores the PDF in one decision, as over HTTP.
    a = TRY(api::sign_agreement(m_app, TRY(workflow::review_agreement(a, school(), workflow::ReviewDecision::Approve, "", m_now)),
                                a.version));
    if (situation == "signed") return std::optional<Agreement>(a);

    const std::string letter = TRY(scanned_letter());
    std::vector<workflow::Attachment> material{
        TRY(m_app.store->store_attachment(letter, workflow::AttachmentPurpose::ReleaseLetter)),
        TRY(m_app.store->store_attachment(letter, workflow::AttachmentPurpose::AcceptanceLetter))};
    a = TRY(apply(workflow::request_termination(a, student, TRY(parties(s.student_no, a.id)), "已考取硕士研究生，与单位协商一致解约",
                                                material, m_app.workflow, m_now),
                  a));
    if (situation == "termination_requested") return std::optional<Agreement>(a);
    for (const Actor& level : {reviewer(s.college), school()}) {
      const auto pending = TRY(m_app.store->pending_termination(a.id));
      a = TRY(apply(workflow::review_termination(a, pending, level, workflow::ReviewDecision::Approve, "", m_now), a));
    }
    return std::optional<Agreement>(a);
  }

  Result<json> account(Role role, const std::string& username, const std::string& password,
                       const std::string& scope = {}) {
    store::NewAccount account;
    account.username = username;
    account.password = password;
    account.role = role;
    if (role == Role::Student) account.student_no = scope;
    if (role == Role::College) account.college_code = scope;
    if (role == Role::Employer) account.employer_id = m_employer.id;
    const auto created = TRY(m_app.store->create_account(account, m_now));
    json entry = {{"role", workflow::to_string(role)}, {"username", username}};
    // Portal and print room are other systems: they authenticate with API keys.
    if (role == Role::Portal || role == Role::Print)
      entry["api_key"] = TRY(m_app.store->create_api_key(created.id, m_now));
    else
      entry["password"] = password;
    return entry;
  }

 private:
  static Actor reviewer(const std::string& college) { return {Role::College, 0, "", 0, college}; }
  static Actor school() { return {Role::School, 0, "", 0, ""}; }
  Actor employer_actor() const { return {Role::Employer, 0, "", m_employer.id, ""}; }

  Result<workflow::Parties> parties(const std::string& student_no, std::int64_t agreement_id) {
    return m_app.store->parties_for(student_no, m_employer.id, agreement_id);
  }

  Result<Agreement> apply(Result<workflow::AgreementChange> change, const Agreement& before) {
    return m_app.store->apply_agreement_change(TRY(std::move(change)), before.version);
  }

  api::App& m_app;
  workflow::Timestamp m_now;
  workflow::Employer m_employer;
};

struct DemoResult {
  json accounts = json::array();
  std::optional<Agreement> signed_agreement;
};

Result<DemoResult> seed(api::App& app) {
  DemoSeeder seeder(app);
  TRY(seeder.seed_units());
  DemoResult result;
  for (const DemoStudent& s : kStudents) {
    TRY(seeder.seed_student(s));
    const auto agreement = TRY(seeder.seed_agreement(s));
    if (std::string(s.situation) == "signed") result.signed_agreement = agreement;
    json entry = TRY(seeder.account(Role::Student, s.student_no, std::string("demo-") + s.student_no, s.student_no));
    entry["student_no"] = s.student_no;
    entry["situation"] = s.situation;
    result.accounts.push_back(entry);
  }
  result.accounts.push_back(TRY(seeder.account(Role::Employer, "hr-silk", "demo-employer")));
  result.accounts.push_back(TRY(seeder.account(Role::College, "college-cs", "demo-college", "CS")));
  result.accounts.push_back(TRY(seeder.account(Role::College, "college-me", "demo-college", "ME")));
  result.accounts.push_back(TRY(seeder.account(Role::School, "school", "demo-school")));
  result.accounts.push_back(TRY(seeder.account(Role::Print, "print-room", "demo-print")));
  result.accounts.push_back(TRY(seeder.account(Role::Portal, "portal", "demo-portal")));
  return result;
}

Status write_accounts(const std::filesystem::path& dir, const json& accounts) {
  auto file = TRY(core::AtomicFile::create(dir / kAccountsFile));
  if (!file.write(json{{"accounts", accounts}}.dump(2) + "\n"))
    return Error::make(ErrorKind::Io, "cannot write " + (dir / kAccountsFile).string());
  return file.commit();
}

// Where to look: a student login, the signed PDF and one copy's QR verification page.
Status print_guide(api::Service& service, const DemoResult& result, bool serving) {
  api::App& app = service.app();
  std::printf("sanfang demo: data in %s (accounts in %s)\n", app.config.data_dir.c_str(),
              (app.config.data_dir / kAccountsFile).c_str());
  if (serving) std::printf("  service:       %s\n", service.base_url().c_str());
  std::printf("  student login: POST /api/v1/auth/login {\"username\": \"2022010101\", \"password\": \"demo-2022010101\"}"
              " (an invitation is waiting)\n");
  if (result.signed_agreement) {
    const Agreement& a = *result.signed_agreement;
    const auto document = TRY(api::signed_document(app, a));
    const auto hash = TRY(api::hex_decode_hash(document.content_hash));
    std::printf("  signed PDF:    GET /api/v1/agreements/%lld/pdf (student 2022010102, password demo-2022010102)\n",
                static_cast<long long>(a.id));
    std::printf("  QR page:       %s\n",
                core::verification_url(app.config.public_base, core::make_verification_token(app.key, *a.serial, 1, hash))
                    .c_str());
  }
  std::fflush(stdout);
  return {};
}

}  // namespace

int demo_command(const std::vector<std::string>& raw_args) {
  auto args = parse_args(raw_args, {"--data", "--listen", "--config", "--public-base"}, {"--no-serve"});
  if (!args || !args->positional.empty()) {
    std::fprintf(stderr, "usage: sanfang demo [--data DIR] [--no-serve] [--listen HOST:PORT] [--config FILE]\n");
    return 2;
  }
  if (!args->has("--data")) args->values["--data"] = "demo-data";
  const bool serve = !args->has("--no-serve");
  auto options = service_options(*args);
  if (!options) {
    std::fprintf(stderr, "sanfang demo: %s\n", options.error().describe().c_str());
    return 2;
  }
  // The QR codes in the signed PDFs point where the demo will be served, even when this run only
  // seeds (on any free port, closed again at the end).
  if (options->public_base.empty())
    options->public_base = "http://" + options->host + ":" + std::to_string(options->port);
  if (!serve) options->port = 0;
  if (auto prepared = prepare_sample_folder(options->data_dir, kAccountsFile, "demo"); !prepared) {
    std::fprintf(stderr, "sanfang demo: %s\n", prepared.error().describe().c_str());
    return 1;
  }
  block_termination_signals();
  auto service = api::Service::start(*options);
  if (!service) {
    std::fprintf(stderr, "sanfang demo: %s\n", service.error().describe().c_str());
    return 1;
  }
  auto result = seed((*service)->app());
  Status written = result ? write_accounts(options->data_dir, result->accounts) : Status(result.error());
  if (written) written = print_guide(**service, *result, serve);
  if (!written) {
    std::fprintf(stderr, "sanfang demo: %s\n", written.error().describe().c_str());
    return 1;
  }
  if (!serve) return 0;
  return run_until_signalled(**service);
}

}  // namespace sanfang::cli
