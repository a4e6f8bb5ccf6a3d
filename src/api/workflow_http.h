// What the workflow route groups (students' source info, employers, agreements) share: entities
// as response JSON, strict request bodies with a size limit, and the scope rules that decide which
// records an account can see at all (SPEC "Bad input": out of scope answers 404, not 403).
#pragma once

#include "api/json_body.h"
#include "api/routes.h"
#include "store/store.h"
#include "workflow/agreement_rules.h"
#include "workflow/entities.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>

namespace sanfang::api {

// A JSON body is a form, never a file: anything larger is refused with 413 before parsing.
inline constexpr std::size_t kMaxJsonBodyBytes = 64 * 1024;

// Strict body (see json_body.h) of at most kMaxJsonBodyBytes. An empty body reads as {} so that
// actions without inputs (send, accept) may be posted with or without one.
Result<JsonBody> read_json_body(const HttpRequest& request,
                                std::initializer_list<const char*> allowed);

// A path parameter that must be a positive integer id; anything else is a 404 (no such record).
Result<std::int64_t> id_parameter(const HttpRequest& request, const char* name);

// "2026-06-01T08:00:00Z"
std::string rfc3339(workflow::Timestamp t);

nlohmann::json employer_json(const workflow::Employer& employer);
nlohmann::json source_info_json(const workflow::SourceInfo& info, const workflow::Student& student);
nlohmann::json attachment_json(const workflow::Attachment& attachment);
nlohmann::json agreement_json(const workflow::Agreement& agreement,
                              const workflow::WorkflowOptions& options);
nlohmann::json audit_json(const store::AuditRecord& record);

// The problem for a failed agreement action: a 409 carries the agreement's state as it is now
// (re-read, since a lost race means someone else changed it), every other error maps as usual.
HttpResponse agreement_problem(store::Store& store, const Error& error, std::int64_t agreement_id);

// Whether `actor` may see this agreement at all. Students see their own (invitations once sent),
// an employer its own unit's invitations, a college reviewer their college's, school, portal and
// print room all; nobody but the originator sees a draft.
bool can_see(const workflow::Actor& actor, const workflow::Agreement& agreement);

// The agreement with `id` if `actor` can see it; NotFound otherwise.
Result<workflow::Agreement> visible_agreement(RouteContext& context, std::int64_t id);

}  // namespace sanfang::api
