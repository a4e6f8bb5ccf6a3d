#include "app/employers.h"

#include "app/sign_in.h"
#include "core/field_labels.h"
#include "core/validate.h"
#include "workflow/account_rules.h"
#include "workflow/agreement_document.h"
#include "workflow/employer_rules.h"
#include "workflow/limits.h"
#include "workflow/password_policy.h"
#include "workflow/visibility.h"

namespace sanfang::app {

namespace {

using workflow::Role;

constexpr std::size_t kMaxSearchCharacters = 64;

// SPEC: "a unit not in the library is filled in full and validated" — every member of the
// profile except the supervising department (主管部门), which many private units do not have.
constexpr const char* kRequiredProfileMembers[] = {"nature", "industry", "location", "address",
                                                   "postcode", "contact", "phone"};

std::size_t code_points(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

Result<workflow::Employer> checked_employer(const Context& context, const NewEmployer& input) {
  // Everything the agreement prints of the unit: it must print once the unit signs.
  TRY(workflow::validate_employer(input.name, input.uscc, input.profile, context.codes, context.print_check));
  workflow::Employer employer;
  employer.name = input.name;
  employer.uscc = TRY(core::validate_uscc(input.uscc, "uscc"));
  for (const char* name : kRequiredProfileMembers) {
    auto it = input.profile.find(name);
    if (it == input.profile.end() || !it->is_string() || it->get<std::string>().empty())
      return core::required_member(std::string("profile.") + name);
  }
  employer.profile = input.profile;
  employer.vetted = false;  // SPEC: only the school admits a unit to the library
  return employer;
}

// The audit record of a unit entering the library, unvetted; the store fills in its id.
workflow::AuditEvent registration_event(const workflow::Actor& actor, workflow::Timestamp now) {
  workflow::AuditEvent registered;
  registered.entity = "employer";
  registered.action = "register";
  registered.actor_account_id = actor.account_id;
  registered.actor_role = actor.role;
  registered.at = now;
  registered.to_state = "unvetted";
  return registered;
}

}  // namespace

Result<std::vector<workflow::Employer>> search_employers(const Context& context, const workflow::Actor& actor,
                                                         std::string_view name_part, int limit) {
  TRY(require_visible(workflow::may_see_employers(actor)));
  if (Status policy = core::check_text_policy(name_part, "q", false); !policy)
    return core::labelled(policy.take_error());
  if (code_points(name_part) > kMaxSearchCharacters)
    return Error::invalid("q", "搜索词不超过 " + std::to_string(kMaxSearchCharacters) + " 个字符");
  return context.store.search_employers(name_part, limit);
}

Result<workflow::Employer> visible_employer(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  TRY(require_visible(workflow::may_see_employers(actor)));
  return context.store.employer(id);
}

Status may_register_employer(const workflow::Actor& actor) {
  if (actor.role != Role::Employer && actor.role != Role::Student && actor.role != Role::School)
    return Error::make(ErrorKind::Forbidden, "无权登记用人单位");
  if (actor.role == Role::Employer && actor.employer_id != 0)
    return Error::make(ErrorKind::Conflict, "该账户已绑定用人单位", "account");
  return {};
}

Result<workflow::Employer> register_employer(const Context& context, const workflow::Actor& actor,
                                             const NewEmployer& input) {
  TRY(may_register_employer(actor));
  const workflow::Employer employer = TRY(checked_employer(context, input));
  if (actor.role == Role::Student)
    TRY(workflow::check_student_employer_limit(TRY(context.store.employers_registered_by(actor.account_id))));
  const workflow::AuditEvent registered = registration_event(actor, context.now());
  const std::int64_t bind_account = actor.role == Role::Employer ? actor.account_id : 0;
  return context.store.register_employer(employer, bind_account, {registered});
}

Result<workflow::Employer> vet_employer(const Context& context, const workflow::Actor& actor, std::int64_t id) {
  const workflow::Employer current = TRY(visible_employer(context, actor, id));
  const auto change = TRY(workflow::vet_employer(current, actor, context.now()));
  return context.store.apply_employer_change(change, current.version);
}

Result<workflow::Employer> unvet_employer(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                          std::string_view reason) {
  const workflow::Employer current = TRY(visible_employer(context, actor, id));
  TRY(core::check_text_policy(reason, "reason", true));
  const auto change = TRY(workflow::unvet_employer(current, actor, reason, context.now()));
  return context.store.apply_employer_change(change, current.version);
}

Result<workflow::Employer> edit_employer(const Context& context, const workflow::Actor& actor, std::int64_t id,
                                         const NewEmployer& edited, std::int64_t expected_version) {
  const workflow::Employer current = TRY(visible_employer(context, actor, id));
  const workflow::Employer checked = TRY(checked_employer(context, edited));
  const auto change = TRY(workflow::edit_employer(current, actor, checked, context.now()));
  return context.store.apply_employer_change(change, expected_version);
}

Result<SignedUpEmployer> sign_up_employer(const Context& context, const EmployerSignUp& sign_up) {
  TRY(workflow::check_username(sign_up.username, "username"));
  TRY(workflow::check_password({sign_up.password, sign_up.username, std::nullopt}, "password"));
  const workflow::Employer employer = TRY(checked_employer(context, sign_up.unit));
  TRY(require_solved_captcha(context, sign_up.captcha_id, sign_up.captcha_answer));
  store::NewAccount hr;
  hr.username = sign_up.username;
  hr.password = sign_up.password;
  hr.role = Role::Employer;
  SignedUpEmployer signed_up;
  TRY(context.store.in_one_transaction([&]() -> Status {
    signed_up.account = TRY(context.store.create_account(hr, context.now()));
    signed_up.employer = TRY(context.store.register_employer(
        employer, signed_up.account.id, {registration_event(signed_up.account.actor(), context.now())}));
    signed_up.account.employer_id = signed_up.employer.id;
    return {};
  }));
  return signed_up;
}

}  // namespace sanfang::app
