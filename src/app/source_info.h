// 生源核查 as use cases (SPEC "Source-info verification"): the student edits and submits the four
// sections, a reviewer of the student's college verifies or rejects them. The rules are in
// workflow/source_info_rules.h; who may see a student is workflow/visibility.h (NotFound naming
// student_no otherwise). Each change is stored with the version that was read, so two tabs
// editing one record cannot overwrite each other silently (Conflict naming version).
#pragma once

#include "app/context.h"
#include "core/result.h"
#include "workflow/entities.h"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace sanfang::app {

// What a student list is searched by; unset members do not narrow.
struct StudentFilter {
  std::optional<std::string> college;  // college code
  std::optional<workflow::SourceInfoState> source_state;
  std::optional<std::string> major;
  std::optional<int> graduation_year;
  std::optional<std::string> name_fragment;  // of the name or the student number
  store::StudentOrder order = store::StudentOrder::ByNumber;
  int limit = 50;
  int offset = 0;
};

struct StudentPage {
  std::vector<store::StudentListing> items;
  std::int64_t total = 0;  // every student the filter selects for this actor
};

// The students the actor may list (workflow::student_list_scope) that the filter selects, a page
// at a time, with the identity imported from the records system and where their source info
// stands: `source_state=submitted` is a college's queue of 生源核查 to verify. NotFound for those
// who list no students; another college named by a college reviewer finds nothing.
Result<StudentPage> list_students(const Context& context, const workflow::Actor& actor, const StudentFilter& filter);
// The same list's total alone (its limit and offset do not matter).
Result<std::int64_t> count_students(const Context& context, const workflow::Actor& actor, const StudentFilter& filter);

struct StudentSourceInfo {
  workflow::Student student;
  workflow::SourceInfo info;
};

// The student if the actor may see them; NotFound naming student_no otherwise.
Result<workflow::Student> visible_student(const Context& context, const workflow::Actor& actor,
                                          std::string_view student_no);

Result<StudentSourceInfo> source_info(const Context& context, const workflow::Actor& actor,
                                      std::string_view student_no);

// The student saves the sections; `version` is the one they read (required: InvalidInput naming
// version without it).
Result<StudentSourceInfo> save_source_info(const Context& context, const workflow::Actor& actor,
                                           std::string_view student_no, workflow::SourceSections sections,
                                           std::optional<std::int64_t> version);

// The student submits for review; `version`, when given, must still be the stored one.
Result<StudentSourceInfo> submit_source_info(const Context& context, const workflow::Actor& actor,
                                             std::string_view student_no, std::optional<std::int64_t> version);

Result<StudentSourceInfo> review_source_info(const Context& context, const workflow::Actor& actor,
                                             std::string_view student_no, workflow::ReviewDecision decision,
                                             std::string_view reason);

}  // namespace sanfang::app
