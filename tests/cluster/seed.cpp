#include "seed.h"
#include "../support/sample_employer.h"

#include "app/agreements.h"
#include "cli/sample_data.h"

#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

namespace sanfang::cluster {

Result<workflow::Employer> add_college_and_employer(const app::Context& context) {
  TRY(context.store.put_college({"CS", "计算机与通信学院"}));
  const workflow::Employer unit = testing::sample_vetted_employer();
  return context.store.insert_employer(unit);
}

Result<workflow::Student> add_verified_student(const app::Context& context, int number) {
  // Born 2003-05-DD (DD from 01 to 28), sequence 001 to 999.
  char id_base[32];
  std::snprintf(id_base, sizeof id_base, "620102200305%02d%03d", 1 + number / 999 % 28, 1 + number % 999);
  const workflow::Student student{std::to_string(2301000000 + number), "学生" + std::to_string(number),
                                  cli::resident_id(id_base), (id_base[16] - '0') % 2 ? "男" : "女", "CS", "软件工程",
                                  "本科", 2026};
  TRY(context.store.put_student(student));
  TRY(cli::submit_sample_source_info(context, student, id_base));
  TRY(cli::approve_source_info(context, student));
  return student;
}

namespace {

Result<workflow::Agreement> one_awaiting_school(const app::Context& context, const workflow::Employer& employer,
                                                int number) {
  const workflow::Student student = TRY(add_verified_student(context, number));
  const workflow::Actor hr = cli::sample_employer(employer.id);
  const workflow::Agreement draft =
      TRY(app::create_agreement(context, hr, {student.student_no, std::nullopt, cli::sample_agreement_content()}));
  const workflow::Agreement invited = TRY(app::send_invitation(context, hr, draft.id));
  TRY(app::accept_invitation(context, cli::sample_student(student.student_no), draft.id, invited.version));
  return app::review_agreement(context, cli::sample_college_reviewer(student.college_code), draft.id,
                               workflow::ReviewDecision::Approve, "");
}

}  // namespace

Result<std::vector<workflow::Agreement>> awaiting_school(const app::Context& context,
                                                         const workflow::Employer& employer, int first, int count,
                                                         int threads) {
  std::vector<workflow::Agreement> agreements(static_cast<std::size_t>(count));
  std::mutex failure_mutex;
  std::optional<Error> failure;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i = t; i < count; i += threads) {
        auto seeded = one_awaiting_school(context, employer, first + i);
        if (seeded) {
          agreements[static_cast<std::size_t>(i)] = std::move(seeded).value();
          continue;
        }
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = seeded.error();
        return;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  if (failure) return *failure;
  return agreements;
}

Result<std::vector<workflow::Agreement>> signed_agreements(const app::Context& context,
                                                           const workflow::Employer& employer, int first, int count,
                                                           int threads) {
  std::vector<workflow::Agreement> agreements = TRY(awaiting_school(context, employer, first, count, threads));
  for (workflow::Agreement& agreement : agreements)
    agreement = TRY(app::review_agreement(context, cli::sample_school(), agreement.id, workflow::ReviewDecision::Approve, ""));
  return agreements;
}

Result<std::string> session_token(const app::Context& context, workflow::Role role, const std::string& username,
                                  const std::string& student_no) {
  store::NewAccount account;
  account.username = username;
  account.password = username + "-password";
  account.role = role;
  account.student_no = student_no;
  const auto now = context.now();
  const auto created = TRY(context.store.create_account(account, now));
  return context.store.create_session(created.id, now);
}

}  // namespace sanfang::cluster
