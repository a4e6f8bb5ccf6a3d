// The print request's rules (SPEC "Print room"): copies, serials and dates are checked before a
// job exists, and what a separator sheet says.
#include "workflow/print_job.h"

#include "core/validate.h"

#include <catch2/catch.hpp>

namespace sanfang::workflow {
namespace {

const std::vector<int> kLayoutCopies{1, 2, 3};

Error refusal(PrintRequest request) {
  auto normalized = normalize_print_request(std::move(request), kLayoutCopies);
  REQUIRE_FALSE(normalized.ok());
  CHECK(normalized.error().kind == ErrorKind::InvalidInput);
  return normalized.error();
}

TEST_CASE("a job is in one part per college, a college over the limit split in print order", "[workflow][print]") {
  const std::vector<std::string> colleges{"CE", "CE", "CS", "CS", "CS", "CS", "CS", "ME"};
  const auto parts = plan_print_parts(colleges, 2, false);
  REQUIRE(parts.size() == 5);
  const std::vector<std::tuple<std::string, int, int>> expected{
      {"CE", 0, 2}, {"CS", 2, 2}, {"CS", 4, 2}, {"CS", 6, 1}, {"ME", 7, 1}};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    CAPTURE(i);
    CHECK(parts[i].n == static_cast<int>(i) + 1);
    CHECK(parts[i].college_code == std::get<0>(expected[i]));
    CHECK(parts[i].first_position == std::get<1>(expected[i]));
    CHECK(parts[i].agreements == std::get<2>(expected[i]));
    CHECK_FALSE(parts[i].done());
  }
  const auto by_college = plan_print_parts(colleges, kDefaultPartLimit, false);
  REQUIRE(by_college.size() == 3);
  CHECK(by_college[1].agreements == 5);
}

TEST_CASE("a one-file job is one part of every college", "[workflow][print]") {
  const auto parts = plan_print_parts({"CE", "CS", "CS", "ME"}, 1, true);
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].college_code.empty());
  CHECK(parts[0].first_position == 0);
  CHECK(parts[0].agreements == 4);
  CHECK(plan_print_parts({"CS", "CS"}, 1, true)[0].college_code == "CS");
  CHECK(plan_print_parts({}, 500, false).empty());
}

TEST_CASE("a print request without copies prints every copy, in the layout's order", "[workflow][print]") {
  auto all = normalize_print_request({}, kLayoutCopies);
  REQUIRE(all.ok());
  CHECK(all->copies == kLayoutCopies);
  PrintRequest reversed;
  reversed.copies = {3, 1};
  CHECK(normalize_print_request(reversed, kLayoutCopies)->copies == std::vector<int>{1, 3});
}

TEST_CASE("a print request naming an unknown or repeated copy is refused naming it", "[workflow][print]") {
  PrintRequest unknown;
  unknown.copies = {1, 4};
  CHECK(refusal(unknown).field == "copies[1]");
  PrintRequest repeated;
  repeated.copies = {2, 2};
  CHECK(refusal(repeated).field == "copies[1]");
}

TEST_CASE("a print request's serials must be well-formed and distinct", "[workflow][print]") {
  const std::string serial = core::make_serial("10731", 2026, 7).value();
  PrintRequest bad;
  bad.serials = {serial, "1073120260000010"};
  CHECK(refusal(bad).field == "serials[1]");
  PrintRequest twice;
  twice.serials = {serial, serial};
  CHECK(refusal(twice).field == "serials[1]");
}

TEST_CASE("a print request's dates are calendar days and the range may not run backwards", "[workflow][print]") {
  CHECK(parse_calendar_date("2026-02-29", "signed_from").error().field == "signed_from");
  CHECK(parse_calendar_date("2026-6-1", "signed_from").error().field == "signed_from");
  const auto day = parse_calendar_date("2026-06-30", "signed_to");
  REQUIRE(day.ok());
  CHECK(format_calendar_date(day.value()) == "2026-06-30");

  PrintRequest backwards;
  backwards.signed_from = parse_calendar_date("2026-07-01", "signed_from").value();
  backwards.signed_to = day.value();
  CHECK(refusal(backwards).field == "signed_to");
}

TEST_CASE("the signing window covers whole Beijing days", "[workflow][print]") {
  PrintRequest request;
  request.signed_from = parse_calendar_date("2026-06-30", "signed_from").value();
  request.signed_to = request.signed_from;
  const SigningWindow window = signing_window(request);
  // 2026-06-30 00:00 in Beijing is 2026-06-29 16:00 UTC; the window ends a day later.
  CHECK(to_unix_seconds(*window.from) == 1782748800);
  CHECK(to_unix_seconds(*window.until) - to_unix_seconds(*window.from) == 86400);
}

TEST_CASE("a separator sheet says how many agreements follow, which copies, and the serial range", "[workflow][print]") {
  SeparatorSummary summary;
  summary.college_name = "计算机与通信学院";
  summary.count = 3;
  summary.majors = {{"软件工程", 2}, {"网络工程", 1}};
  summary.lowest_serial = "1073120260000011";
  summary.highest_serial = "1073120260000038";
  const auto lines = separator_lines(summary, 42, std::vector<int>{1, 3});
  CHECK(lines == std::vector<std::string>{"共 3 份协议，每份打印第 1、3 联", "编号范围 1073120260000011 至 1073120260000038",
                                          "软件工程：2 份", "网络工程：1 份", "打印任务 #42"});
}

TEST_CASE("a failed print job is retried with a growing delay, then given up", "[workflow][print]") {
  const RetryPolicy policy{3, std::chrono::seconds(10), std::chrono::seconds(30)};
  const Timestamp now = from_unix_seconds(1'780'000'000);
  CHECK(next_attempt_at(policy, 1, now) == now + std::chrono::seconds(10));
  CHECK(next_attempt_at(policy, 2, now) == now + std::chrono::seconds(20));
  CHECK(next_attempt_at(policy, 3, now) == now + std::chrono::seconds(30));  // 40 s, capped
  CHECK_FALSE(next_attempt_at(policy, 4, now).has_value());
  CHECK(is_transient(ErrorKind::Io));
  CHECK(is_transient(ErrorKind::Storage));
  CHECK_FALSE(is_transient(ErrorKind::InvalidInput));
  CHECK_FALSE(is_transient(ErrorKind::Render));
}

TEST_CASE("an agreement a runner died on is drawn alone, and skipped after the second crash", "[workflow][print]") {
  PrintJob job;
  job.crashes = {{3, 1}, {5, 2}};
  CHECK_FALSE(is_suspect(job, 2));
  CHECK(is_suspect(job, 3));
  CHECK_FALSE(must_skip(job, 3));
  CHECK(must_skip(job, 5));
}

}  // namespace
}  // namespace sanfang::workflow
