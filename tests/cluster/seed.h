// Sample data for the cluster tests and scripts/bench-cluster.sh, made through the use cases
// (app/) as over HTTP, so that serials, snapshots and the audit chain are real. Everything answers
// with Result (no test assertions), so that several threads may seed one store at once.
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <string>
#include <vector>

namespace sanfang::cluster {

// College CS (计算机与通信学院) and a vetted employer with a complete profile.
Result<workflow::Employer> add_college_and_employer(const app::Context& context);

// A student of CS graduating 2026 with verified source info; distinct `number`s (0 to 27971) give
// distinct student numbers (2301000000 + number) and resident IDs.
Result<workflow::Student> add_verified_student(const app::Context& context, int number);

// For each of `count` new students (numbers first, first + 1, …): the employer's invitation,
// accepted by the student and approved by the college, so that the school's approval signs it.
// Seeded on `threads` threads; the agreements in student order, or the first failure.
Result<std::vector<workflow::Agreement>> awaiting_school(const app::Context& context,
                                                         const workflow::Employer& employer, int first, int count,
                                                         int threads = 4);

// The same agreements approved by the school too: signed, with serials, ready to print. Their
// signed PDFs are left to be made on first download when `context` makes none (see app::Context).
Result<std::vector<workflow::Agreement>> signed_agreements(const app::Context& context,
                                                           const workflow::Employer& employer, int first, int count,
                                                           int threads = 4);

// A new account of `role` (a student's: `student_no`) named `username`, and a session of it.
Result<std::string> session_token(const app::Context& context, workflow::Role role, const std::string& username,
                                  const std::string& student_no = {});

}  // namespace sanfang::cluster
