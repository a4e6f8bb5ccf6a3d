// Service: a running sanfang service — store, render pool and HTTP server over one data folder.
// `sanfang serve` and `sanfang demo` run one; HTTP tests start one on a loopback port with a
// manual clock. Start-up loads fonts once and creates the data folder, database and
// verification key on first start.
#pragma once

#include "api/app.h"
#include "api/server.h"
#include "core/result.h"
#include "jobs/expiry_sweeper.h"
#include "jobs/print_runner.h"
#include "jobs/render_pool.h"
#include "jobs/webhook_deliverer.h"
#include "store/store.h"
#include "workflow/agreement_document.h"
#include "workflow/agreement_rules.h"
#include "workflow/clock.h"

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace sanfang::api {

struct ServiceOptions {
  std::filesystem::path data_dir = "data";
  // The store (store/open_store.h): empty for SQLite in data_dir, or a PostgreSQL URI shared by
  // several instances (data_dir then keeps only the secrets and the blob cache).
  std::string db;
  int db_pool_size = 8;
  std::filesystem::path share_dir;  // layouts/, fonts/, api/
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port
  std::string public_base;  // default http://HOST:PORT
  std::string wechat_page_base;  // default PUBLIC_BASE/wechat/bind (App::config)
  std::string school_code = "10731";
  workflow::SchoolProfile school;  // printed 丙方 block; its code is set from school_code
  workflow::WorkflowOptions workflow;  // the review chains (config file "review_chain")
  int io_threads = 2;
  HttpLimits http;  // the handler pool, request deadline and read timeout
  TrustedProxies trusted_proxies;  // whose X-Forwarded-For names the client (client_address.h)
  int render_threads = 0;  // 0: one per core
  workflow::Clock* clock = nullptr;  // default: the system clock
  // How often the invitation expiry sweeper wakes up (SPEC: expiry happens on time).
  std::chrono::milliseconds expiry_sweep_interval = std::chrono::seconds{30};
  jobs::PrintRunOptions print;
  // How often the webhook deliverer looks for due deliveries, and how long a receiver may take.
  jobs::WebhookDeliveryOptions webhooks;
};

class Service {
 public:
  static Result<std::unique_ptr<Service>> start(ServiceOptions options);
  ~Service();

  App& app() { return m_app; }
  int port() const { return m_server->port(); }
  std::string base_url() const;
  // The sweeper that expires invitations; tests call run_once() after moving a ManualClock.
  jobs::ExpirySweeper& expiry_sweeper() { return *m_sweeper; }
  // The webhook deliverer; tests call run_once() after moving a ManualClock.
  jobs::WebhookDeliverer& webhook_deliverer() { return *m_webhooks; }
  // Graceful stop: refuse new requests, finish those in flight, stop background work.
  void stop();

 private:
  Service() = default;
  workflow::SystemClock m_system_clock;
  std::unique_ptr<store::Store> m_store;
  std::unique_ptr<jobs::RenderPool> m_renders;
  App m_app;
  std::unique_ptr<Server> m_server;
  std::unique_ptr<jobs::ExpirySweeper> m_sweeper;
  std::unique_ptr<jobs::WebhookDeliverer> m_webhooks;
  std::unique_ptr<jobs::PrintRunner> m_prints;
  std::unique_ptr<store::Store> m_log_store;
  std::unique_ptr<jobs::VerificationRecorder> m_verification_log;
};

}  // namespace sanfang::api
