// The employment office's view of the agreements (SPEC table: GET /api/v1/stats and the export):
// counts by state, college, major and the employer's nature, industry and region; the signing rate
// against the imported graduates; and the signed agreements as rows of the form, a page at a time.
// Who may look, and at which colleges, is workflow::office_report_scope; anyone else gets
// NotFound, as for any other address outside their scope.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sanfang::app {

// One group of a count: its code and the Chinese label people read (a state's label, a code
// list's label, a college's name). `code` is empty for agreements whose unit left the member
// blank ("未填写") or, for the region, whose location is blank or names no province
// ("未填写或未能识别").
struct CountBucket {
  std::string code;
  std::string label;
  std::int64_t count = 0;
};

struct SigningRate {
  std::string college_code;  // empty for the overall rate
  std::string college_name;
  std::int64_t graduates = 0;        // students imported
  std::int64_t signed_students = 0;  // of them, with a signed agreement
  double rate = 0;                   // signed / graduates, 0 when there are no graduates
};

struct Statistics {
  std::optional<int> graduation_year;  // what the counts were narrowed to, if anything
  std::int64_t agreements = 0;         // every agreement counted below
  // Each list is ordered by count, largest first, then by code.
  std::vector<CountBucket> by_state, by_college, by_major;
  std::vector<CountBucket> by_employer_nature, by_employer_industry;
  // The province of the unit's location (单位所在地), as the region code list names it.
  std::vector<CountBucket> by_employer_region;
  std::vector<SigningRate> signing_by_college;  // ordered by college code
  SigningRate signing_overall;
};

// The counts over the agreements and graduates in the actor's report scope, of one graduation
// year when `graduation_year` is set (the agreement's year, the student's year).
Result<Statistics> statistics(const Context& context, const workflow::Actor& actor,
                              std::optional<int> graduation_year);

// Which signed agreements an export takes; unset members do not narrow.
struct SignedAgreementFilter {
  std::optional<std::string> college;  // college code
  std::optional<std::chrono::year_month_day> signed_from, signed_to;  // Beijing days, both included
};

// NotFound when the actor may not see reports, InvalidInput naming signed_to when the dates are
// the wrong way round; asked once before an export starts, so that a refusal is a proper answer.
Status check_signed_agreement_export(const workflow::Actor& actor, const SignedAgreementFilter& filter);

// The next page of signed agreements the actor's report scope and the filter select: at most
// `limit`, ids above `after_id`, oldest first. An empty page is the end.
Result<std::vector<workflow::Agreement>> signed_agreements_page(const Context& context, const workflow::Actor& actor,
                                                                const SignedAgreementFilter& filter,
                                                                std::int64_t after_id, int limit);

}  // namespace sanfang::app
