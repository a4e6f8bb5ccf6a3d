// `sanfang bench-seed --data DIR --agreements N`: a data folder with N signed agreements —
// distinct students and serials, spread over colleges, majors, employers and signing days — for
// benchmarks and load tests of the print room and the PDF endpoints. Everything goes through the
// use cases (app/) like real data, except two shortcuts that make the folder for benchmarks
// only: the database's fsyncs are skipped (synchronous=OFF, on SQLite), and the signed PDFs are rendered on
// their first download rather than at signing. DIR/bench-accounts.json
// holds a school login, API keys for the print room and the portal, the serial range and the
// path of the first agreement's verification page.
#include "cli/commands.h"
#include "cli/resources.h"
#include "cli/sample_data.h"
#include "core/atomic_file.h"
#include "core/validate.h"
#include "core/verification_token.h"
#include "jobs/agreement_documents.h"
#include "store/secrets.h"
#include "workflow/clock.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

namespace sanfang::cli {

namespace {

using nlohmann::json;
using workflow::Role;

constexpr const char* kAccountsFile = "bench-accounts.json";
constexpr int kSigningDays = 30;

struct SampleCollege {
  const char* code;
  const char* name;
  const char* majors[4];
};

constexpr SampleCollege kColleges[] = {
    {"CS", "计算机与通信学院", {"计算机科学与技术", "软件工程", "网络工程", "物联网工程"}},
    {"ME", "机电工程学院", {"机械设计制造及其自动化", "车辆工程", "机械电子工程", "工业设计"}},
    {"CE", "土木工程学院", {"土木工程", "道路桥梁与渡河工程", "工程管理", "给排水科学与工程"}},
    {"EE", "电气工程与信息工程学院", {"电气工程及其自动化", "自动化", "电子信息工程", "通信工程"}},
    {"EM", "经济管理学院", {"会计学", "财务管理", "市场营销", "国际经济与贸易"}},
    {"FL", "外国语学院", {"英语", "日语", "俄语", "翻译"}},
    {"SC", "理学院", {"数学与应用数学", "应用物理学", "信息与计算科学", "统计学"}},
    {"DA", "设计艺术学院", {"视觉传达设计", "环境设计", "产品设计", "数字媒体艺术"}},
};

constexpr const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马",
                                     "朱", "胡", "郭", "何", "林", "罗", "高", "欧阳", "司马", "诸葛", "上官"};
constexpr const char* kGiven[] = {"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "涛", "明", "超",
                                  "秀英", "桂英", "建华", "晓东", "梓涵", "一诺", "浩然", "雨桐", "子轩", "思琪"};
constexpr const char* kEmployers[] = {"甘肃丝路数字科技有限公司", "深圳市南山智造有限公司", "兰州新区建设投资集团有限公司",
                                      "中铁西北工程有限公司", "西安高新软件股份有限公司", "成都天府云计算有限公司",
                                      "上海浦江智能装备有限公司", "北京中关村信息技术有限公司", "杭州西湖电子商务有限公司",
                                      "广州珠江新能源有限公司", "武汉光谷光电科技有限公司", "天津滨海港口物流有限公司"};

// A unified social credit code (GB 32100) for the n-th sample employer: the check character is
// whichever one the validator accepts.
Result<std::string> sample_uscc(int n) {
  char body[18];
  std::snprintf(body, sizeof body, "91620100MA%07d", 1000000 + n * 7919);
  for (char check : std::string("0123456789ABCDEFGHJKLMNPQRTUWXY")) {
    const std::string code = std::string(body) + check;
    if (core::validate_uscc(code, "uscc")) return code;
  }
  return Error::make(ErrorKind::Internal, "no check character fits " + std::string(body));
}

// Birth dates spread over 2003 and 2004 so that names, IDs and genders vary.
std::string id_base(int i) {
  const auto birthday = std::chrono::year_month_day(std::chrono::sys_days(std::chrono::year{2003} / 1 / 1) +
                                                    std::chrono::days{(i / 1000) % 700});
  char base[24];
  std::snprintf(base, sizeof base, "620102%04d%02u%02u%03d", static_cast<int>(birthday.year()),
                static_cast<unsigned>(birthday.month()), static_cast<unsigned>(birthday.day()), i % 1000);
  return base;
}

Result<json> service_account(store::Store& store, Role role, const std::string& username, workflow::Timestamp now) {
  store::NewAccount account;
  account.username = username;
  account.password = TRY(store::random_token());  // never used: the account signs in with its API key
  account.role = role;
  const auto created = TRY(store.create_account(account, now));
  return json{{"role", workflow::to_string(role)}, {"username", username}, {"api_key", TRY(store.create_api_key(created.id, "bench-seed", now, {})).key}};
}

// The i-th student — college, major, name, resident ID vary with i — with verified source info
// and a signed agreement, all dated at the context's clock; returns its serial.
Result<std::string> seed_signed_agreement(const app::Context& context, const std::vector<workflow::Employer>& employers,
                                          int i) {
  const SampleCollege& college = kColleges[i % std::size(kColleges)];
  const int major = (i / static_cast<int>(std::size(kColleges))) % 4;
  char student_no[24];
  std::snprintf(student_no, sizeof student_no, "22%02d%06d", static_cast<int>(i % std::size(kColleges)), i);
  const std::string base = id_base(i);
  const bool male = (base[16] - '0') % 2 == 1;
  const std::string name =
      std::string(kSurnames[i % std::size(kSurnames)]) + kGiven[(i / std::size(kSurnames)) % std::size(kGiven)];
  const workflow::Student student{student_no, name, resident_id(base), male ? "男" : "女", college.code,
                                  college.majors[major], "本科", 2026};
  TRY(context.store.put_student(student));
  TRY(submit_sample_source_info(context, student, base));
  TRY(approve_source_info(context, student));
  const auto agreement = TRY(sign_invitation(context, employers[static_cast<std::size_t>(i) % employers.size()], student));
  return *agreement.serial;
}

// Where the first agreement's copy 1 QR code points (path only: the host is the service's), for
// load tests of the verification page. The token binds the render input, which includes the
// school's profile: the same configuration as the service's must be used.
Result<std::string> first_verification_path(store::Store& store, const api::ServiceOptions& options,
                                            const core::VerificationKey& key, const core::CodeLists& codes,
                                            const std::string& serial) {
  workflow::SchoolProfile school = options.school;
  school.code = options.school_code;
  const workflow::Agreement agreement = TRY(store.agreement_by_serial(serial));
  const auto document =
      TRY(jobs::agreement_document(agreement, school, TRY(store.college_name(agreement.college_code)), codes));
  return core::verification_url("", core::make_verification_token(key, serial, 1, document.content_hash));
}

// `context` runs on `clock`, which seed() moves to each agreement's signing day.
Result<json> seed(const app::Context& context, workflow::ManualClock& clock, int count) {
  store::Store& store = context.store;
  const workflow::Timestamp now = clock.now();
  for (const auto& college : kColleges) TRY(store.put_college({college.code, college.name}));
  std::vector<workflow::Employer> employers;
  for (int e = 0; e < static_cast<int>(std::size(kEmployers)); ++e) {
    workflow::Employer employer;
    employer.name = kEmployers[e];
    employer.uscc = TRY(sample_uscc(e));
    employer.vetted = true;
    employer.profile = {{"nature", "39"}, {"industry", "34"}, {"location", "甘肃省兰州市"},
                        {"address", "甘肃省兰州市安宁区北滨河西路 88 号"}, {"postcode", "730070"},
                        {"contact", "李经理"}, {"phone", "0931-8812345"}};
    employers.push_back(TRY(store.insert_employer(employer)));
  }
  const auto started = std::chrono::steady_clock::now();
  std::string first_serial, last_serial;
  // Seeding one agreement takes nine changes; a transaction per thousand agreements instead of
  // one per change is what makes this fast.
  constexpr int kPerTransaction = 1000;
  for (int from = 0; from < count; from += kPerTransaction) {
    TRY(store.in_one_transaction([&]() -> Status {
      for (int i = from; i < std::min(count, from + kPerTransaction); ++i) {
        // Signing days spread over the last month, so that date filters select something.
        clock.set(now - std::chrono::days{i % kSigningDays});
        const auto serial = TRY(seed_signed_agreement(context, employers, i));
        if (first_serial.empty()) first_serial = serial;
        last_serial = serial;
      }
      return {};
    }));
    const int done = std::min(count, from + kPerTransaction);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("bench-seed: %d/%d agreements (%.0f/s)\n", done, count, done / seconds);
    std::fflush(stdout);
  }
  clock.set(now);
  json accounts = json::array();
  store::NewAccount school;
  school.username = "school";
  school.password = "bench-school";
  school.role = Role::School;
  TRY(store.create_account(school, now));
  accounts.push_back({{"role", "school"}, {"username", "school"}, {"password", "bench-school"}});
  accounts.push_back(TRY(service_account(store, Role::Print, "print-room", now)));
  accounts.push_back(TRY(service_account(store, Role::Portal, "portal", now)));
  return json{{"agreements", count}, {"first_serial", first_serial}, {"last_serial", last_serial}, {"accounts", accounts}};
}

}  // namespace

