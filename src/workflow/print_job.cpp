#include "workflow/print_job.h"

#include "core/field_labels.h"
#include "core/validate.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <set>

namespace sanfang::workflow {

namespace {

// A spring's whole school fits; anything longer is a mistake or an abuse of one request.
constexpr std::size_t kMaxSerials = 50'000;

// Beijing time has no daylight saving: a calendar day starts at 16:00 UTC the day before.
constexpr std::chrono::hours kBeijingOffset{8};

Timestamp start_of_beijing_day(std::chrono::year_month_day date) {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::sys_days(date) - kBeijingOffset);
}

}  // namespace

std::string_view to_string(PrintJobState state) {
  switch (state) {
    case PrintJobState::Queued: return "queued";
    case PrintJobState::Running: return "running";
    case PrintJobState::Done: return "done";
    case PrintJobState::Failed: return "failed";
    case PrintJobState::Cancelled: return "cancelled";
  }
  return "queued";
}

std::string_view chinese_label(PrintJobState state) {
  switch (state) {
    case PrintJobState::Queued: return "排队中";
    case PrintJobState::Running: return "打印中";
    case PrintJobState::Done: return "已完成";
    case PrintJobState::Failed: return "失败";
    case PrintJobState::Cancelled: return "已取消";
  }
  return "排队中";
}

std::optional<PrintJobState> print_job_state_from_string(std::string_view text) {
  for (auto state : {PrintJobState::Queued, PrintJobState::Running, PrintJobState::Done, PrintJobState::Failed,
                     PrintJobState::Cancelled}) {
    if (to_string(state) == text) return state;
  }
  return std::nullopt;
}

bool is_finished(PrintJobState state) {
  return state == PrintJobState::Done || state == PrintJobState::Failed || state == PrintJobState::Cancelled;
}

std::string_view to_string(PrintJobOrigin origin) { return origin == PrintJobOrigin::Cli ? "cli" : "service"; }

Result<std::chrono::year_month_day> parse_calendar_date(std::string_view text, const std::string& field) {
  const Error bad = Error::invalid(field, core::field_label(field) + "的格式应为 YYYY-MM-DD，例如 2026-06-01");
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad;
  int year = 0;
  unsigned month = 0, day = 0;
  auto number = [&](std::size_t at, std::size_t length, auto& out) {
    const auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + length, out);
    return ec == std::errc() && end == text.data() + at + length;
  };
  if (!number(0, 4, year) || !number(5, 2, month) || !number(8, 2, day)) return bad;
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!date.ok()) return Error::invalid(field, core::field_label(field) + "不是有效日期");
  return date;
}

std::string format_calendar_date(std::chrono::year_month_day date) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  return text;
}

Result<PrintRequest> normalize_print_request(PrintRequest request, std::span<const int> layout_copies) {
  if (request.copies.empty()) request.copies.assign(layout_copies.begin(), layout_copies.end());
  std::set<int> seen_copies;
  for (std::size_t i = 0; i < request.copies.size(); ++i) {
    const int copy = request.copies[i];
    const std::string field = "copies[" + std::to_string(i) + "]";
    if (std::find(layout_copies.begin(), layout_copies.end(), copy) == layout_copies.end())
      return Error::invalid(field, "没有第 " + std::to_string(copy) + " 联");
    if (!seen_copies.insert(copy).second) return Error::invalid(field, "第 " + std::to_string(copy) + " 联重复");
  }
  std::sort(request.copies.begin(), request.copies.end());

  if (request.serials.size() > kMaxSerials)
    return Error::invalid("serials", "一个打印任务最多 " + std::to_string(kMaxSerials) + " 个编号");
  std::set<std::string> seen_serials;
  for (std::size_t i = 0; i < request.serials.size(); ++i) {
    const std::string field = "serials[" + std::to_string(i) + "]";
    request.serials[i] = TRY(core::validate_serial(request.serials[i], field));
    if (!seen_serials.insert(request.serials[i]).second) return Error::invalid(field, "编号重复");
  }
  if (request.college && request.college->empty()) return Error::invalid("college", "学院代码不能为空");
  if (request.major && request.major->empty()) return Error::invalid("major", "专业不能为空");
  TRY(signing_window(request.signed_from, request.signed_to));
  return request;
}

