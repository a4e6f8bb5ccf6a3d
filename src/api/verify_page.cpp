#include "api/verify_page.h"

#include "api/upload_check.h"
#include "core/validate.h"

#include <utility>
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

constexpr const char* kUnmatched = "unmatched";
constexpr const char* kUnmatchedLabel = "不一致";

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
    "h2{font-size:1rem;margin:0 0 .5rem}"
    ".status{font-size:2.5rem;font-weight:bold;text-align:center;padding:1.5rem 0;border-radius:.5rem;"
    "color:#fff;margin-bottom:1rem}"
    ".valid{background:#1a7f37}.terminated{background:#9a6700}.invalid,.unmatched{background:#cf222e}"
    "dl{background:#fff;border-radius:.5rem;padding:1rem;margin:0}"
    "dt{color:#666;font-size:.9rem;margin-top:.75rem}dt:first-child{margin-top:0}"
    "dd{margin:.2rem 0 0;font-size:1.1rem;word-break:break-all}"
    "p{font-size:.9rem;color:#555;line-height:1.6}"
    ".check{background:#fff;border-radius:.5rem;padding:1rem;margin-top:1.5rem}"
    ".check input{display:block;margin:.5rem 0;max-width:100%}"
    ".check button{font-size:1rem;padding:.5rem 1.5rem}";

std::string page_start() {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"robots\" content=\"noindex\">\n<title>就业协议书验证</title>\n<style>";
  html += kStyle;
  html += "</style>\n</head>\n<body>\n<main>\n<h1>全国普通高等学校毕业生就业协议书 · 验证</h1>\n";
  return html;
}

constexpr const char* kPageEnd = "</main>\n</body>\n</html>\n";

std::string banner(const char* css_class, const char* label) {
  return std::string("<div class=\"status ") + css_class + "\" id=\"status\">" + label + "</div>\n";
}

// The form that posts a PDF to POST /v/check; on every verification page.
std::string check_form() {
  return "<section class=\"check\">\n<h2>核验电子文件</h2>\n"
         "<p>收到了协议的 PDF 文件？上传后可核对它是否与学校签发的文件完全一致。文件不超过 " +
         std::to_string(kMaxUploadBytes / (1024 * 1024)) +
         " MB，仅用于本次核对，不会被保存。</p>\n"
         "<form method=\"post\" action=\"/v/check\" enctype=\"multipart/form-data\">\n"
         "<label for=\"check-file\">选择收到的协议 PDF 文件：</label>\n"
         "<input type=\"file\" id=\"check-file\" name=\"file\" accept=\"application/pdf,.pdf\" required>\n"
         "<button type=\"submit\">核验文件</button>\n</form>\n</section>\n";
}

// The agreement's facts as a definition list; `with_copy` for a scanned copy's QR code.
std::string agreement_rows(const VerificationAnswer& answer, bool with_copy) {
  std::vector<std::pair<const char*, std::string>> rows = {
      {"学校", answer.school},
      {"协议编号", core::format_serial_for_print(answer.serial)},
      {"毕业生", answer.masked_name},
      {"用人单位", answer.employer},
      {"签约日期", answer.signed_date},
  };
  if (answer.status == VerificationStatus::Terminated) rows.emplace_back("解约日期", answer.terminated_date);
  if (with_copy) rows.emplace_back("联次", answer.copy_label);
  std::string html = "<dl>\n";
  for (const auto& [label, value] : rows)
    html += std::string("<dt>") + label + "</dt><dd>" + html_escape(value) + "</dd>\n";
  return html + "</dl>\n";
}

std::string state_note(VerificationStatus status) {
  if (status == VerificationStatus::Terminated) return "<p>该协议已按规定解除，不再具有效力。</p>\n";
  return "<p>该协议已经学校审核签约。复印件无效；如有疑问，请联系学校就业指导服务中心。</p>\n";
}

void add_agreement_fields(nlohmann::json& body, const VerificationAnswer& answer) {
  body["school"] = answer.school;
  body["serial"] = answer.serial;
  body["serial_display"] = core::format_serial_for_print(answer.serial);
  body["name"] = answer.masked_name;
  body["employer"] = answer.employer;
  body["signed_date"] = answer.signed_date;
  if (answer.status == VerificationStatus::Terminated) body["terminated_date"] = answer.terminated_date;
}

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
  std::string html = page_start();
  html += banner(to_string(answer.status), chinese_label(answer.status));
  if (answer.status == VerificationStatus::Invalid) {
    html += "<p>此二维码不能证明任何协议。请以学校就业指导服务中心的核实为准。</p>\n";
  } else {
    html += agreement_rows(answer, true);
    html += state_note(answer.status);
  }
  html += check_form();
  return html + kPageEnd;
}

nlohmann::json verification_json(const VerificationAnswer& answer) {
  nlohmann::json body = {{"status", to_string(answer.status)}, {"status_label", chinese_label(answer.status)}};
  if (answer.status == VerificationStatus::Invalid) return body;
  add_agreement_fields(body, answer);
  body["copy"] = answer.copy;
  body["copy_label"] = answer.copy_label;
  return body;
}

std::string document_check_form_html() { return page_start() + check_form() + kPageEnd; }

std::string document_check_page_html(const DocumentCheckAnswer& answer) {
  std::string html = page_start();
  if (!answer.genuine) {
    html += banner(kUnmatched, kUnmatchedLabel);
    html += "<p>这份文件与学校签发的任何协议文件都不完全一致：它可能被修改过，或不是学校签发的原始文件。"
            "请以学校就业指导服务中心的核实为准。</p>\n";
  } else {
    const VerificationAnswer& agreement = answer.agreement;
    html += banner(to_string(agreement.status), chinese_label(agreement.status));
    html += "<p>这份文件与学校签发的协议文件逐字节完全一致。</p>\n";
    html += agreement_rows(agreement, false);
    html += state_note(agreement.status);
  }
  html += "<p>文件指纹（SHA-256）：" + html_escape(answer.sha256) + "</p>\n";
  html += check_form();
  return html + kPageEnd;
}

nlohmann::json document_check_json(const DocumentCheckAnswer& answer) {
  nlohmann::json body = {{"genuine", answer.genuine}, {"sha256", answer.sha256}};
  if (!answer.genuine) {
    body["status"] = kUnmatched;
    body["status_label"] = kUnmatchedLabel;
    return body;
  }
  body["status"] = to_string(answer.agreement.status);
  body["status_label"] = chinese_label(answer.agreement.status);
  add_agreement_fields(body, answer.agreement);
  return body;
}

std::string document_check_refusal_html(std::string_view detail) {
  return page_start() + "<h2>未能核验这份文件</h2>\n<p>" + html_escape(detail) + "</p>\n" + check_form() + kPageEnd;
}

}  // namespace sanfang::api
