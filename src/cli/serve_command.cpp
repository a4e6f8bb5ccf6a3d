#include "cli/commands.h"
#include "cli/options.h"
#include "cli/resources.h"
#include "api/service.h"
#include "core/log.h"

#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

namespace sanfang::cli {

namespace {

// --listen HOST:PORT
Status parse_listen(const std::string& text, api::ServiceOptions& options) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return Error::invalid("--listen", "expects HOST:PORT");
  options.host = text.substr(0, colon);
  try {
    options.port = std::stoi(text.substr(colon + 1));
  } catch (const std::exception&) {
    return Error::invalid("--listen", "expects HOST:PORT");
  }
  if (options.port < 0 || options.port > 65535) return Error::invalid("--listen", "port out of range");
  return {};
}

// --config FILE: {"school_code", "public_base", "io_threads", "render_threads", "db_pool_size"
// (PostgreSQL connections of this instance), the handler pool
// ("handler_threads", "handler_queue", "request_deadline_ms", "read_timeout_ms"), and the school's
// printed 丙方 block: "school_name", "school_department", "school_address", "school_postcode",
// "school_contact", "school_phone"}, and "trusted_proxies" (addresses or CIDR ranges of the
// reverse proxies whose X-Forwarded-For names the client), and "wechat_page_base" (the official
// account's binding page the binding QR code opens), "print_part_limit" (the most agreements in
// one part of a print job), "print_processes" (drawing processes beside the print queue's own
// render thread for a job in parts; default one per core but one, 0 draws on the render threads),
// and "review_chain" (below); command-line options win over the file.
//
// "review_chain": {"invitation": [...], "student_initiated": [...], "termination": [...]}, each
// a list of "college" / "school" (workflow::check_review_chain); a chain not named keeps the
// default, college then school.
Status read_review_chains(const nlohmann::json& chains, const std::string& where,
                          workflow::WorkflowOptions& options) {
  if (!chains.is_object()) return Error::invalid(where, "must be an object of review chains");
  for (auto it = chains.begin(); it != chains.end(); ++it) {
    const std::string field = where + "." + it.key();
    workflow::ReviewChain* chain = it.key() == "invitation"          ? &options.invitation_review_chain
                                   : it.key() == "student_initiated" ? &options.student_initiated_review_chain
                                   : it.key() == "termination"       ? &options.termination_review_chain
                                                                     : nullptr;
    if (!chain) return Error::invalid(field, "unknown review chain (invitation, student_initiated, termination)");
    if (!it->is_array()) return Error::invalid(field, "must be a list of review levels");
    workflow::ReviewChain levels;
    for (const auto& level : *it) {
      if (!level.is_string()) return Error::invalid(field, "review levels are \"college\" or \"school\"");
      auto parsed = workflow::parse_review_level(level.get<std::string>());
      if (!parsed) return Error::invalid(field, "review levels are \"college\" or \"school\"");
      levels.push_back(*parsed);
    }
    TRY(workflow::check_review_chain(levels, field));
    *chain = std::move(levels);
  }
  return {};
}

Status read_config(const std::string& path, api::ServiceOptions& options) {
  std::ifstream in(path);
  if (!in) return Error::make(ErrorKind::Io, "cannot read " + path);
  auto config = nlohmann::json::parse(in, nullptr, false);
  if (!config.is_object()) return Error::invalid(path, "not a JSON object");
  for (auto it = config.begin(); it != config.end(); ++it) {
    const std::string& key = it.key();
    if (key == "school_code" && it->is_string()) options.school_code = it->get<std::string>();
    else if (key == "public_base" && it->is_string()) options.public_base = it->get<std::string>();
    else if (key == "io_threads" && it->is_number_integer()) options.io_threads = it->get<int>();
    else if (key == "render_threads" && it->is_number_integer()) options.render_threads = it->get<int>();
    else if (key == "db_pool_size" && it->is_number_integer()) options.db_pool_size = it->get<int>();
    else if (key == "handler_threads" || key == "handler_queue" || key == "request_deadline_ms" ||
             key == "read_timeout_ms") {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 1'000'000) {
        return Error::invalid(path + ": " + key, "must be an integer from 1 to 1000000");
      }
      const std::int64_t value = it->get<std::int64_t>();
      if (key == "handler_threads") options.http.handler_threads = static_cast<int>(value);
      else if (key == "handler_queue") options.http.handler_queue = static_cast<std::size_t>(value);
      else if (key == "request_deadline_ms") options.http.request_deadline = std::chrono::milliseconds(value);
      else options.http.read_timeout = std::chrono::milliseconds(value);
    }
    else if (key == "school_name" && it->is_string()) options.school.name = it->get<std::string>();
    else if (key == "school_department" && it->is_string()) options.school.department = it->get<std::string>();
    else if (key == "school_address" && it->is_string()) options.school.address = it->get<std::string>();
    else if (key == "school_postcode" && it->is_string()) options.school.postcode = it->get<std::string>();
    else if (key == "school_contact" && it->is_string()) options.school.contact = it->get<std::string>();
    else if (key == "school_phone" && it->is_string()) options.school.phone = it->get<std::string>();
    else if (key == "wechat_page_base" && it->is_string()) {
      const std::string base = it->get<std::string>();
      if (!base.starts_with("https://") && !base.starts_with("http://"))
        return Error::invalid(path + ": " + key, "must be an http:// or https:// URL");
      options.wechat_page_base = base;
    }
    else if (key == "review_chain") TRY(read_review_chains(*it, path + ": " + key, options.workflow));
    else if (key == "print_processes") {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 0 || it->get<std::int64_t>() > 64)
        return Error::invalid(path + ": " + key, "must be an integer from 0 to 64");
      options.print.drawing.processes = it->get<int>();
    }
    else if (key == "print_part_limit") {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 100'000)
        return Error::invalid(path + ": " + key, "must be an integer from 1 to 100000");
      options.workflow.print_part_limit = it->get<int>();
    }
    else if (key == "trusted_proxies" && it->is_array()) {
      std::vector<std::string> entries;
      for (const auto& entry : *it) {
        if (!entry.is_string()) return Error::invalid(path + ": " + key, "must be a list of strings");
        entries.push_back(entry.get<std::string>());
      }
      options.trusted_proxies = TRY(api::TrustedProxies::parse(entries, path + ": " + key));
    }
    else return Error::invalid(path + ": " + key, "unknown setting or wrong type");
  }
  return {};
}

}  // namespace

