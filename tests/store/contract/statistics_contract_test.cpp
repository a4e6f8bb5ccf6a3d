// The employment office's counts (AgreementStore::agreement_statistics, store/stats_sql.h): the
// same GROUP BY text on every backend gives the same tallies, narrowed by scope and year.
#include <map>
#include <numeric>

#include "contract/contract_fixture.h"
#include "../support/sample_employer.h"

namespace sanfang::test::contract {
namespace {

std::int64_t total(const std::vector<store::AgreementTally>& rows) {
  return std::accumulate(rows.begin(), rows.end(), std::int64_t{0},
                         [](std::int64_t sum, const store::AgreementTally& row) { return sum + row.count; });
}

// A world of two colleges: CS has a signed agreement, a draft and a student without any; ME an
// open invitation. The inviting unit has a full profile (nature 39, industry 34, Lanzhou).
struct StatisticsWorld : ContractFixture {
  explicit StatisticsWorld(const std::string& backend_name) : ContractFixture(backend_name) {
    employer_id = ok(db->insert_employer(testing::sample_vetted_employer())).id;
    ok(db->put_college({"ME", "机电工程学院"}));
    add_verified_student("2022001");
    add_verified_student("2022002", "ME", "车辆工程");
    add_verified_student("2022003");
    add_verified_student("2022004");
    ok(db->put_student({"2023001", "赵六", "11010519491231002X", "男", "CS", "软件工程", "本科", 2027}));
    signed_id = sign("2022001").id;
    invited_id = invite("2022002").id;
    draft_id = ok(db->insert_agreement(
                      ok(workflow::create_invitation(employer(), parties("2022004"), {{"job", "测试"}}, kStart))))
                   .id;
  }
  std::int64_t signed_id = 0, invited_id = 0, draft_id = 0;
};

}  // namespace

TEST_CASE("the office's counts group agreements by state, college, major and unit, and graduates by college",
          "[contract][agreements][statistics]") {
  EACH_STORE_BACKEND_WITH(StatisticsWorld, f);
  store::StatisticsQuery everything;
  everything.exclude_drafts = true;
  const auto counted = ok(f.db->agreement_statistics(everything));

  REQUIRE(counted.agreements.size() == 2);
  CHECK(total(counted.agreements) == 2);
  std::map<std::string, std::int64_t> by_state;
  for (const auto& row : counted.agreements) by_state[row.state] += row.count;
  CHECK(by_state == std::map<std::string, std::int64_t>{{"invited", 1}, {"signed", 1}});
  for (const auto& row : counted.agreements) {
    if (row.state == "signed") {
      CHECK(row.college_code == "CS");
      CHECK(row.college_name == "计算机与通信学院");
      CHECK(row.major == "软件工程");
    } else {
      CHECK(row.college_code == "ME");
      CHECK(row.major == "车辆工程");
    }
  }
  // The signed agreement's unit as its snapshot recorded it, the invitation's as the unit is now.
  REQUIRE(counted.employers.size() == 1);
  CHECK(counted.employers[0].nature == "39");
  CHECK(counted.employers[0].industry == "34");
  CHECK(counted.employers[0].location == "甘肃省兰州市");
  CHECK(counted.employers[0].count == 2);

  REQUIRE(counted.graduates.size() == 2);
  CHECK(counted.graduates[0].college_code == "CS");
  CHECK(counted.graduates[0].college_name == "计算机与通信学院");
  CHECK(counted.graduates[0].graduates == 4);
  CHECK(counted.graduates[0].signed_students == 1);
  CHECK(counted.graduates[1].college_code == "ME");
  CHECK(counted.graduates[1].graduates == 1);
  CHECK(counted.graduates[1].signed_students == 0);
}

TEST_CASE("the office's counts narrow to one college, one graduation year, and include drafts only when asked",
          "[contract][agreements][statistics]") {
  EACH_STORE_BACKEND_WITH(StatisticsWorld, f);
  store::StatisticsQuery own_college;
  own_college.college_code = "CS";
  own_college.exclude_drafts = true;
  const auto college = ok(f.db->agreement_statistics(own_college));
  CHECK(total(college.agreements) == 1);
  CHECK(college.agreements[0].state == "signed");
  REQUIRE(college.graduates.size() == 1);
  CHECK(college.graduates[0].college_code == "CS");

  store::StatisticsQuery of_2027;
  of_2027.graduation_year = 2027;
  of_2027.exclude_drafts = true;
  const auto year = ok(f.db->agreement_statistics(of_2027));
  CHECK(year.agreements.empty());
  CHECK(year.employers.empty());
  REQUIRE(year.graduates.size() == 1);
  CHECK(year.graduates[0].graduates == 1);
  CHECK(year.graduates[0].signed_students == 0);

  const auto with_drafts = ok(f.db->agreement_statistics({}));
  CHECK(total(with_drafts.agreements) == 3);
}

TEST_CASE("an export walks signed agreements a page at a time after the last id seen",
          "[contract][agreements][statistics]") {
  EACH_STORE_BACKEND_WITH(StatisticsWorld, f);
  const auto second = f.sign("2022003").id;
  store::AgreementQuery page;
  page.state = workflow::AgreementState::Signed;
  page.limit = 1;
  const auto first_page = ok(f.db->list_agreements(page));
  REQUIRE(first_page.size() == 1);
  CHECK(first_page[0].id == f.signed_id);
  page.after_id = first_page[0].id;
  const auto second_page = ok(f.db->list_agreements(page));
  REQUIRE(second_page.size() == 1);
  CHECK(second_page[0].id == second);
  page.after_id = second;
  CHECK(ok(f.db->list_agreements(page)).empty());
}

}  // namespace sanfang::test::contract