nlohmann::json print_request_json(const PrintRequest& request) {
  nlohmann::json out = nlohmann::json::object();
  if (request.college) out["college"] = *request.college;
  if (request.major) out["major"] = *request.major;
  if (request.signed_from) out["signed_from"] = format_calendar_date(*request.signed_from);
  if (request.signed_to) out["signed_to"] = format_calendar_date(*request.signed_to);
  if (!request.serials.empty()) out["serials"] = request.serials;
  out["copies"] = request.copies;
  out["separator_sheets"] = request.separator_sheets;
  out["one_file"] = request.one_file;
  out["part_limit"] = request.part_limit;
  return out;
}

std::vector<PrintJobPart> plan_print_parts(const std::vector<std::string>& colleges, int limit, bool one_file) {
  std::vector<PrintJobPart> parts;
  for (int position = 0; position < static_cast<int>(colleges.size()); ++position) {
    const std::string& college = colleges[static_cast<std::size_t>(position)];
    const bool opens_part = parts.empty() ||
                            (!one_file && (parts.back().college_code != college || parts.back().agreements >= limit));
    if (opens_part) {
      PrintJobPart part;
      part.n = static_cast<int>(parts.size()) + 1;
      part.college_code = college;
      part.first_position = position;
      parts.push_back(std::move(part));
    } else if (parts.back().college_code != college) {
      parts.back().college_code.clear();
    }
    ++parts.back().agreements;
  }
  return parts;
}

Result<SigningWindow> signing_window(std::optional<std::chrono::year_month_day> from,
                                     std::optional<std::chrono::year_month_day> to, std::string_view to_field) {
  if (from && to && std::chrono::sys_days(*to) < std::chrono::sys_days(*from))
    return Error::invalid(std::string(to_field), "结束日期早于开始日期");
  SigningWindow window;
  if (from) window.from = start_of_beijing_day(*from);
  if (to) window.until = start_of_beijing_day(std::chrono::year_month_day(std::chrono::sys_days(*to) + std::chrono::days{1}));
  return window;
}

SigningWindow signing_window(const PrintRequest& request) {
  return signing_window(request.signed_from, request.signed_to).value();
}

std::vector<std::string> separator_lines(const SeparatorSummary& summary, std::int64_t job_id,
                                         std::span<const int> copies) {
  std::string copy_list;
  for (int copy : copies) copy_list += (copy_list.empty() ? "" : "、") + std::to_string(copy);
  std::vector<std::string> lines;
  lines.push_back("共 " + std::to_string(summary.count) + " 份协议，每份打印第 " + copy_list + " 联");
  if (!summary.lowest_serial.empty())
    lines.push_back("编号范围 " + summary.lowest_serial + " 至 " + summary.highest_serial);
  for (const auto& [major, count] : summary.majors)
    lines.push_back((major.empty() ? std::string("（未填专业）") : major) + "：" + std::to_string(count) + " 份");
  lines.push_back("打印任务 #" + std::to_string(job_id));
  return lines;
}

std::optional<Timestamp> next_attempt_at(const RetryPolicy& policy, int failures, Timestamp now) {
  if (failures > policy.max_retries) return std::nullopt;
  std::chrono::seconds delay = policy.first_delay;
  for (int i = 1; i < failures && delay < policy.max_delay; ++i) delay *= 2;
  return now + std::min(delay, policy.max_delay);
}

bool is_transient(ErrorKind kind) {
  return kind == ErrorKind::Io || kind == ErrorKind::Storage || kind == ErrorKind::Busy;
}

std::string failure_reason(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Io: return "打印文件无法写入（磁盘已满或不可写）";
    case ErrorKind::Storage: return "数据库读写失败";
    case ErrorKind::Busy: return "服务繁忙";
    case ErrorKind::Render:
    case ErrorKind::FontCoverage:
    case ErrorKind::Overflow: return "排版失败";
    default: return "内部错误";
  }
}

bool is_suspect(const PrintJob& job, int position) {
  const auto found = job.crashes.find(position);
  return found != job.crashes.end() && found->second > 0;
}

bool must_skip(const PrintJob& job, int position) {
  const auto found = job.crashes.find(position);
  return found != job.crashes.end() && found->second >= kCrashesBeforeSkip;
}

bool marks_drawing(const PrintJob& job) { return job.failures > 0 || !job.crashes.empty(); }

std::string_view part_state(const PrintJob& job, const PrintJobPart& part) {
  return to_string(part.done() ? PrintJobState::Done : job.state);
}

std::string skipped_after_crashes_reason() {
  return "打印这份协议时打印进程已 " + std::to_string(kCrashesBeforeSkip) + " 次意外中断，已跳过，请单独处理";
}

}  // namespace sanfang::workflow
