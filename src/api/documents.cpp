#include "api/documents.h"

#include "api/workflow_http.h"
#include "app/agreements.h"
#include "core/field_rules.h"
#include "jobs/agreement_documents.h"

#include <chrono>
#include <utility>
#include <vector>

namespace sanfang::api {

namespace {

// Renders through the render pool (never on an I/O thread) and counts the render in /metrics.
Result<std::string> render_counted(App& app, render::AgreementDocument document) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<render::AgreementDocument> documents;
  documents.push_back(std::move(document));
  auto pdf = app.renders->render(std::move(documents));
  app.metrics.record_render(pdf.ok(),
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return pdf;
}

Result<store::SignedDocument> render_and_store(App& app, const workflow::Agreement& agreement) {
  if (!agreement.serial)
    return Error::make(ErrorKind::Conflict, "协议尚未签约，没有正式文本", "state");
  render::AgreementDocument document = TRY(agreement_document(app, agreement));
  store::SignedDocument record;
  record.agreement_id = agreement.id;
  record.serial = *agreement.serial;
  record.content_hash = hex_encode(document.content_hash);
  record.created_at = app.clock->now();
  const std::string pdf = TRY(render_counted(app, std::move(document)));
  return app.store->put_signed_document(record, pdf);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string hex_encode(const core::ContentHash& hash) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : hash) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0F];
  }
  return hex;
}

Result<core::ContentHash> hex_decode_hash(std::string_view hex) {
  core::ContentHash hash{};
  if (hex.size() != hash.size() * 2) return Error::make(ErrorKind::Storage, "stored content hash is damaged");
  for (std::size_t i = 0; i < hash.size(); ++i) {
    const int high = hex_value(hex[2 * i]), low = hex_value(hex[2 * i + 1]);
    if (high < 0 || low < 0) return Error::make(ErrorKind::Storage, "stored content hash is damaged");
    hash[i] = static_cast<unsigned char>(high * 16 + low);
  }
  return hash;
}

Result<render::AgreementDocument> agreement_document(App& app, const workflow::Agreement& agreement) {
  const std::string college = TRY(app.store->college_name(agreement.college_code));
  // The public address as stored now: set by another process, it applies here from now on.
  const workflow::SchoolProfile school = TRY(jobs::school_profile(*app.store, app.school));
  return jobs::agreement_document(agreement, school, college, *app.codes);
}

Status store_signed_document(App& app, const workflow::Agreement& agreement) {
  auto stored = render_and_store(app, agreement);
  if (stored) return {};
  Error error = stored.take_error();
  // The reviewer reads this: say what did not happen, and which box of the form is at fault.
  std::string field_name;
  if (const core::FieldRule* rule = core::field_rule(error.field);
      rule && !error.message.starts_with(rule->label))
    field_name = std::string(rule->label) + "：";
  error.message = "无法生成协议文本，协议未签约。" + field_name + error.message;
  return error;
}

Result<workflow::Agreement> sign_agreement(App& app, const workflow::AgreementChange& change,
                                           std::int64_t expected_version) {
  return app::sign_agreement(use_cases(app), change, expected_version);
}

Result<store::SignedDocument> signed_document(App& app, const workflow::Agreement& agreement) {
  if (!agreement.serial)
    return Error::make(ErrorKind::Conflict, "协议尚未签约，没有正式文本", "state");
  auto stored = app.store->signed_document(agreement.id);
  if (stored || stored.error().kind != ErrorKind::NotFound) return stored;
  return render_and_store(app, agreement);
}

Result<Pdf> signed_pdf(App& app, const workflow::Agreement& agreement) {
  const store::SignedDocument record = TRY(signed_document(app, agreement));
  return Pdf{{}, TRY(app.store->blob_file(record.sha256)), record.sha256};
}

Result<Preview> preview_of(App& app, const workflow::Agreement& agreement) {
  if (agreement.serial) return Error::make(ErrorKind::Conflict, "协议已签约，请下载正式文本", "state");
  render::AgreementDocument document = TRY(agreement_document(app, agreement));
  std::string hash = hex_encode(document.content_hash);
  return Preview{std::move(document), std::move(hash)};
}

Result<Pdf> preview_pdf(App& app, Preview preview) {
  const std::string key = "preview:" + preview.content_hash;
  auto bytes = app.previews->find(key);
  if (!bytes) bytes = app.previews->insert(key, TRY(render_counted(app, std::move(preview.document))));
  return Pdf{std::move(bytes), {}, std::move(preview.content_hash)};
}

Result<std::string> page_png(App& app, const Pdf& pdf, int page) {
  constexpr double kScreenDpi = 96;
  const std::string key = "png:" + pdf.etag_hash + ":" + std::to_string(page);
  if (auto kept = app.previews->find(key)) return *kept;
  const std::string bytes = pdf.file.empty() ? *pdf.bytes : TRY(app.store->blob_bytes(pdf.etag_hash));
  return *app.previews->insert(key, TRY(app.renders->rasterise(bytes, page, kScreenDpi)));
}

}  // namespace sanfang::api
