// The filter and order of a student list (StudentQuery) in SQL, written once for both backends as
// agreement_query_sql.h is: the students joined with their source info (a student without a
// record counts as draft), conditions with `?` placeholders and their values in order.
#pragma once

#include "store/agreement_query_sql.h"

#include <string>
#include <vector>

namespace sanfang::store {

// The columns a StudentListing is read from, in order: student_no, name, id_number, gender,
// college_code, major, degree, graduation_year, source state, source updated_at (NULL: no record).
inline constexpr const char* kStudentListingColumns =
    "SELECT s.student_no, s.name, s.id_number, s.gender, s.college_code, s.major, s.degree,"
    " s.graduation_year, COALESCE(i.state, 'draft'), i.updated_at ";

// filter: "FROM students s LEFT JOIN source_infos i … WHERE …".
QuerySql student_query_sql(const StudentQuery& query);

}  // namespace sanfang::store
