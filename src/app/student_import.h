// Student import from the student-records system (SPEC "Accounts"; issue 3): a CSV file with the
// header student_no,name,id_number,gender,college_code,college_name,major,degree,graduation_year.
// Used by POST /api/v1/admin/students/import (import_students) and by `sanfang import FILE.csv`
// (import_students_csv, the operator at the machine), so both give the same answer for the same
// file.
//
// Every line is checked on its own — the printed columns by the agreement's field rules, and no
// free-text cell may start like a spreadsheet formula (= + - @, tab, CR); a bad line is reported (line number, field, Chinese detail)
// and skipped, a good line is imported in one transaction (college, student, account), so nothing
// is ever half-written. A new student gets an account named after the student number whose
// password is the last 6 characters of the resident ID and must be changed at first login.
#pragma once

#include "app/context.h"
#include "core/code_lists.h"
#include "core/result.h"
#include "store/store.h"
#include "workflow/agreement_document.h"
#include "workflow/clock.h"

#include <string>
#include <string_view>
#include <vector>

namespace sanfang::app {

struct ImportLineError {
  int line = 0;       // physical line of the file where the record starts; the header is line 1
  std::string field;  // a CSV column name, or "columns" when the line has the wrong shape
  std::string detail;
};

struct ImportReport {
  int imported = 0;  // new students
  int updated = 0;   // students already known, their data replaced
  std::vector<ImportLineError> errors;
};

// Errors (nothing imported) for a file that is not CSV at all — an unclosed quote, a quote in the
// middle of an unquoted field — or whose header is not the expected one; storage failures stop
// the import (lines before it stay imported, each complete).
// `codes` and `print` check the printed columns as the agreement will print them (a name the
// fonts cannot draw is refused here, not at signing).
Result<ImportReport> import_students_csv(store::Store& store, std::string_view csv, workflow::Timestamp now,
                                         const core::CodeLists& codes, const workflow::PrintCheck& print);

// The school's import of a file (Forbidden for anyone else; InvalidInput naming body when empty).
Result<ImportReport> import_students(const Context& context, const workflow::Actor& actor, std::string_view csv);

}  // namespace sanfang::app
