// Sample data for `sanfang demo` and `sanfang bench-seed`, made through the use cases
// (app/) — the same path the HTTP API takes — so that the audit log, the snapshots and the
// serials are real. The sample's actors have no accounts (account id 0); the times are the
// context's clock.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

namespace sanfang::cli {

// A folder for generated data: new, empty, or one that `sanfang <command>` made before (it holds
// `marker`), which is then removed. Anything else is refused naming --data, so no real data is lost.
Status prepare_sample_folder(const std::filesystem::path& dir, const std::string& marker, const std::string& command);

// GB 11643: 17 digits and their ISO 7064 MOD 11-2 check character.
std::string resident_id(const std::string& seventeen_digits);

// The student's four source-info sections, valid for the code lists. `id_base`: the 17 digits of
// the resident ID (the birth date is taken from it).
workflow::SourceSections sample_source_sections(const std::string& student_no, const std::string& id_base);

// The terms an employer fills in: position, salary, archive and hukou addresses, remarks.
nlohmann::json sample_agreement_content();

// The students, employer HR accounts and reviewers of the sample, as the rules see them.
workflow::Actor sample_student(const std::string& student_no);
workflow::Actor sample_employer(std::int64_t employer_id);
workflow::Actor sample_college_reviewer(const std::string& college_code);
workflow::Actor sample_school();
// Whoever reviews at `level` for a student of `college_code`.
workflow::Actor sample_reviewer(workflow::ReviewLevel level, const std::string& college_code);
// The reviewer an agreement in review waits for, by the chain it entered review with (the
// configured chain may be school only).
workflow::Actor sample_pending_reviewer(const workflow::Agreement& in_review);

// Every remaining level of the agreement's review chain approves; the last approval signs.
Result<workflow::Agreement> approve_through_chain(const app::Context& context, workflow::Agreement in_review);
// Every level of the pending termination's chain approves; the last ends the agreement.
Result<workflow::Agreement> approve_termination_through_chain(const app::Context& context,
                                                              const workflow::Agreement& agreement);

// The student fills in and submits the source info (生源核查); the college then approves it.
Status submit_sample_source_info(const app::Context& context, const workflow::Student& student,
                                 const std::string& id_base);
Status approve_source_info(const app::Context& context, const workflow::Student& student);

// An invitation from `employer` taken through send, accept and the review chain: a signed
// agreement with its serial (and its PDF, when the context makes documents at signing).
Result<workflow::Agreement> sign_invitation(const app::Context& context, const workflow::Employer& employer,
                                            const workflow::Student& student);

}  // namespace sanfang::cli
