#include "api/csv.h"

namespace sanfang::api {

std::string spreadsheet_safe(std::string_view value) {
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                         value[0] == '\t' || value[0] == '\r'))
    return "'" + std::string(value);
  return std::string(value);
}

std::string csv_record(const std::vector<std::string>& cells) {
  std::string record;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) record += ',';
    const std::string cell = spreadsheet_safe(cells[i]);
    if (cell.find_first_of(",\"\r\n") == std::string::npos) {
      record += cell;
      continue;
    }
    record += '"';
    for (char c : cell) {
      if (c == '"') record += '"';
      record += c;
    }
    record += '"';
  }
  return record + "\r\n";
}

}  // namespace sanfang::api