int bench_seed_command(const std::vector<std::string>& raw_args) {
  auto args = parse_args(raw_args, with_store_options({"--agreements", "--config"}), {});
  if (!args || !args->positional.empty() || !args->has("--data") || !args->has("--agreements")) {
    std::fprintf(stderr, "usage: sanfang bench-seed --data DIR [--db URL] --agreements N [--config FILE]\n");
    return 2;
  }
  auto count = args->get_int("--agreements", 0);
  if (!count || *count < 1 || *count > 1'000'000) {
    std::fprintf(stderr, "sanfang bench-seed: --agreements takes a whole number from 1 to 1000000\n");
    return 2;
  }
  auto options = service_options(*args);
  if (!options) {
    std::fprintf(stderr, "sanfang bench-seed: %s\n", options.error().describe().c_str());
    return 2;
  }
  auto fail = [](const Error& e) {
    std::fprintf(stderr, "sanfang bench-seed: %s\n", e.describe().c_str());
    return 1;
  };
  if (auto prepared = prepare_sample_folder(options->data_dir, kAccountsFile, "bench-seed"); !prepared) return fail(prepared.error());
  store::StoreLocation location = store_location(*args, options->school_code);
  location.durable = false;
  auto store = open_command_store(location, /*create=*/true);
  if (!store) return fail(store.error());
  // Checked before seeding: the verification path written at the end must verify on the service.
  auto key = store::load_checked_key(**store, options->data_dir);
  if (!key) return fail(key.error());
  // The values saved are checked against the fonts and the layout, as the service does.
  auto resources = load_resources(*args);
  if (!resources) return fail(resources.error());
  auto renders = jobs::RenderPool::create(resources->fonts, resources->layout, {}, {1});
  if (!renders) return fail(renders.error());
  const jobs::RendererPrintCheck print_check(**renders);
  const auto started = std::chrono::steady_clock::now();
  workflow::ManualClock clock(workflow::SystemClock().now());
  const workflow::WorkflowOptions workflow_options;
  const app::Context context{**store, clock, workflow_options, *resources->codes, print_check};
  auto summary = seed(context, clock, *count);
  if (!summary) return fail(summary.error());
  auto verification = first_verification_path(**store, *options, *key, *resources->codes,
                                               (*summary)["first_serial"].get<std::string>());
  if (!verification) return fail(verification.error());
  (*summary)["first_verification_path"] = *verification;
  auto file = core::AtomicFile::create(options->data_dir / kAccountsFile);
  if (!file) return fail(file.error());
  if (!file->write(summary->dump(2) + "\n")) return fail(Error::make(ErrorKind::Io, "cannot write " + std::string(kAccountsFile)));
  if (auto committed = file->commit(); !committed) return fail(committed.error());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("bench-seed: %d signed agreements (%s … %s) in %s in %.1f s; accounts in %s\n", *count,
              (*summary)["first_serial"].get<std::string>().c_str(), (*summary)["last_serial"].get<std::string>().c_str(),
              options->data_dir.c_str(), seconds, (options->data_dir / kAccountsFile).c_str());
  return 0;
}

}  // namespace sanfang::cli
