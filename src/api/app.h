// App: what every request handler may use — the store, the clock, the workflow options, the
// render pool, the verification key and the service configuration. Built once by `sanfang serve`
// (or a test) and shared by all I/O threads; everything in it is safe to use concurrently.
#pragma once

#include "api/client_address.h"
#include "api/client_rate_limit.h"
#include "api/metrics.h"
#include "core/byte_cache.h"
#include "core/code_lists.h"
#include "core/verification_token.h"
#include "jobs/print_runner.h"
#include "jobs/render_pool.h"
#include "jobs/verification_recorder.h"
#include "render/fonts.h"
#include "store/store.h"
#include "workflow/agreement_document.h"
#include "workflow/agreement_rules.h"
#include "workflow/clock.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

namespace sanfang::api {

// How the HTTP layer spends its threads (server.h): Pistache's reactor threads only read and
// write sockets; route handlers run on `handler_threads` workers behind a queue of
// `handler_queue` requests. A request that cannot start within `request_deadline` of its arrival
// answers 503 with Retry-After, as does one that finds the queue full. A request whose bytes have
// not all arrived `read_timeout` after its first byte answers 408 and its connection is closed.
struct HttpLimits {
  int handler_threads = default_handler_threads();
  std::size_t handler_queue = 256;
  std::chrono::milliseconds request_deadline{10'000};
  std::chrono::milliseconds read_timeout{30'000};

  // One per core, at least two: logins (Argon2id) and page images are CPU-bound.
  static int default_handler_threads() { return std::max(2, static_cast<int>(std::thread::hardware_concurrency())); }
};

struct ApiConfig {
  std::filesystem::path data_dir = "data";
  std::filesystem::path share_dir;  // holds api/openapi.yaml, layouts/, fonts/
  std::string host = "127.0.0.1";
  int port = 8080;            // 0: any free port (tests)
  int io_threads = 2;         // Pistache reactor threads: socket I/O only
  std::string public_base;    // printed in QR codes; defaults to http://HOST:PORT
  // The WeChat official account's binding page, which the binding QR code opens with
  // ?binding_token=…; defaults to PUBLIC_BASE/wechat/bind.
  std::string wechat_page_base;
  std::size_t max_body_bytes = 11 * 1024 * 1024;  // attachments are at most 10 MB
  HttpLimits http;
  TrustedProxies trusted_proxies;  // reverse proxies whose X-Forwarded-For is believed
};

struct App {
  ApiConfig config;
  store::Store* store = nullptr;
  workflow::Clock* clock = nullptr;
  workflow::WorkflowOptions workflow;
  std::shared_ptr<const core::CodeLists> codes;
  jobs::RenderPool* renders = nullptr;
  // Previews and page images by the hash of what they were drawn from (api/documents.h): 64 MB,
  // some 500 previews with their first pages — an agreement under review is opened by several
  // people, each of whom would otherwise cost a render.
  std::shared_ptr<core::ByteCache> previews = std::make_shared<core::ByteCache>(64 * 1024 * 1024);
  core::VerificationKey key;
  Metrics metrics;
  // Renders and stores the signed PDF of an agreement whose signing is being decided: called by
  // app::sign_agreement() (app/agreements.h) inside the signing transaction, with the serial just
  // allocated, so that an error leaves the agreement unsigned and its serial unused. The service
  // sets it to store_signed_document(); tests replace it to make the document fail.
  std::function<Status(const workflow::Agreement&)> make_signed_document;
  // What the workflow asks on save about fonts and fit (jobs::RendererPrintCheck on `renders`).
  std::shared_ptr<const workflow::PrintCheck> print_check;
  // The school's own block of the form (丙方), from the serve configuration.
  workflow::SchoolProfile school;
  // print room: the layout's copy numbers (what a print job may ask for) and the queue that runs
  // jobs in the background (null where no service runs them).
  std::vector<int> copy_numbers;
  // The layout's copy labels by copy number (第一联　学校存), shown on the verification page.
  std::map<int, std::string> copy_labels;
  jobs::PrintRunner* prints = nullptr;
  // Where QR checks are logged, in batches (null: straight to the store).
  jobs::VerificationRecorder* verification_log = nullptr;
  // Public document checks (POST /v/check) hash up to 10 MB each: at most 10 a minute per client.
  std::shared_ptr<ClientRateLimit> document_checks =
      std::make_shared<ClientRateLimit>(10, std::chrono::minutes(1));
  // accounts area: the secret that signs WeChat binding callbacks (DATA/wechat.secret), and the
  // captcha text source — empty means random (captcha.h); tests set it so that they know the
  // answer. The captcha is drawn on a render thread with that thread's fonts.
  std::string wechat_secret;
  std::function<std::string()> captcha_text;
};

}  // namespace sanfang::api
