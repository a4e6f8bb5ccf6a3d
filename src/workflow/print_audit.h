// What the audit log says when a print job records its copies of an agreement (SPEC "Print
// room": every print and reprint is in the agreement's history), the same for every store.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sanfang::workflow {

// "打印任务 #12：第 1、3 联；第 3 联补打第 1 次". `reprints` holds, per copy number - 1, how often
// that copy was printed before.
std::string print_audit_reason(std::int64_t job_id, const std::vector<int>& copies, const std::vector<int>& reprints);

}  // namespace sanfang::workflow
