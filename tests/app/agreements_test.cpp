// The agreement use cases without HTTP: each action's success and its main refusal, and that a
// refusal changes nothing.
#include "app_fixture.h"

#include "app/agreements.h"

namespace sanfang::apptest {

using workflow::AgreementState;
using workflow::ReviewDecision;

TEST_CASE("an employer's invitation is created as a draft and a reviewer may not create one", "[app][agreements]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto draft =
      ok(app::create_agreement(world.context(), world.employer(), {"2022010101", std::nullopt, sample_content()}));
  CHECK(draft.state == AgreementState::Draft);
  CHECK(draft.employer_id == world.employer_id);

  const Error error = refused(
      app::create_agreement(world.context(), AppWorld::college(), {"2022010101", std::nullopt, sample_content()}),
      ErrorKind::Forbidden);
  CHECK(error.message == "只有用人单位或毕业生可以创建协议");
  CHECK(ok(world.store().agreements_of_student("2022010101")).size() == 1);
}

TEST_CASE("terms that break a field rule are refused naming the member under content and nothing is stored",
          "[app][agreements]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  nlohmann::json content = sample_content();
  content["archive"]["postcode"] = "73003";
  const Error error = refused(
      app::create_agreement(world.context(), world.employer(), {"2022010101", std::nullopt, content}),
      ErrorKind::InvalidInput);
  CHECK(error.field == "content.archive.postcode");
  CHECK(ok(world.store().agreements_of_student("2022010101")).empty());
}

TEST_CASE("an agreement another student cannot see is not found for them, and a student sees theirs once sent",
          "[app][agreements][visibility]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  world.add_verified_student("2022010102");
  const auto draft =
      ok(app::create_agreement(world.context(), world.employer(), {"2022010101", std::nullopt, sample_content()}));
  refused(app::visible_agreement(world.context(), AppWorld::student("2022010101"), draft.id), ErrorKind::NotFound);
  CHECK(ok(app::list_agreements(world.context(), AppWorld::student("2022010101"), {})).items.empty());

  ok(app::send_invitation(world.context(), world.employer(), draft.id));
  CHECK(ok(app::list_agreements(world.context(), AppWorld::student("2022010101"), {})).items.size() == 1);
  refused(app::agreement_details(world.context(), AppWorld::student("2022010102"), draft.id), ErrorKind::NotFound);
  refused(app::accept_invitation(world.context(), AppWorld::student("2022010102"), draft.id, draft.version + 1),
          ErrorKind::NotFound);
  CHECK(ok(world.store().agreement(draft.id)).state == AgreementState::Invited);
}

TEST_CASE("the invited student accepts into review, accepting twice is a conflict that changes nothing",
          "[app][agreements]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto invited = world.invite("2022010101");
  const auto accepted = ok(app::accept_invitation(world.context(), AppWorld::student("2022010101"), invited.id, invited.version));
  CHECK(accepted.state == AgreementState::InReview);
  CHECK(accepted.snapshot.is_object());
  refused(app::accept_invitation(world.context(), AppWorld::student("2022010101"), invited.id, invited.version), ErrorKind::Conflict);
  CHECK(ok(world.store().agreement(invited.id)).version == accepted.version);
}

TEST_CASE("an employer edits an invitation while it is out, an acceptance of the earlier version is refused and "
          "changes nothing",
          "[app][agreements][edit]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto invited = world.invite("2022010101");
  world.clock().advance(std::chrono::hours{1});
  nlohmann::json terms = sample_content();
  terms["job"]["salary"] = "月薪 15000 元";
  const auto edited = ok(app::edit_agreement(world.context(), world.employer(), invited.id, terms, invited.version));
  CHECK(edited.state == AgreementState::Invited);
  CHECK(edited.version > invited.version);
  CHECK(edited.content["job"]["salary"] == "月薪 15000 元");
  // SPEC: an invitation expires 14 days after it was (last) sent; an edit is not a sending.
  CHECK(edited.sent_at == invited.sent_at);

  const Error stale = refused(
      app::accept_invitation(world.context(), AppWorld::student("2022010101"), invited.id, invited.version),
      ErrorKind::Conflict);
  CHECK(stale.message == "单位已修改邀约，请重新查看后再应约");
  CHECK(stale.field == "version");
  const auto unchanged = ok(world.store().agreement(invited.id));
  CHECK(unchanged.state == AgreementState::Invited);
  CHECK(unchanged.version == edited.version);

  const auto history = ok(app::agreement_history(world.context(), AppWorld::student("2022010101"), invited.id));
  REQUIRE_FALSE(history.empty());
  CHECK(history.back().event.action == "edit");
  CHECK(history.back().event.actor_role == workflow::Role::Employer);
  CHECK(history.back().event.at == world.clock().now());

  CHECK(ok(app::accept_invitation(world.context(), AppWorld::student("2022010101"), invited.id, edited.version))
            .state == AgreementState::InReview);
}

TEST_CASE("an invitation past its 14 days cannot be edited", "[app][agreements][edit]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto invited = world.invite("2022010101");
  world.clock().advance(std::chrono::days{14});
  const Error error = refused(
      app::edit_agreement(world.context(), world.employer(), invited.id, sample_content(), invited.version),
      ErrorKind::Conflict);
  CHECK(error.message == "邀约已过期，不能修改");
  CHECK(ok(world.store().agreement(invited.id)).version == invited.version);
}

TEST_CASE("a return needs a reason, with one the invitation goes back to the employer", "[app][agreements]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto invited = world.invite("2022010101");
  const Error error =
      refused(app::return_invitation(world.context(), AppWorld::student("2022010101"), invited.id, ""),
              ErrorKind::InvalidInput);
  CHECK(error.field == "reason");
  CHECK(ok(world.store().agreement(invited.id)).state == AgreementState::Invited);
  const auto returned =
      ok(app::return_invitation(world.context(), AppWorld::student("2022010101"), invited.id, "薪酬与面谈不一致"));
  CHECK(returned.state == AgreementState::Returned);
  CHECK(returned.last_reason == "薪酬与面谈不一致");
}

TEST_CASE("the originator edits a returned invitation with the version read, a stale version loses",
          "[app][agreements]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto invited = world.invite("2022010101");
  const auto returned =
      ok(app::return_invitation(world.context(), AppWorld::student("2022010101"), invited.id, "薪酬与面谈不一致"));
  nlohmann::json content = sample_content();
  content["job"]["salary"] = "月薪 9000 元";
  refused(app::edit_agreement(world.context(), world.employer(), invited.id, content, invited.version),
          ErrorKind::Conflict);
  CHECK(ok(world.store().agreement(invited.id)).content == returned.content);
  const auto edited = ok(app::edit_agreement(world.context(), world.employer(), invited.id, content, returned.version));
  CHECK(edited.content["job"]["salary"] == "月薪 9000 元");
}

TEST_CASE("the employer withdraws its invitation, the student may not", "[app][agreements]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto invited = world.invite("2022010101");
  refused(app::withdraw_agreement(world.context(), AppWorld::student("2022010101"), invited.id), ErrorKind::Forbidden);
  CHECK(ok(world.store().agreement(invited.id)).state == AgreementState::Invited);
  CHECK(ok(app::withdraw_agreement(world.context(), world.employer(), invited.id)).state == AgreementState::Withdrawn);
}

TEST_CASE("college then school approve, the last approval signs and makes the document once with the serial",
          "[app][agreements][signing]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto invited = world.invite("2022010101");
  ok(app::accept_invitation(world.context(), AppWorld::student("2022010101"), invited.id, invited.version));
  // The school's turn comes after the college's.
  refused(app::review_agreement(world.context(), AppWorld::school(), invited.id, ReviewDecision::Approve, ""),
          ErrorKind::Forbidden);
  ok(app::review_agreement(world.context(), AppWorld::college(), invited.id, ReviewDecision::Approve, ""));
  CHECK(world.documents_made.empty());
  const auto signed_agreement =
      ok(app::review_agreement(world.context(), AppWorld::school(), invited.id, ReviewDecision::Approve, ""));
  CHECK(signed_agreement.state == AgreementState::Signed);
  REQUIRE(signed_agreement.serial);
  REQUIRE(world.documents_made.size() == 1);
  CHECK(world.documents_made[0].serial == signed_agreement.serial);
  const auto history = ok(app::agreement_history(world.context(), AppWorld::student("2022010101"), invited.id));
  CHECK(history.back().event.to_state == "signed");
}

TEST_CASE("when the document cannot be made the agreement stays in review and the serial is not used up",
          "[app][agreements][signing]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto invited = world.invite("2022010101");
  ok(app::accept_invitation(world.context(), AppWorld::student("2022010101"), invited.id, invited.version));
  const auto approved =
      ok(app::review_agreement(world.context(), AppWorld::college(), invited.id, ReviewDecision::Approve, ""));
  world.document_failure = Error::make(ErrorKind::Overflow, "内容过长", "employer.name");
  const Error error = refused(
      app::review_agreement(world.context(), AppWorld::school(), invited.id, ReviewDecision::Approve, ""),
      ErrorKind::Overflow);
  CHECK(error.field == "employer.name");
  const auto after = ok(world.store().agreement(invited.id));
  CHECK(after.state == AgreementState::InReview);
  CHECK(after.version == approved.version);
  CHECK_FALSE(after.serial);

  world.document_failure.reset();
  const auto signed_agreement =
      ok(app::review_agreement(world.context(), AppWorld::school(), invited.id, ReviewDecision::Approve, ""));
  REQUIRE(world.documents_made.size() == 1);
  CHECK(signed_agreement.serial == world.documents_made[0].serial);
}

TEST_CASE("a reviewer rejects with a reason, a rejection without one is refused", "[app][agreements]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto invited = world.invite("2022010101");
  ok(app::accept_invitation(world.context(), AppWorld::student("2022010101"), invited.id, invited.version));
  refused(app::review_agreement(world.context(), AppWorld::college(), invited.id, ReviewDecision::Reject, ""),
          ErrorKind::InvalidInput);
  CHECK(ok(world.store().agreement(invited.id)).state == AgreementState::InReview);
  CHECK(ok(app::review_agreement(world.context(), AppWorld::college(), invited.id, ReviewDecision::Reject, "档案地址不完整"))
            .state == AgreementState::Rejected);
}

TEST_CASE("a student's own signing is submitted with proof uploaded, without proof it is refused",
          "[app][agreements][uploads]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto student = AppWorld::student("2022010101");
  app::NewAgreement input;
  input.employer_id = world.employer_id;
  input.content = sample_content();
  const auto draft = ok(app::create_agreement(world.context(), student, input));
  CHECK(draft.origin == workflow::AgreementOrigin::StudentInitiated);
  refused(app::submit_agreement(world.context(), student, draft.id), ErrorKind::InvalidInput);

  const std::string png = png_bytes();
  const auto uploaded = ok(app::upload_attachment(world.context(), student, draft.id,
                                                  {workflow::AttachmentPurpose::Proof, png, "image/png"}));
  CHECK(uploaded.upload.attachment.media_type == workflow::MediaType::Png);
  CHECK(uploaded.agreement.attachments.size() == 1);
  CHECK(ok(app::submit_agreement(world.context(), student, draft.id)).state == AgreementState::InReview);
}

TEST_CASE("an upload whose bytes are not an image or PDF is refused and stores nothing", "[app][agreements][uploads]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto student = AppWorld::student("2022010101");
  app::NewAgreement input;
  input.employer_id = world.employer_id;
  const auto draft = ok(app::create_agreement(world.context(), student, input));
  refused(app::upload_attachment(world.context(), student, draft.id,
                                 {workflow::AttachmentPurpose::Proof, "not a picture", "image/png"}),
          ErrorKind::InvalidInput);
  CHECK(ok(world.store().uploads_of(draft.id)).empty());
  CHECK(ok(world.store().agreement(draft.id)).attachments.empty());
}

TEST_CASE("the student asks to end a signed agreement with uploaded letters and both reviewers approve",
          "[app][agreements][termination]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const auto student = AppWorld::student("2022010101");
  const std::int64_t id = world.sign("2022010101").id;
  const std::string png = png_bytes();
  std::vector<std::int64_t> letters;
  for (auto purpose : {workflow::AttachmentPurpose::ReleaseLetter, workflow::AttachmentPurpose::AcceptanceLetter})
    letters.push_back(ok(app::upload_attachment(world.context(), student, id, {purpose, png, "image/png"})).upload.id);

  const Error unknown = refused(app::request_termination(world.context(), student, id, "考取研究生", {letters[0], 999}),
                                ErrorKind::InvalidInput);
  CHECK(unknown.field == "attachment_ids[1]");
  CHECK(ok(world.store().agreement(id)).state == AgreementState::Signed);

  const auto requested = ok(app::request_termination(world.context(), student, id, "考取研究生", letters));
  CHECK(requested.state == AgreementState::TerminationRequested);
  const auto details = ok(app::agreement_details(world.context(), AppWorld::college(), id));
  REQUIRE(details.termination);
  CHECK(details.termination->material.size() == 2);

  refused(app::review_termination(world.context(), AppWorld::college("ME"), id, ReviewDecision::Approve, ""),
          ErrorKind::NotFound);
  ok(app::review_termination(world.context(), AppWorld::college(), id, ReviewDecision::Approve, ""));
  CHECK(ok(app::review_termination(world.context(), AppWorld::school(), id, ReviewDecision::Approve, "")).state ==
        AgreementState::Terminated);
}

TEST_CASE("termination material is the student's own to upload", "[app][agreements][termination]") {
  AppWorld world;
  world.add_verified_student("2022010101");
  const std::int64_t id = world.sign("2022010101").id;
  refused(app::upload_attachment(world.context(), world.employer(), id,
                                 {workflow::AttachmentPurpose::ReleaseLetter, png_bytes(), "image/png"}),
          ErrorKind::Forbidden);
  CHECK(ok(world.store().uploads_of(id)).empty());
}

}  // namespace sanfang::apptest
