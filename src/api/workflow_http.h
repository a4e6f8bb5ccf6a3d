// What the workflow route groups (students' source info, employers, agreements, documents, print
// jobs) share: the use cases' context (app/context.h) built from the App, entities as response
// JSON, strict request bodies with a size limit, and the reads that apply the visibility rule
// (workflow/visibility.h) — a record out of the caller's scope is NotFound, the same answer as a
// record that does not exist.
#pragma once

#include "api/json_body.h"
#include "api/routes.h"
#include "app/context.h"
#include "store/store.h"
#include "workflow/agreement_rules.h"
#include "workflow/entities.h"
#include "workflow/visibility.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>

namespace sanfang::api {

// The use cases' view of `app`, built per request so that it sees the App as it is now.
app::Context use_cases(App& app);

// A JSON body is a form, never a file: anything larger is refused with 413 before parsing.
inline constexpr std::size_t kMaxJsonBodyBytes = 64 * 1024;

// Strict body (see json_body.h) of at most kMaxJsonBodyBytes. An empty body reads as {} so that
// actions without inputs (send, accept) may be posted with or without one.
Result<JsonBody> read_json_body(const HttpRequest& request,
                                std::initializer_list<const char*> allowed);

// A path parameter that must be a positive integer id; anything else is a 404 (no such record).
Result<std::int64_t> id_parameter(const HttpRequest& request, const char* name);

using workflow::rfc3339;
// rfc3339 of a time that may be unset (null).
nlohmann::json optional_time(const std::optional<workflow::Timestamp>& t);

nlohmann::json employer_json(const workflow::Employer& employer);
// The student as imported from the records system (the identity reviewers check 生源 against).
nlohmann::json student_json(const workflow::Student& student);
// The source info with the student's imported identity under "student".
nlohmann::json source_info_json(const workflow::SourceInfo& info, const workflow::Student& student);
nlohmann::json attachment_json(const workflow::Attachment& attachment);
// An upload of an agreement: the attachment with its id, when it came and where its file is.
nlohmann::json upload_json(const store::AgreementUpload& upload);
// The agreement as `viewer` sees it: its attachments are listed only for those who may see them.
nlohmann::json agreement_json(const workflow::Agreement& agreement,
                              const workflow::WorkflowOptions& options, const workflow::Actor& viewer);
// One audit event with who acted: role, its Chinese label and the actor's display name.
nlohmann::json audit_json(const store::AuditRecord& record);

// The problem for a failed agreement action: a 409 carries the agreement's state as it is now
// (re-read, since a lost race means someone else changed it), every other error maps as usual.
HttpResponse agreement_problem(store::Store& store, const Error& error, std::int64_t agreement_id);

// The agreement with `id` if the caller may see it in `view`; NotFound otherwise.
Result<workflow::Agreement> visible_agreement(RouteContext& context, std::int64_t id,
                                              workflow::AgreementView view = workflow::AgreementView::Record);

// NotFound unless `visible`: for the route groups whose whole resource is out of some callers'
// scope (the employer library, print jobs, the verification log, documents by serial).
using app::require_visible;

}  // namespace sanfang::api
