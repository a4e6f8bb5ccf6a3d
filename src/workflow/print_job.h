// Print jobs (SPEC "Print room"): what the print room asks for, the job's lifecycle and the rule
// that numbers reprints. Plain data and pure functions; the store keeps jobs and print records,
// jobs/ runs them.
//
// Print records: creating a job records every copy it prints (who, when) in the same transaction
// that freezes the job's list, so a restarted job never records anything twice. A copy printed
// before is a reprint: its ordinal (1 for the first reprint) is printed on that copy as 补打. A
// job that is cancelled or fails voids its records, and a void record counts for nothing.
//
// Failures end (SPEC "Print room"): a job is run by one process at a time under a lease that it
// renews while it runs; a job whose runner died (its lease expired) is taken over by the next
// runner and counted as a failed run. An error worth retrying (the disk, the database) sends the
// job back to the queue with a growing delay, at most RetryPolicy::max_retries times; anything
// else, or one failure too many, ends it `failed` with its reason. After a failed run the
// positions being drawn are recorded before each slice (per part, marks_drawing), so a runner
// that dies there leaves a mark on those agreements: they are drawn one at a time next time, and
// one that was being drawn when a runner died twice is skipped and listed, instead of killing
// every run after it.
#pragma once

#include "core/result.h"
#include "workflow/clock.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sanfang::workflow {

enum class PrintJobState { Queued, Running, Done, Failed, Cancelled };

std::string_view to_string(PrintJobState state);
// What the print room reads: "排队中", "打印中", "已完成", "失败", "已取消".
std::string_view chinese_label(PrintJobState state);
std::optional<PrintJobState> print_job_state_from_string(std::string_view text);
// Done, failed and cancelled jobs never change again.
bool is_finished(PrintJobState state);

// A box of paper: 500 agreements of 3 A3 sheets each.
inline constexpr int kDefaultPartLimit = 500;

// Which signed agreements to print. Every filter narrows the selection; dates are calendar days
// in Beijing time (UTC+8), both ends included.
struct PrintRequest {
  std::optional<std::string> college;  // college code
  std::optional<std::string> major;    // as on the agreement
  std::optional<std::chrono::year_month_day> signed_from;
  std::optional<std::chrono::year_month_day> signed_to;
  std::vector<std::string> serials;  // an explicit list; each must name a signed agreement
  std::vector<int> copies;           // copy numbers; after normalising, never empty
  bool separator_sheets = false;     // one sheet before each college's agreements (and each part)
  // One file drawn on one core, as a single part, instead of parts (see plan_print_parts).
  bool one_file = false;
  // The most agreements in one part; the service's configuration, not the client's.
  int part_limit = kDefaultPartLimit;
};

// Checks a request against the layout's copy numbers and fills in every copy when none is named.
// InvalidInput naming the field: unknown or repeated copy, malformed or repeated serial, a date
// range that ends before it starts, more serials than a job takes.
Result<PrintRequest> normalize_print_request(PrintRequest request, std::span<const int> layout_copies);

// "2026-06-30" → a valid calendar date, or InvalidInput naming `field`.
Result<std::chrono::year_month_day> parse_calendar_date(std::string_view text, const std::string& field);
std::string format_calendar_date(std::chrono::year_month_day date);

// The request as JSON — what the API shows and the store keeps: dates as YYYY-MM-DD, absent
// filters and an empty serial list left out.
nlohmann::json print_request_json(const PrintRequest& request);

// The half-open window [from, to) of signing times the request's dates select.
struct SigningWindow {
  std::optional<Timestamp> from;
  std::optional<Timestamp> until;
};
SigningWindow signing_window(const PrintRequest& request);
// The same for two calendar dates, both included (Beijing days), as a print request, an
// agreement search and the audit log take them; InvalidInput naming `to_field` when it ends
// before it starts.
Result<SigningWindow> signing_window(std::optional<std::chrono::year_month_day> from,
                                     std::optional<std::chrono::year_month_day> to,
                                     std::string_view to_field = "signed_to");

// One agreement that failed to render in a job; the job goes on with the others.
struct PrintJobError {
  std::string serial;
  std::string message;
};

// Where a job runs: the service's runner resumes "service" jobs after a restart; a `sanfang
// batch` job belongs to that command.
enum class PrintJobOrigin { Service, Cli };
std::string_view to_string(PrintJobOrigin origin);