Result<api::ServiceOptions> service_options(const ParsedArgs& args) {
  api::ServiceOptions options;
  options.share_dir = share_dir();
  const store::StoreLocation location = store_location(args);
  options.data_dir = location.data_dir;
  options.db = location.db;
  // The print queue's drawing processes (jobs/drawing_processes.h): this program again, on the
  // same store and settings; the queue adds where their parts go.
  options.print.drawing.processes = static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) - 1;
  options.print.drawing.arguments = {"batch"};
  args.pass_on({"--data", "--db", "--config", "--public-base"}, options.print.drawing.arguments);
  if (args.has("--config")) TRY(read_config(args.get("--config"), options));
  if (args.has("--listen")) TRY(parse_listen(args.get("--listen"), options));
  if (args.has("--public-base")) options.public_base = args.get("--public-base");
  return options;
}

namespace {

sigset_t termination_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

}  // namespace

int wait_for_termination_signal() {
  const sigset_t signals = termination_signals();
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

int run_until_signalled(api::Service& service) {
  // SIGTERM/SIGINT were blocked before any thread started (block_termination_signals), so only
  // this wait sees them.
  const int received = wait_for_termination_signal();
  log::info("shutdown_requested", {{"signal", received == SIGTERM ? "SIGTERM" : "SIGINT"}});
  service.stop();
  log::info("stopped");
  return 0;
}

void block_termination_signals() {
  const sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

int serve_command(const std::vector<std::string>& raw_args) {
  auto args = parse_args(raw_args, with_store_options({"--listen", "--config", "--public-base"}), {});
  if (!args) {
    std::fprintf(stderr, "sanfang serve: %s\n", args.error().describe().c_str());
    return 2;
  }
  auto options = service_options(*args);
  if (!options) {
    std::fprintf(stderr, "sanfang serve: %s\n", options.error().describe().c_str());
    return 2;
  }
  block_termination_signals();  // before any thread starts, so that only sigwait sees them
  auto service = api::Service::start(*options);
  if (!service) {
    std::fprintf(stderr, "sanfang serve: %s\n", service.error().describe().c_str());
    return 1;
  }
  const std::string where = options->db.empty() ? options->data_dir.string() : "PostgreSQL, secrets in " + options->data_dir.string();
  std::printf("sanfang serve: listening on %s (public address %s; data %s)\n", (*service)->base_url().c_str(),
              (*service)->app().config.public_base.c_str(), where.c_str());
  std::fflush(stdout);
  return run_until_signalled(**service);
}

}  // namespace sanfang::cli
