// The student import and print-job use cases without HTTP.
#include "app_fixture.h"

#include "app/accounts.h"
#include "app/print_jobs.h"
#include "app/student_import.h"

namespace sanfang::apptest {

namespace {

constexpr const char* kHeader = "student_no,name,id_number,gender,college_code,college_name,major,degree,graduation_year\n";

store::PrintOperator operator_of(const workflow::Actor& actor) { return {0, "打印室", actor.role}; }

}  // namespace

TEST_CASE("the school imports students and a reviewer may not", "[app][import]") {
  AppWorld world;
  const std::string csv = std::string(kHeader) + "2022030101,李娜,11010519491231002X,女,CS,计算机与通信学院,软件工程,本科,2026\n";
  refused(app::import_students(world.context(), AppWorld::college(), csv), ErrorKind::Forbidden);
  refused(world.store().student("2022030101"), ErrorKind::NotFound);
  const auto report = ok(app::import_students(world.context(), AppWorld::school(), csv));
  CHECK(report.imported == 1);
  CHECK(report.errors.empty());
  CHECK(ok(world.store().student("2022030101")).name == "李娜");
}

TEST_CASE("an account changes its password with the old one, a wrong old one or a weak new one changes nothing",
          "[app][accounts]") {
  AppWorld world;
  store::NewAccount created;
  created.username = "school-office";
  created.password = "Gansu-Office-2026!";
  created.role = workflow::Role::School;
  const auto account = ok(world.store().create_account(created, world.clock().now()));
  const std::string session = ok(world.store().create_session(account.id, world.clock().now()));

  CHECK(refused(app::change_password(world.context(), account, "wrong-password-1", "Lanzhou-Graduates-9!", session),
                ErrorKind::InvalidInput)
            .field == "old_password");
  CHECK(refused(app::change_password(world.context(), account, "Gansu-Office-2026!", "123456", session),
                ErrorKind::InvalidInput)
            .field == "new_password");
  ok(world.store().check_login("school-office", "Gansu-Office-2026!", world.clock().now()));

  ok(app::change_password(world.context(), account, "Gansu-Office-2026!", "Lanzhou-Graduates-9!", session));
  ok(world.store().check_login("school-office", "Lanzhou-Graduates-9!", world.clock().now()));
  ok(world.store().account_for_session(session, world.clock().now()));
}

TEST_CASE("the print room queues a job for signed agreements, a student finds no print jobs", "[app][print]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto signed_agreement = world.sign("2022010101");
  workflow::PrintRequest request;
  request.serials = {*signed_agreement.serial};
  const auto student = AppWorld::student("2022010101");
  refused(app::create_print_job(world.context(), student, operator_of(student), request), ErrorKind::NotFound);
  CHECK(ok(world.store().print_jobs(10)).empty());

  const auto job =
      ok(app::create_print_job(world.context(), AppWorld::print_room(), operator_of(AppWorld::print_room()), request));
  CHECK(job.state == workflow::PrintJobState::Queued);
  CHECK(job.total == 1);
  // No copies named: every copy of the layout.
  CHECK(job.request.copies == std::vector<int>(world.context().copy_numbers.begin(), world.context().copy_numbers.end()));
  CHECK(ok(app::list_print_jobs(world.context(), AppWorld::school(), 10)).size() == 1);
}

TEST_CASE("a copy number the layout does not have is refused before any job is stored", "[app][print]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  workflow::PrintRequest request;
  request.serials = {*world.sign("2022010101").serial};
  request.copies = {99};
  refused(app::queue_print_job(world.context(), workflow::PrintJobOrigin::Cli, operator_of(AppWorld::print_room()),
                               request),
          ErrorKind::InvalidInput);
  CHECK(ok(world.store().print_jobs(10)).empty());
}

TEST_CASE("a queued job is cancelled once, cancelling it again is a conflict and its file is never there",
          "[app][print]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  workflow::PrintRequest request;
  request.serials = {*world.sign("2022010101").serial};
  const auto room = AppWorld::print_room();
  const auto job = ok(app::create_print_job(world.context(), room, operator_of(room), request));
  refused(app::print_job_file(world.context(), room, job.id), ErrorKind::Conflict);
  CHECK(ok(app::cancel_print_job(world.context(), room, operator_of(room), job.id)).state ==
        workflow::PrintJobState::Cancelled);
  refused(app::cancel_print_job(world.context(), room, operator_of(room), job.id), ErrorKind::Conflict);
  CHECK(ok(app::print_job(world.context(), room, job.id)).state == workflow::PrintJobState::Cancelled);
}

}  // namespace sanfang::apptest