// A part of a job: a run of agreements in print order, drawn into a file of its own (SPEC "Print
// room": the print room starts printing the first parts while the others are drawn). Plain data:
// the plan is fixed when the job is created; the file's facts are filled in when it is done.
//
// Parts are drawn side by side by several runners — the job's own and idle runners of other
// instances sharing the database — each holding a lease on the part it draws (`runner`, renewed
// like the job's lease). A part whose lease ran out is drawn again by whoever claims it next.
struct PrintJobPart {
  int n = 0;  // 1-based
  std::string college_code;  // of every agreement in it; empty for a one-file job of several
  int first_position = 0;
  int agreements = 0;
  int drawn = 0;  // agreements of it drawn so far in this run (all of them once it is done)
  // "host:pid/N" of the runner drawing it under a lease until runner_expires_at, and of the
  // runner that drew it once it is done; empty while nobody draws it.
  std::string runner;
  std::optional<Timestamp> runner_expires_at;
  int pages = 0;
  std::int64_t file_size = 0;
  std::string sha256;  // of the finished file; empty until then
  std::optional<Timestamp> finished_at;
  bool done() const { return finished_at.has_value(); }
};


// The parts of a job whose agreements, in print order, belong to `colleges` (one code per
// position): one part per college, and a college with more than `limit` agreements split into
// parts of at most `limit` in print order, the last one holding the rest. `one_file`: a single
// part of everything.
std::vector<PrintJobPart> plan_print_parts(const std::vector<std::string>& colleges, int limit, bool one_file);

struct PrintJob {
  std::int64_t id = 0;
  // Runs that ended unfinished: an error worth retrying, or a runner that died.
  int failures = 0;
  std::optional<Timestamp> retry_at;  // a job sent back to the queue waits until then
  std::string last_error;             // why the last run ended unfinished (Chinese, for people)
  std::string lease_owner;            // "host:pid/N" of the print runner running it (N: the runner within the process); empty when none
  std::optional<Timestamp> lease_expires_at;
  std::map<int, int> crashes;  // position → runs that died while it was being drawn
  PrintRequest request;
  PrintJobOrigin origin = PrintJobOrigin::Service;
  PrintJobState state = PrintJobState::Queued;
  int total = 0;  // agreements
  int done = 0;   // agreements rendered so far (including failed ones)
  int pages = 0;  // of the finished file
  std::int64_t created_by = 0;
  std::string created_by_name;
  Timestamp created_at{};
  std::optional<Timestamp> started_at;
  std::optional<Timestamp> finished_at;
  std::int64_t file_size = 0;
  std::string sha256;  // of the finished file; empty for a job of several parts
  std::vector<PrintJobError> errors;
  std::vector<PrintJobPart> parts;
};

// One agreement of a job, in print order (college, major, student number).
struct PrintItem {
  int position = 0;  // 0-based
  std::int64_t agreement_id = 0;
  std::string serial;
  std::string college_code;
  std::string major;
  std::string student_no;
  // Times each layout copy was printed before (index 0 = copy 1); the 补打 count on that copy.
  std::vector<int> reprints;
};

// The lines of a separator sheet for the `count` agreements of one college that follow it.
struct SeparatorSummary {
  std::string college_name;
  int count = 0;
  std::vector<std::pair<std::string, int>> majors;  // in print order, with counts
  std::string lowest_serial, highest_serial;
};
std::vector<std::string> separator_lines(const SeparatorSummary& summary, std::int64_t job_id,
                                         std::span<const int> copies);

// ---- failures ----

struct RetryPolicy {
  int max_retries = 3;                      // runs after the first that ended unfinished
  std::chrono::seconds first_delay{10};     // before the first retry; doubled for each further one
  std::chrono::seconds max_delay{10 * 60};  // the delay never grows beyond this
};

// When a job that has now ended unfinished `failures` times (this one included) runs again; no
// value when it has used up its retries and must fail.
std::optional<Timestamp> next_attempt_at(const RetryPolicy& policy, int failures, Timestamp now);

// Errors that may go away by themselves (a full disk, a busy or failing database): the job is
// retried. Everything else (bad data, a missing output folder) would fail the same way again.
bool is_transient(ErrorKind kind);

// What a print room operator reads for a job that ended with `kind` (the technical detail goes
// to the log).
std::string failure_reason(ErrorKind kind);

// An agreement during whose drawing a runner died this often is skipped.
inline constexpr int kCrashesBeforeSkip = 2;
// Drawn alone (so that a crash points at exactly one agreement): a runner died during its slice.
bool is_suspect(const PrintJob& job, int position);
bool must_skip(const PrintJob& job, int position);
// Whether the runners of the job record the positions they are about to draw before each slice
// (each part keeps its own range, so parts are still drawn side by side): after a run that failed
// or left crash marks, so that a runner dying again points at the agreement it was drawing. A
// first run does without the writes.
bool marks_drawing(const PrintJob& job);
// A part's state: "done" once its file is, else the job's (queued, running, failed, cancelled).
std::string_view part_state(const PrintJob& job, const PrintJobPart& part);
// The error listed for a skipped agreement.
std::string skipped_after_crashes_reason();

}  // namespace sanfang::workflow
