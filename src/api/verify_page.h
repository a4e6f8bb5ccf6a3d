// What the public verification page shows for one scanned QR code (SPEC "Serial numbers and
// verification"): 有效 / 已解约 / 无效 with masked personal data, as a mobile-friendly Chinese HTML
// page readable without JavaScript, or as JSON. An invalid answer carries nothing else, so a
// forger learns nothing about which part of a token failed.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace sanfang::api {

enum class VerificationStatus { Valid, Terminated, Invalid };

const char* to_string(VerificationStatus status);  // "valid" | "terminated" | "invalid"

struct VerificationAnswer {
  VerificationStatus status = VerificationStatus::Invalid;
  // Empty for Invalid.
  std::string masked_name;  // 张*三
  std::string employer;
  std::string signed_date;  // 2026年5月20日, Beijing time
  std::string serial;       // compact
  int copy = 0;
};

// Keeps the first and last character and masks the middle with one "*" (张*三, 欧*娜); a
// two-character name keeps its first (张*). Characters are code points, so 𠮷 counts as one.
std::string mask_name(std::string_view utf8_name);

// & < > " ' escaped: every value placed into the page goes through this.
std::string html_escape(std::string_view text);

std::string verification_page_html(const VerificationAnswer& answer);
nlohmann::json verification_json(const VerificationAnswer& answer);

}  // namespace sanfang::api
