#include "api/verify_page.h"

#include "core/validate.h"

#include <vector>

namespace sanfang::api {

namespace {

const char* chinese_label(VerificationStatus status) {
  switch (status) {
    case VerificationStatus::Valid: return "有效";
    case VerificationStatus::Terminated: return "已解约";
    case VerificationStatus::Invalid: return "无效";
  }
  return "无效";
}

// The UTF-8 sequences of `text`, one per code point (names are validated UTF-8 at input).
std::vector<std::string_view> code_points(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 1; i <= text.size(); ++i) {
    if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      out.push_back(text.substr(start, i - start));
      start = i;
    }
  }
  return out;
}

constexpr const char* kStyle =
    "body{margin:0;font-family:-apple-system,'PingFang SC','Noto Sans CJK SC','Microsoft YaHei',sans-serif;"
    "background:#f4f5f7;color:#222}"
    "main{max-width:32rem;margin:0 auto;padding:1.5rem 1rem}"
    "h1{font-size:1.1rem;font-weight:normal;color:#555;margin:0 0 1rem}"
    ".status{font-size:2.5rem;font-weight:bold;text-align:center;padding:1.5rem 0;border-radius:.5rem;"
    "color:#fff;margin-bottom:1rem}"
    ".valid{background:#1a7f37}.terminated{background:#9a6700}.invalid{background:#cf222e}"
    "dl{background:#fff;border-radius:.5rem;padding:1rem;margin:0}"
    "dt{color:#666;font-size:.9rem;margin-top:.75rem}dt:first-child{margin-top:0}"
    "dd{margin:.2rem 0 0;font-size:1.1rem;word-break:break-all}"
    "p{font-size:.9rem;color:#555;line-height:1.6}";

}  // namespace

const char* to_string(VerificationStatus status) {
  switch (status) {
    case VerificationStatus::Valid: return "valid";
    case VerificationStatus::Terminated: return "terminated";
    case VerificationStatus::Invalid: return "invalid";
  }
  return "invalid";
}

std::string mask_name(std::string_view utf8_name) {
  const auto characters = code_points(utf8_name);
  if (characters.empty()) return {};
  if (characters.size() == 1) return "*";
  std::string masked(characters.front());
  masked += "*";
  if (characters.size() > 2) masked += characters.back();
  return masked;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string verification_page_html(const VerificationAnswer& answer) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex\">\n<title>就业协议书验证</title>\n<style>";
  html += kStyle;
  html += "</style>\n</head>\n<body>\n<main>\n<h1>全国普通高等学校毕业生就业协议书 · 验证</h1>\n";
  html += std::string("<div class=\"status ") + to_string(answer.status) + "\">" + chinese_label(answer.status) +
          "</div>\n";
  if (answer.status == VerificationStatus::Invalid) {
    html += "<p>此二维码不能证明任何协议。请以学校就业指导服务中心的核实为准。</p>\n";
  } else {
    html += "<dl>\n";
    const std::pair<const char*, std::string> rows[] = {
        {"协议编号", core::format_serial_for_print(answer.serial)},
        {"毕业生", answer.masked_name},
        {"用人单位", answer.employer},
        {"签约日期", answer.signed_date},
        {"联次", "第 " + std::to_string(answer.copy) + " 联"},
    };
    for (const auto& [label, value] : rows)
      html += std::string("<dt>") + label + "</dt><dd>" + html_escape(value) + "</dd>\n";
    html += "</dl>\n";
    if (answer.status == VerificationStatus::Terminated)
      html += "<p>该协议已按规定解除，不再具有效力。</p>\n";
    else
      html += "<p>该协议已经学校审核签约。复印件无效；如有疑问，请联系学校就业指导服务中心。</p>\n";
  }
  html += "</main>\n</body>\n</html>\n";
  return html;
}

nlohmann::json verification_json(const VerificationAnswer& answer) {
  nlohmann::json body = {{"status", to_string(answer.status)}, {"status_label", chinese_label(answer.status)}};
  if (answer.status == VerificationStatus::Invalid) return body;
  body["serial"] = answer.serial;
  body["serial_display"] = core::format_serial_for_print(answer.serial);
  body["name"] = answer.masked_name;
  body["employer"] = answer.employer;
  body["signed_date"] = answer.signed_date;
  body["copy"] = answer.copy;
  return body;
}

}  // namespace sanfang::api
