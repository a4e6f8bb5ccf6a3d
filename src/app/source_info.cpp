#include "app/source_info.h"

#include "core/field_labels.h"
#include "workflow/agreement_document.h"
#include "workflow/source_info_rules.h"
#include "workflow/visibility.h"

#include <utility>

namespace sanfang::app {

namespace {

Error stale_version() { return Error::make(ErrorKind::Conflict, "生源信息已被修改，请刷新后重试", "version"); }

Result<StudentSourceInfo> store_change(const Context& context, const workflow::Student& student,
                                       const workflow::SourceInfoChange& change, std::int64_t expected_version) {
  // TRY before the aggregate: leaving a statement expression mid-initialiser skips destructors.
  workflow::SourceInfo stored = TRY(context.store.apply_source_info_change(change, expected_version));
  return StudentSourceInfo{student, std::move(stored)};
}

}  // namespace

Result<workflow::Student> visible_student(const Context& context, const workflow::Actor& actor,
                                          std::string_view student_no) {
  auto student = context.store.student(student_no);
  if (!student && student.error().kind != ErrorKind::NotFound) return student.take_error();
  if (!student || !workflow::may_see_student(actor, *student))
    return Error::make(ErrorKind::NotFound, "学生不存在", "student_no");
  return student;
}

namespace {

// The store query of a filtered student list as the actor may list it; NotFound for those who
// list no students, nullopt when nothing can match (another college named by a college reviewer).
Result<std::optional<store::StudentQuery>> visible_query(const workflow::Actor& actor, const StudentFilter& filter) {
  const workflow::StudentListScope scope = workflow::student_list_scope(actor);
  TRY(require_visible(!scope.none));
  if (scope.college_code && filter.college && *filter.college != *scope.college_code)
    return std::optional<store::StudentQuery>();
  store::StudentQuery query;
  query.college_code = scope.college_code ? scope.college_code : filter.college;
  query.source_state = filter.source_state;
  query.major = filter.major;
  query.graduation_year = filter.graduation_year;
  query.name_fragment = filter.name_fragment;
  query.order = filter.order;
  query.limit = filter.limit;
  query.offset = filter.offset;
  return std::optional<store::StudentQuery>(std::move(query));
}

}  // namespace

Result<StudentPage> list_students(const Context& context, const workflow::Actor& actor, const StudentFilter& filter) {
  const auto query = TRY(visible_query(actor, filter));
  if (!query) return StudentPage{};
  StudentPage page;
  page.items = TRY(context.store.list_students(*query));
  page.total = TRY(context.store.count_students(*query));
  return page;
}

Result<std::int64_t> count_students(const Context& context, const workflow::Actor& actor, const StudentFilter& filter) {
  const auto query = TRY(visible_query(actor, filter));
  if (!query) return std::int64_t{0};
  return context.store.count_students(*query);
}

Result<StudentSourceInfo> source_info(const Context& context, const workflow::Actor& actor,
                                      std::string_view student_no) {
  workflow::Student student = TRY(visible_student(context, actor, student_no));
  workflow::SourceInfo info = TRY(context.store.source_info(student.student_no));
  return StudentSourceInfo{std::move(student), std::move(info)};
}

Result<StudentSourceInfo> save_source_info(const Context& context, const workflow::Actor& actor,
                                           std::string_view student_no, workflow::SourceSections sections,
                                           std::optional<std::int64_t> version) {
  const workflow::Student student = TRY(visible_student(context, actor, student_no));
  TRY(workflow::validate_source_sections(sections, student, context.codes, context.print_check));
  const workflow::SourceInfo current = TRY(context.store.source_info(student.student_no));
  const auto change = TRY(workflow::edit_source_info(current, actor, std::move(sections), context.now()));
  if (!version) return core::required_member("version", "请提交读取生源信息时得到的版本号");
  if (*version != current.version) return stale_version();
  return store_change(context, student, change, *version);
}

Result<StudentSourceInfo> submit_source_info(const Context& context, const workflow::Actor& actor,
                                             std::string_view student_no, std::optional<std::int64_t> version) {
  const workflow::Student student = TRY(visible_student(context, actor, student_no));
  const workflow::SourceInfo current = TRY(context.store.source_info(student.student_no));
  const auto change = TRY(workflow::submit_source_info(current, actor, context.now()));
  if (version && *version != current.version) return stale_version();
  return store_change(context, student, change, current.version);
}

Result<StudentSourceInfo> review_source_info(const Context& context, const workflow::Actor& actor,
                                             std::string_view student_no, workflow::ReviewDecision decision,
                                             std::string_view reason) {
  const workflow::Student student = TRY(visible_student(context, actor, student_no));
  const workflow::SourceInfo current = TRY(context.store.source_info(student.student_no));
  const auto change = TRY(workflow::review_source_info(current, actor, decision, reason, context.now()));
  return store_change(context, student, change, current.version);
}

}  // namespace sanfang::app
