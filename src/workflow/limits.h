// Quantity limits on what one person may add (SPEC "Bad input"): each is named here once and
// checked where the action happens, with the reason in Chinese. They keep one account from
// filling the store — an agreement's attachment list, the unit library — by mistake or on purpose.
#pragma once

#include "core/result.h"

#include <string>

namespace sanfang::workflow {

// Files uploaded to one agreement (proofs and termination material together).
inline constexpr int kMaxAttachmentsPerAgreement = 10;
// Units one student may register in the library (HR accounts register their own one unit;
// the school registers as many as it needs).
inline constexpr int kMaxEmployersPerStudent = 5;

// `uploaded`: files the agreement has now. Conflict once one more would pass the limit.
inline Status check_attachment_limit(int uploaded) {
  if (uploaded < kMaxAttachmentsPerAgreement) return {};
  return Error::make(ErrorKind::Conflict,
                     "每份协议最多上传 " + std::to_string(kMaxAttachmentsPerAgreement) + " 个附件，已达上限",
                     "attachments");
}

// `registered`: units the student has registered so far.
inline Status check_student_employer_limit(int registered) {
  if (registered < kMaxEmployersPerStudent) return {};
  return Error::make(ErrorKind::Conflict,
                     "每名毕业生最多登记 " + std::to_string(kMaxEmployersPerStudent) +
                         " 家用人单位，已达上限；请在单位库中搜索已有单位，或联系学校就业指导服务中心",
                     "employer");
}

}  // namespace sanfang::workflow
