#include "app/student_import.h"

#include "core/field_labels.h"
#include "core/field_rules.h"
#include "core/validate.h"
#include "workflow/agreement_document.h"

#include <array>
#include <cctype>

namespace sanfang::app {

namespace {

constexpr std::array<const char*, 9> kColumns{"student_no",   "name",         "id_number",
                                              "gender",       "college_code", "college_name",
                                              "major",        "degree",       "graduation_year"};
// How the form names each column, for the report and for a header written in Chinese
// ("学号,姓名,…", as a records system exports it): the label path for core::field_label.
constexpr std::array<const char*, 9> kColumnLabelPaths{
    "student.student_no", "student.name",  "student.id_number", "student.gender",  "college_code",
    "college_name",       "student.major", "degree",            "graduation_year"};
// Column positions, in kColumns order.
enum Column { StudentNo, Name, IdNumber, Gender, CollegeCode, CollegeName, Major, Degree, Year };

constexpr int kMinGraduationYear = 2000;
constexpr int kMaxGraduationYear = 2100;
// 学历层次 is kept with the student but not printed (the agreement prints the coded 学历).
constexpr std::size_t kMaxDegreeCharacters = 32;

struct CsvRecord {
  int line = 0;  // where the record starts (a quoted field may span lines)
  std::vector<std::string> fields;
};

Error csv_error(int line, const std::string& what) {
  return Error::invalid("body", "第 " + std::to_string(line) + " 行不是合法的 CSV：" + what);
}

// RFC 4180: comma-separated fields, CRLF or LF line ends, fields in double quotes may hold
// commas, line breaks and doubled quotes.
Result<std::vector<CsvRecord>> read_csv(std::string_view text) {
  std::vector<CsvRecord> records;
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    CsvRecord record{line, {}};
    for (bool end_of_record = false; !end_of_record;) {
      std::string field;
      if (i < text.size() && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= text.size()) return csv_error(record.line, "引号未闭合");
          const char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              field += '"';
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n')
          return csv_error(line, "右引号后应为逗号或换行");
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
          if (text[i] == '"') return csv_error(line, "未加引号的字段中出现引号");
          field += text[i++];
        }
      }
      record.fields.push_back(std::move(field));
      if (i >= text.size()) {
        end_of_record = true;
      } else if (text[i] == ',') {
        ++i;
      } else {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        end_of_record = true;
      }
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::string trimmed(const std::string& value) {
  const auto first = value.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return value.substr(first, value.find_last_not_of(" \t") - first + 1);
}

bool is_blank(const CsvRecord& record) {
  return record.fields.size() == 1 && trimmed(record.fields[0]).empty();
}

bool ascii_alnum(const std::string& value, std::size_t min_length, std::size_t max_length) {
  if (value.size() < min_length || value.size() > max_length) return false;
  for (unsigned char c : value)
    if (!std::isalnum(c)) return false;
  return true;
}

// A cell a spreadsheet would read as a formula when the list is exported and opened again
// (CSV injection, OWASP): =, +, - or @ first, or a tab or carriage return before them. Refused
// rather than altered, so that what is stored is what the records system holds.
bool starts_like_formula(const std::string& raw) {
  const auto first = raw.find_first_not_of(' ');
  if (first == std::string::npos) return false;
  return std::string_view("=+-@\t\r").find(raw[first]) != std::string_view::npos;
}

// The free-text columns, the ones a formula could hide in.
constexpr Column kTextColumns[] = {Name, CollegeName, Major, Degree};

struct ValidLine {
  workflow::College college;
  workflow::Student student;
};

// Checks one record; appends its errors to `errors` and returns the line's data when it has none.
// The columns' shapes here; what is printed (name, resident ID, gender, major, college name)
// also by the agreement's field rules and the print check, so an imported student can sign.
std::optional<ValidLine> validate_line(const CsvRecord& record, const core::CodeLists& codes,
                                       const workflow::PrintCheck& print, std::vector<ImportLineError>& errors) {
  const std::size_t errors_before = errors.size();
  auto fail = [&](const char* field, std::string detail) {
    errors.push_back({record.line, field, std::move(detail)});
  };
  if (record.fields.size() != kColumns.size()) {
    fail("columns", "应有 " + std::to_string(kColumns.size()) + " 列，实际 " +
                        std::to_string(record.fields.size()) + " 列");
    return std::nullopt;
  }
  // Every value reaches documents and pages: the text policy first, then each column's own rule.
  std::array<std::string, kColumns.size()> value;
  std::array<bool, kColumns.size()> usable{};
  for (std::size_t column = 0; column < kColumns.size(); ++column) {
    value[column] = trimmed(record.fields[column]);
    if (value[column].empty()) {
      fail(kColumns[column], core::field_label(kColumnLabelPaths[column]) + "不能为空");
      continue;
    }
    if (auto policy = core::check_text_policy(value[column], kColumns[column], false); !policy) {
      fail(kColumns[column], core::field_label(kColumnLabelPaths[column]) + "：" + policy.error().message);
      continue;
    }
    usable[column] = true;
  }
  for (Column column : kTextColumns) {
    if (starts_like_formula(record.fields[column])) {
      fail(kColumns[column], core::field_label(kColumnLabelPaths[column]) + "不能以 =、+、-、@、制表符或回车开头（导出后会被电子表格当作公式执行）");
      usable[column] = false;
    }
  }

  if (usable[StudentNo] && !ascii_alnum(value[StudentNo], 4, 32))
    fail("student_no", "学号只能由字母和数字组成，长度 4–32 位");
  std::string gender_code;
  if (usable[Gender]) {
    if (auto code = core::gender_code(value[Gender])) gender_code = *code;
    else fail("gender", "性别应为 男、女（或代码 1、2）");
  }
  if (usable[CollegeCode] && !ascii_alnum(value[CollegeCode], 1, 16))
    fail("college_code", "学院代码只能由字母和数字组成，长度 1–16 位");
  if (usable[Degree]) {
    auto decoded = core::decode_utf8(value[Degree], "degree");
    if (decoded && decoded->size() > kMaxDegreeCharacters)
      fail("degree", "学历层次不能超过 " + std::to_string(kMaxDegreeCharacters) + " 个字");
  }
  int year = 0;
  if (usable[Year]) {
    const std::string& text = value[Year];
    const bool digits = text.size() == 4 && text.find_first_not_of("0123456789") == std::string::npos;
    if (digits) year = std::stoi(text);
    if (!digits || year < kMinGraduationYear || year > kMaxGraduationYear)
      fail("graduation_year", "毕业年份应为 " + std::to_string(kMinGraduationYear) + "–" +
                                  std::to_string(kMaxGraduationYear) + " 之间的四位数字");
  }
  if (errors.size() != errors_before) return std::nullopt;

  ValidLine valid;
  valid.college = {value[CollegeCode], value[CollegeName]};
  valid.student = {value[StudentNo], value[Name],  value[IdNumber], gender_code,
                   value[CollegeCode], value[Major], value[Degree],   year};
  if (auto printable = workflow::validate_student_record(valid.student, valid.college.name, codes, print);
      !printable) {
    const Error& error = printable.error();
    errors.push_back({record.line, error.field, error.message});
    return std::nullopt;
  }
  valid.student.id_number = core::validate_resident_id(value[IdNumber], "id_number").value();
  return valid;
}

}  // namespace

Result<ImportReport> import_students_csv(store::Store& store, std::string_view csv, workflow::Timestamp now,
                                         const core::CodeLists& codes, const workflow::PrintCheck& print) {
  // Spreadsheet programs save UTF-8 CSV with a byte-order mark.
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (csv.substr(0, kBom.size()) == kBom) csv.remove_prefix(kBom.size());
  const std::vector<CsvRecord> records = TRY(read_csv(csv));

  std::string expected_header, expected_chinese_header;
  for (std::size_t column = 0; column < kColumns.size(); ++column) {
    const std::string separator = column == 0 ? "" : ",";
    expected_header += separator + kColumns[column];
    expected_chinese_header += separator + core::field_label(kColumnLabelPaths[column]);
  }
  bool header_ok = !records.empty() && records[0].fields.size() == kColumns.size();
  for (std::size_t column = 0; header_ok && column < kColumns.size(); ++column) {
    const std::string cell = trimmed(records[0].fields[column]);
    header_ok = cell == kColumns[column] || cell == core::field_label(kColumnLabelPaths[column]);
  }
  if (!header_ok)
    return Error::invalid("header", "第 1 行应为表头：" + expected_header + "（或 " + expected_chinese_header + "）");

  ImportReport report;
  for (std::size_t index = 1; index < records.size(); ++index) {
    const CsvRecord& record = records[index];
    if (is_blank(record)) continue;
    auto line = validate_line(record, codes, print, report.errors);
    if (!line) continue;
    // SPEC "Accounts" (seed rule): the initial password is the resident ID's last 6 characters.
    const std::string initial_password = line->student.id_number.substr(line->student.id_number.size() - 6);
    auto outcome = store.import_student(line->college, line->student, initial_password, now);
    if (!outcome) {
      const Error& error = outcome.error();
      if (error.kind != ErrorKind::Conflict && error.kind != ErrorKind::InvalidInput) return outcome.take_error();
      report.errors.push_back({record.line, error.field.empty() ? "student_no" : error.field, error.message});
      continue;
    }
    if (*outcome == store::StudentImportOutcome::Imported)
      ++report.imported;
    else
      ++report.updated;
  }
  return report;
}

Result<ImportReport> import_students(const Context& context, const workflow::Actor& actor, std::string_view csv) {
  if (actor.role != workflow::Role::School)
    return Error::make(ErrorKind::Forbidden, "仅学校就业指导服务中心可以导入学生");
  if (csv.empty()) return Error::invalid("body", "请求体应为学生名单 CSV 文件");
  return import_students_csv(context.store, csv, context.now(), context.codes, context.print_check);
}

}  // namespace sanfang::app
