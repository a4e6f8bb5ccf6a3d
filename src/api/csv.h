// CSV for spreadsheets (RFC 4180): the export files the employment office opens in Excel or WPS.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sanfang::api {

// The UTF-8 byte order mark: without it Excel reads a UTF-8 file as the local code page and
// shows Chinese as mojibake.
inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// One cell as a spreadsheet may open it safely: a value that starts with = + - @, a tab or a
// carriage return gets a leading single quote, so that a spreadsheet shows it as text instead of
// running it as a formula (an employer named "=HYPERLINK(…)" stays a name).
std::string spreadsheet_safe(std::string_view value);

// One record: cells made spreadsheet_safe, quoted when they hold a comma, a quote or a line
// break (quotes doubled), separated by commas and ended by CRLF.
std::string csv_record(const std::vector<std::string>& cells);

}  // namespace sanfang::api
