#include "api/service.h"

#include "api/documents.h"
#include "api/wechat_signature.h"
#include "app/public_address.h"
#include "core/log.h"
#include "jobs/agreement_documents.h"
#include "render/fonts.h"
#include "render/layout_spec.h"
#include "store/open_store.h"
#include "store/secrets.h"

namespace sanfang::api {

Result<std::unique_ptr<Service>> Service::start(ServiceOptions options) {
  std::unique_ptr<Service> service(new Service());
  App& app = service->m_app;
  app.config.data_dir = options.data_dir;
  app.config.share_dir = options.share_dir;
  app.config.host = options.host;
  app.config.port = options.port;
  app.config.io_threads = options.io_threads;
  app.config.http = options.http;
  app.config.trusted_proxies = options.trusted_proxies;
  app.clock = options.clock ? options.clock : &service->m_system_clock;
  app.school = options.school;
  app.workflow = options.workflow;
  app.school.code = options.school_code;

  const store::StoreLocation location{options.db, options.data_dir, options.school_code, options.db_pool_size};
  service->m_store = TRY(store::open_store(location));
  app.store = service->m_store.get();
  app.key = TRY(store::load_checked_key(*app.store, options.data_dir));

  app.wechat_secret = TRY(load_or_create_wechat_secret(options.data_dir / "wechat.secret"));
  app.codes = std::make_shared<const core::CodeLists>(TRY(core::CodeLists::load(options.share_dir / "layouts" / "codes")));
  auto fonts = TRY(render::FontSet::load(options.share_dir / "fonts"));
  auto layout = std::make_shared<const render::LayoutSpec>(TRY(render::load_layout(options.share_dir / "layouts" / "default.json")));

  // The server must be listening before the default public base is known when the port is
  // chosen by the system; the render pool is created after, with the final base. The school's
  // public address is kept with the data (workflow/public_address.h): the first start stores the
  // configured one, and a later start with another keeps the stored one and says so.
  service->m_server = TRY(Server::start(app, all_routes()));
  const std::string configured = options.public_base.empty() ? service->base_url() : options.public_base;
  const app::AdoptedPublicBase adopted =
      TRY(app::adopt_public_base(*app.store, configured, "public_base", app.clock->now()));
  if (adopted.differs_from_configured && !options.public_base.empty())
    log::warn("public_base_differs_from_stored", {{"configured", configured},
                                                  {"stored", adopted.url},
                                                  {"change_with", "sanfang school set-public-base URL"}});
  app.config.public_base = adopted.url;
  app.school.public_base = adopted.url;
  app.config.wechat_page_base =
      options.wechat_page_base.empty() ? app.config.public_base + "/wechat/bind" : options.wechat_page_base;

  render::RenderOptions render_options;
  render_options.public_base_url = app.config.public_base;
  render_options.key = app.key;
  service->m_renders = TRY(jobs::RenderPool::create(fonts, layout, render_options, {options.render_threads}));
  app.renders = service->m_renders.get();
  // SPEC "Serial numbers": the signed PDF is rendered once, as part of the signing decision.
  app.make_signed_document = [&app](const workflow::Agreement& agreement) { return store_signed_document(app, agreement); };
  app.print_check = std::make_shared<const jobs::RendererPrintCheck>(*app.renders);
  service->m_sweeper = std::make_unique<jobs::ExpirySweeper>(*app.store, *app.store, *app.store, *app.clock, app.workflow,
                                                             options.expiry_sweep_interval);
  service->m_sweeper->start();
  for (const auto& copy : layout->copies) {
    app.copy_numbers.push_back(copy.number);
    app.copy_labels[copy.number] = copy.label;
  }
  // SPEC "Print room": jobs queued before a restart, or interrupted by it, run again.
  service->m_prints = TRY(jobs::PrintRunner::start({app.store, app.clock, app.codes, app.school, app.renders},
                                                   options.data_dir / "print-jobs", options.print));
  app.prints = service->m_prints.get();
  // The log writes on a connection of its own: while it commits a batch, requests keep reading
  // (SQLite's WAL lets readers run beside the one writer; PostgreSQL's pool has connections).
  service->m_log_store = TRY(store::open_store(location));
  // The deliverer holds the store only to claim and record; it waits for receivers outside it.
  service->m_webhooks = std::make_unique<jobs::WebhookDeliverer>(*app.store, *app.clock, options.webhooks);
  service->m_webhooks->start();
  service->m_verification_log = std::make_unique<jobs::VerificationRecorder>(*service->m_log_store);
  app.verification_log = service->m_verification_log.get();
  service->m_server->open();
  return service;
}

Service::~Service() { stop(); }

std::string Service::base_url() const {
  return "http://" + m_app.config.host + ":" + std::to_string(port());
}

void Service::stop() {
  if (m_sweeper) m_sweeper->stop();
  if (m_webhooks) m_webhooks->stop();
  if (m_server) m_server->stop();
  m_server.reset();
  // A running print job stops at its next slice and goes back to the queue, to resume at the next start.
  if (m_prints) m_prints->stop();
  m_app.prints = nullptr;
  m_prints.reset();
  // Scans logged in the last moments are written before the store goes.
  m_app.verification_log = nullptr;
  m_verification_log.reset();
  m_renders.reset();
}

}  // namespace sanfang::api
