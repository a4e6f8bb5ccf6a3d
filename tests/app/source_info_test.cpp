// The source-info and employer-library use cases without HTTP.
#include "app_fixture.h"

#include "app/employers.h"
#include "app/source_info.h"

namespace sanfang::apptest {

using workflow::SourceInfoState;

TEST_CASE("the student saves and submits source info and the college verifies it", "[app][source_info]") {
  AppWorld world;
  world.add_student("2022010101");
  const auto student = AppWorld::student("2022010101");
  const auto fresh = ok(app::source_info(world.context(), student, "2022010101"));
  const auto saved =
      ok(app::save_source_info(world.context(), student, "2022010101", sample_sections("2022010101"), fresh.info.version));
  CHECK(saved.info.state == SourceInfoState::Draft);
  const auto submitted = ok(app::submit_source_info(world.context(), student, "2022010101", saved.info.version));
  CHECK(submitted.info.state == SourceInfoState::Submitted);
  const auto verified = ok(app::review_source_info(world.context(), AppWorld::college(), "2022010101",
                                                   workflow::ReviewDecision::Approve, ""));
  CHECK(verified.info.state == SourceInfoState::Verified);
}

TEST_CASE("source info saved with a stale or missing version is refused and the record is unchanged",
          "[app][source_info]") {
  AppWorld world;
  world.add_student("2022010101");
  const auto student = AppWorld::student("2022010101");
  const auto saved = ok(app::save_source_info(world.context(), student, "2022010101", sample_sections("2022010101"), 0));
  auto changed = sample_sections("2022010101");
  changed.contact["mobile"] = "13800000000";
  CHECK(refused(app::save_source_info(world.context(), student, "2022010101", changed, 0), ErrorKind::Conflict).field ==
        "version");
  CHECK(refused(app::save_source_info(world.context(), student, "2022010101", changed, std::nullopt),
                ErrorKind::InvalidInput)
            .field == "version");
  const auto stored = ok(world.store().source_info("2022010101"));
  CHECK(stored.version == saved.info.version);
  CHECK(stored.sections.contact["mobile"] == "13912345678");
}

TEST_CASE("sections that break a field rule are refused naming the member", "[app][source_info]") {
  AppWorld world;
  world.add_student("2022010101");
  auto sections = sample_sections("2022010101");
  sections.basic["birth_date"] = "2004-01-01";  // not the birth date of the resident ID
  const Error error = refused(
      app::save_source_info(world.context(), AppWorld::student("2022010101"), "2022010101", sections, 0),
      ErrorKind::InvalidInput);
  CHECK(error.field == "basic.birth_date");
  CHECK(ok(world.store().source_info("2022010101")).version == 0);
}

TEST_CASE("a reviewer of another college does not find the student", "[app][source_info][visibility]") {
  AppWorld world;
  world.add_student("2022010101");
  const auto student = AppWorld::student("2022010101");
  const auto saved = ok(app::save_source_info(world.context(), student, "2022010101", sample_sections("2022010101"), 0));
  ok(app::submit_source_info(world.context(), student, "2022010101", saved.info.version));
  const Error error = refused(app::review_source_info(world.context(), AppWorld::college("ME"), "2022010101",
                                                      workflow::ReviewDecision::Approve, ""),
                              ErrorKind::NotFound);
  CHECK(error.field == "student_no");
  CHECK(ok(world.store().source_info("2022010101")).state == SourceInfoState::Submitted);
  refused(app::source_info(world.context(), AppWorld::student("2022010199"), "2022010101"), ErrorKind::NotFound);
}

app::NewEmployer new_unit() {
  return {"兰州新区建设投资集团有限公司", "91440300708461136T",
          {{"nature", "39"}, {"industry", "34"}, {"location", "甘肃省兰州市"}, {"address", "甘肃省兰州市兰州新区"},
           {"postcode", "730300"}, {"contact", "王经理"}, {"phone", "0931-8812346"}}};
}

TEST_CASE("an HR account registers its unit unvetted and the school vets it", "[app][employers]") {
  AppWorld world;
  const workflow::Actor hr{workflow::Role::Employer, 0, "", 0, ""};
  const auto registered = ok(app::register_employer(world.context(), hr, new_unit()));
  CHECK_FALSE(registered.vetted);
  refused(app::vet_employer(world.context(), AppWorld::college(), registered.id), ErrorKind::Forbidden);
  CHECK_FALSE(ok(world.store().employer(registered.id)).vetted);
  CHECK(ok(app::vet_employer(world.context(), AppWorld::school(), registered.id)).vetted);
  const auto found = ok(app::search_employers(world.context(), AppWorld::student("2022010101"), "新区", 10));
  REQUIRE(found.size() == 1);
  CHECK(found[0].id == registered.id);
}

TEST_CASE("a unit missing a printed member is refused and not registered, the print room may not register",
          "[app][employers]") {
  AppWorld world;
  app::NewEmployer unit = new_unit();
  unit.profile.erase("phone");
  CHECK(refused(app::register_employer(world.context(), AppWorld::school(), unit), ErrorKind::InvalidInput).field ==
        "profile.phone");
  refused(app::register_employer(world.context(), AppWorld::print_room(), new_unit()), ErrorKind::Forbidden);
  CHECK(ok(world.store().search_employers("新区", 10)).empty());
  refused(app::search_employers(world.context(), AppWorld::print_room(), "", 10), ErrorKind::NotFound);
}

}  // namespace sanfang::apptest
