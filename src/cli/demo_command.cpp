// `sanfang demo`: a fresh data folder with sample colleges, students, employers, accounts for
// every role and agreements in every state (SPEC "Running it"), then serves it. With --db
// postgresql://… the sample goes into that database (the folder keeps the secrets and the
// accounts file). Everything is created through the use cases (app/) — the same path the HTTP
// API takes — so the audit log, the uploads and the serials are real. DIR/demo-accounts.json
// lists who can log in as what.
#include "api/documents.h"
#include "api/workflow_http.h"
#include "app/agreements.h"
#include "cli/commands.h"
#include "cli/sample_data.h"
#include "core/atomic_file.h"
#include "core/validate.h"
#include "store/invitation_expiry.h"
#include "workflow/clock.h"

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
    // Imported and verified, never signed in: the first login must change the password (SPEC
    // "Accounts"), and every other call answers 403 password_change_required until then.
    {"2022020106", "孙悦", "女", "62010220031201006", "ME", "工业设计", "first_login"},
};

constexpr const char* kFirstLogin = "first_login";

// The same context at another time: the expired invitation's history happened 15 days ago.
app::Context at_time(const app::Context& context, const workflow::Clock& clock) {
  return {context.store,        clock,          context.workflow, context.codes, context.print_check,
          context.make_signed_document, context.check_upload, context.copy_numbers, context.prints};
}

class DemoSeeder {
 public:
  explicit DemoSeeder(api::App& app) : m_context(api::use_cases(app)), m_now(m_context.now()) {}

  Status seed_units() {
    TRY(m_context.store.put_college({"CS", "计算机与通信学院"}));
    TRY(m_context.store.put_college({"ME", "机电工程学院"}));
    workflow::Employer silk;
    silk.name = "甘肃丝路数字科技有限公司";
    silk.uscc = "91620100MA74X2B3KD";
    silk.vetted = true;
    silk.profile = {{"nature", "39"}, {"industry", "34"}, {"location", "甘肃省兰州市"},
                    {"address", "甘肃省兰州市安宁区北滨河西路 88 号"}, {"postcode", "730070"},
                    {"contact", "李经理"}, {"phone", "0931-8812345"}};
    m_employer = TRY(m_context.store.insert_employer(silk));
    workflow::Employer shenzhen;
    shenzhen.name = "深圳市南山智造有限公司";
    shenzhen.uscc = "91440300708461136T";
    shenzhen.vetted = true;
    shenzhen.profile = {{"nature", "39"}, {"industry", "34"}, {"location", "广东省深圳市"}, {"postcode", "518000"}};
    TRY(m_context.store.insert_employer(shenzhen));
    workflow::Employer unvetted;  // registered, waiting for the school to vet it: cannot invite yet
    unvetted.name = "福州闽江软件有限公司";
    unvetted.uscc = "91350100M000100Y43";
    unvetted.profile = {{"nature", "39"}, {"location", "福建省福州市"}};
    TRY(m_context.store.insert_employer(unvetted));
    return {};
  }

  Status seed_student(const DemoStudent& s) {
    const workflow::Student student{s.student_no, s.name, resident_id(s.id_base), s.gender, s.college, s.major, "本科", 2026};
    TRY(m_context.store.put_student(student));
    TRY(submit_sample_source_info(m_context, student, s.id_base));
    if (std::string(s.situation) == "unverified") return {};  // submitted, waiting for the college
    TRY(approve_source_info(m_context, student));
    return {};
  }

