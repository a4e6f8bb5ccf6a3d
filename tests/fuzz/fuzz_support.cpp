#include "fuzz_support.h"

#include "jobs/agreement_documents.h"
#include "render/fonts.h"
#include "render/layout_spec.h"
#include "store/sqlite_store.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

namespace sanfang::fuzz {

namespace {

constexpr const char* kSchoolCode = "10731";
constexpr const char* kStudentNo = "2022001";
constexpr const char* kCollegeCode = "CS";
const workflow::Timestamp kWorldTime = workflow::from_unix_seconds(1'780'000'000);  // 2026-05-28

template <typename T>
T must(Result<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "fuzz world: %s: %s\n", what, result.error().describe().c_str());
    std::abort();
  }
  return std::move(result).value();
}

void must(Status status, const char* what) {
  if (!status) {
    std::fprintf(stderr, "fuzz world: %s: %s\n", what, status.error().describe().c_str());
    std::abort();
  }
}

struct ScratchFolder {
  std::filesystem::path path;
  ScratchFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sanfang-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~ScratchFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

// An App over its own store; the store lives exactly as long as the App that points at it.
struct OpenApp {
  std::unique_ptr<store::SqliteStore> store;
  std::unique_ptr<api::App> app;
};

}  // namespace

std::filesystem::path source_dir() { return SANFANG_SOURCE_DIR; }

const std::filesystem::path& scratch_dir() {
  static const ScratchFolder folder;
  return folder.path;
}

const core::CodeLists& code_lists() {
  static const core::CodeLists lists = must(core::CodeLists::load(source_dir() / "layouts" / "codes"), "code lists");
  return lists;
}

jobs::RenderPool& render_pool() {
  static const std::unique_ptr<jobs::RenderPool> pool = [] {
    auto fonts = must(render::FontSet::load(source_dir() / "fonts"), "fonts");
    auto layout = std::make_shared<const render::LayoutSpec>(
        must(render::load_layout(source_dir() / "layouts" / "default.json"), "layout"));
    return must(jobs::RenderPool::create(fonts, layout, {}, {1}), "render pool");
  }();
  return *pool;
}

void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz: broken promise: %s\n", what);
  std::abort();
}

namespace {

OpenApp open_world(const std::filesystem::path& data_dir, workflow::Clock& clock, const std::string& secret) {
  OpenApp opened;
  store::SqliteStoreOptions options;
  options.data_dir = data_dir;
  options.school_code = kSchoolCode;
  options.durable = false;  // a scratch copy per input: nothing here must survive a crash
  opened.store = must(store::SqliteStore::open(options), "store");
  opened.app = std::make_unique<api::App>();
  api::App& app = *opened.app;
  app.config.data_dir = data_dir;
  app.config.share_dir = source_dir();
  app.config.public_base = "http://127.0.0.1:8080";
  app.store = opened.store.get();
  app.clock = &clock;
  app.codes = std::make_shared<const core::CodeLists>(code_lists());
  app.renders = &render_pool();
  app.print_check = std::make_shared<const jobs::RendererPrintCheck>(render_pool());
  std::array<unsigned char, 32> key_bytes{};
  key_bytes.fill(0x5a);
  app.key = core::VerificationKey::from_bytes(key_bytes);
  app.school.code = kSchoolCode;
  app.copy_numbers = {1, 2, 3};
  app.wechat_secret = secret;
  return opened;
}

std::string session_for(store::Store& db, workflow::Role role, const std::string& username,
                        workflow::Timestamp now, std::int64_t employer_id = 0,
                        const std::string& student_no = {}, const std::string& college_code = {}) {
  store::NewAccount account;
  account.username = username;
  account.password = "correct horse battery";
  account.role = role;
  account.employer_id = employer_id;
  account.student_no = student_no;
  account.college_code = college_code;
  const workflow::Account created = must(db.create_account(account, now), "account");
  return must(db.create_session(created.id, now), "session");
}

}  // namespace

ServiceWorld& ServiceWorld::instance() {
  static ServiceWorld world;
  return world;
}

