#include "workflow/print_audit.h"

namespace sanfang::workflow {

std::string print_audit_reason(std::int64_t job_id, const std::vector<int>& copies, const std::vector<int>& reprints) {
  std::string reason = "打印任务 #" + std::to_string(job_id) + "：第 ";
  for (std::size_t i = 0; i < copies.size(); ++i) reason += (i ? "、" : "") + std::to_string(copies[i]);
  reason += " 联";
  for (int copy : copies) {
    const int before = reprints[static_cast<std::size_t>(copy - 1)];
    if (before > 0) reason += "；第 " + std::to_string(copy) + " 联补打第 " + std::to_string(before) + " 次";
  }
  return reason;
}

}  // namespace sanfang::workflow