  // Brings the student's agreement to its situation through the lifecycle's transitions.
  Result<std::optional<Agreement>> seed_agreement(const DemoStudent& s) {
    using workflow::ReviewDecision;
    const std::string situation = s.situation;
    if (situation == "unverified" || situation == kFirstLogin) return std::optional<Agreement>();
    const Actor student = sample_student(s.student_no);
    const Actor hr = sample_employer(m_employer.id);
    // The expired invitation was sent 15 days ago (SPEC: it expires 14 days after it was sent).
    const workflow::ManualClock sending_time(situation == "expired" ? m_now - std::chrono::days{15} : m_now);
    const app::Context sending = at_time(m_context, sending_time);
    const Agreement draft = TRY(app::create_agreement(sending, hr, {s.student_no, std::nullopt, sample_agreement_content()}));
    const std::int64_t id = draft.id;
    if (situation == "draft") return std::optional<Agreement>(draft);
    Agreement a = TRY(app::send_invitation(sending, hr, id));
    if (situation == "invited") return std::optional<Agreement>(a);
    if (situation == "expired") {
      // The sweeper's own pass, as the service runs it.
      TRY(store::expire_due_invitations(m_context.store, m_context.workflow, m_now));
      return std::optional<Agreement>(TRY(m_context.store.agreement(id)));
    }
    if (situation == "withdrawn") return std::optional<Agreement>(TRY(app::withdraw_agreement(m_context, hr, id)));
    if (situation == "returned")
      return std::optional<Agreement>(
          TRY(app::return_invitation(m_context, student, id, "薪酬与面谈约定不一致，请修改后重新发送")));
    a = TRY(app::accept_invitation(m_context, student, id, a.version));
    if (situation == "in_review") return std::optional<Agreement>(a);
    if (situation == "rejected")
      return std::optional<Agreement>(TRY(
          app::review_agreement(m_context, sample_pending_reviewer(a), id, ReviewDecision::Reject, "档案接收地址不完整")));
    // The last approval signs and stores the PDF in one decision, as over HTTP.
    a = TRY(approve_through_chain(m_context, a));
    if (situation == "signed") return std::optional<Agreement>(a);

    const std::string letter = TRY(scanned_letter());
    std::vector<std::int64_t> material;
    for (auto purpose : {workflow::AttachmentPurpose::ReleaseLetter, workflow::AttachmentPurpose::AcceptanceLetter})
      material.push_back(TRY(app::upload_attachment(m_context, student, id, {purpose, letter, "image/png"})).upload.id);
    a = TRY(app::request_termination(m_context, student, id, "已考取硕士研究生，与单位协商一致解约", material));
    if (situation == "termination_requested") return std::optional<Agreement>(a);
    return std::optional<Agreement>(TRY(approve_termination_through_chain(m_context, a)));
  }

  Result<json> account(Role role, const std::string& username, const std::string& password,
                       const std::string& scope = {}, bool must_change_password = false) {
    store::NewAccount account;
    account.username = username;
    account.password = password;
    account.role = role;
    account.must_change_password = must_change_password;
    if (role == Role::Student) account.student_no = scope;
    if (role == Role::College) account.college_code = scope;
    if (role == Role::Employer) account.employer_id = m_employer.id;
    const auto created = TRY(m_context.store.create_account(account, m_now));
    json entry = {{"role", workflow::to_string(role)}, {"username", username}};
    // Portal and print room are other systems: they authenticate with API keys.
    if (role == Role::Portal || role == Role::Print)
      entry["api_key"] = TRY(m_context.store.create_api_key(created.id, "demo", m_now, {})).key;
    else
      entry["password"] = password;
    if (must_change_password) entry["must_change_password"] = true;
    return entry;
  }

 private:
  const app::Context m_context;
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
    json entry = TRY(seeder.account(Role::Student, s.student_no, std::string("demo-") + s.student_no, s.student_no,
                                    std::string(s.situation) == kFirstLogin));
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
  result.accounts.push_back(TRY(seeder.account(Role::Admin, "admin", "demo-admin")));
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
  if (serving)
    std::printf("  service:       listening on %s (public address %s)\n", service.base_url().c_str(),
                app.config.public_base.c_str());
  std::printf("  student login: POST /api/v1/auth/login {\"username\": \"2022010101\", \"password\": \"demo-2022010101\"}"
              " (an invitation is waiting)\n");
  std::printf("  first login:   student 2022020106, password demo-2022020106 (must change it first:"
              " POST /api/v1/auth/password)\n");
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
  auto args = parse_args(raw_args, with_store_options({"--listen", "--config", "--public-base"}), {"--no-serve"});
  if (!args || !args->positional.empty()) {
    if (!args) std::fprintf(stderr, "sanfang demo: %s\n", args.error().describe().c_str());
    std::fprintf(stderr,
                 "usage: sanfang demo [--data DIR] [--db URL] [--no-serve] [--listen HOST:PORT] [--config FILE] [--public-base URL]\n");
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