ServiceWorld::ServiceWorld()
    : m_routes(api::all_routes()), m_clock(kWorldTime), m_template_dir(scratch_dir() / "template"),
      m_wechat_secret(std::string(64, 'a')) {
  OpenApp world = open_world(m_template_dir, m_clock, m_wechat_secret);
  store::Store& db = *world.store;
  const auto now = m_clock.now();
  must(db.put_college({kCollegeCode, "计算机学院"}), "college");
  must(db.put_student({kStudentNo, "张三", "11010519491231002X", "男", kCollegeCode, "软件工程", "本科", 2026}),
       "student");
  workflow::Employer employer;
  employer.name = "福州示范软件有限公司";
  employer.uscc = "91350100M000100Y43";
  employer.profile = {{"nature", "39"},  {"industry", "34"},        {"location", "福建省福州市"},
                      {"address", "福州市鼓楼区软件大道89号"}, {"postcode", "350003"}, {"contact", "李经理"},
                      {"phone", "0591-87654321"}};
  employer.vetted = true;
  m_employer_id = must(db.insert_employer(employer), "employer").id;

  m_tokens[Caller::Student] = session_for(db, workflow::Role::Student, "s2022001", now, 0, kStudentNo);
  m_tokens[Caller::Employer] = session_for(db, workflow::Role::Employer, "hr", now, m_employer_id);
  m_tokens[Caller::College] = session_for(db, workflow::Role::College, "cs-reviewer", now, 0, {}, kCollegeCode);
  m_tokens[Caller::School] = session_for(db, workflow::Role::School, "centre", now);
  m_tokens[Caller::Print] = session_for(db, workflow::Role::Print, "print-room", now);

  // An invitation the student can accept or return, so that agreement actions get past the lookup.
  api::HttpRequest create;
  create.method = "POST";
  create.headers["authorization"] = "Bearer " + m_tokens[Caller::Employer];
  create.body = nlohmann::json{{"student_no", kStudentNo},
                               {"content", {{"job", {{"position", "软件工程师"}, {"salary", "月薪 12000 元"}}}}}}
                    .dump();
  const api::HttpResponse created = api::dispatch(*world.app, route("POST", "/api/v1/agreements"), create);
  require(created.status == 201, "the world's agreement is created");
  m_agreement_id = nlohmann::json::parse(created.body).at("id").get<std::int64_t>();
  api::HttpRequest send = create;
  send.body.clear();
  send.params["id"] = std::to_string(m_agreement_id);
  const api::HttpResponse sent = api::dispatch(*world.app, route("POST", "/api/v1/agreements/:id/send"), send);
  require(sent.status == 200, "the world's agreement is sent");
  // Closing the only connection checkpoints the write-ahead log into the database file.
}

const api::Route& ServiceWorld::route(std::string_view method, std::string_view pattern) const {
  for (const api::Route& candidate : m_routes.routes())
    if (candidate.method == method && candidate.pattern == pattern) return candidate;
  std::fprintf(stderr, "fuzz world: no route %.*s %.*s\n", static_cast<int>(method.size()), method.data(),
               static_cast<int>(pattern.size()), pattern.data());
  std::abort();
}

api::HttpResponse ServiceWorld::call(const api::Route& route, Caller caller, std::string body,
                                     std::map<std::string, std::string> headers) {
  const std::filesystem::path work = scratch_dir() / "work";
  std::filesystem::remove_all(work);
  std::filesystem::create_directories(work);
  std::filesystem::copy_file(store::SqliteStore::database_path(m_template_dir),
                             store::SqliteStore::database_path(work));
  OpenApp world = open_world(work, m_clock, m_wechat_secret);

  api::HttpRequest request;
  request.method = route.method;
  request.route = route.pattern;
  request.path = route.pattern;
  request.headers = std::move(headers);
  if (auto token = m_tokens.find(caller); token != m_tokens.end())
    request.headers["authorization"] = "Bearer " + token->second;
  request.params["id"] = std::to_string(route.pattern.starts_with("/api/v1/employers") ? m_employer_id
                                                                                       : m_agreement_id);
  request.params["student_no"] = kStudentNo;
  request.body = std::move(body);
  return api::dispatch(*world.app, route, request);
}

}  // namespace sanfang::fuzz
