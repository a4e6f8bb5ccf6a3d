// What the public verification pages show (SPEC "Serial numbers and verification"): the answer
// for one scanned QR code — 有效 / 已解约 / 无效 with masked personal data — and the answer for
// one uploaded PDF ("is this file genuine?"), as mobile-friendly Chinese HTML readable without
// JavaScript, or as JSON. An invalid or unmatched answer carries nothing else, so a forger learns
// nothing about which part of a token or file failed.
//
// JSON shapes (stable; api/openapi.yaml VerificationAnswer and DocumentCheckAnswer):
//   QR code:  {status, status_label} and, unless status is "invalid": school, serial,
//             serial_display, name (masked), employer, signed_date, terminated_date (only when
//             "terminated"), copy, copy_label.
//   document: {genuine, sha256, status, status_label} and, when genuine, the QR fields above
//             except copy and copy_label (a signed PDF holds every copy); status is "unmatched"
//             (不一致) when it is not.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace sanfang::api {

enum class VerificationStatus { Valid, Terminated, Invalid };

const char* to_string(VerificationStatus status);  // "valid" | "terminated" | "invalid"

// What a genuine document tells about its agreement; the fields are empty for Invalid.
struct VerificationAnswer {
  VerificationStatus status = VerificationStatus::Invalid;
  std::string school;       // the school that issued it (丙方)
  std::string masked_name;  // 张*三
  std::string employer;
  std::string signed_date;      // 2026年5月20日, Beijing time
  std::string terminated_date;  // set for Terminated only
  std::string serial;           // compact
  int copy = 0;                 // QR codes only: which copy was scanned
  std::string copy_label;       // its label on the layout: 第一联　学校存
};

// An uploaded file compared with the signed documents by the sha256 of its bytes.
struct DocumentCheckAnswer {
  bool genuine = false;
  std::string sha256;  // lower-case hex of the uploaded bytes
  VerificationAnswer agreement;  // when genuine
};

// Keeps the first and last character and masks the middle with one "*" (张*三, 欧*娜); a
// two-character name keeps its first (张*). Characters are code points, so 𠮷 counts as one.
std::string mask_name(std::string_view utf8_name);

// & < > " ' escaped: every value placed into a page goes through this.
std::string html_escape(std::string_view text);

std::string verification_page_html(const VerificationAnswer& answer);
nlohmann::json verification_json(const VerificationAnswer& answer);

// The page with the upload form alone (GET /v/check).
std::string document_check_form_html();
std::string document_check_page_html(const DocumentCheckAnswer& answer);
nlohmann::json document_check_json(const DocumentCheckAnswer& answer);
// A refused upload (too large, not a file, too many checks) for a person using the form.
std::string document_check_refusal_html(std::string_view detail);

}  // namespace sanfang::api
