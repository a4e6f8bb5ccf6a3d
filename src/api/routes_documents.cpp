// Document routes (SPEC "HTTP API"): an agreement's PDF — the stored signed file, or a
// watermarked preview before signing — its page images, and the signed PDF by serial for the
// portal and the print room.
#include "api/documents.h"
#include "api/problem.h"
#include "api/routes.h"
#include "api/upload_check.h"
#include "api/workflow_http.h"
#include "app/agreements.h"
#include "core/validate.h"

#include <charconv>
#include <string>
#include <string_view>

namespace sanfang::api {

namespace {

std::string student_name(const workflow::Agreement& agreement) {
  const auto& student = agreement.snapshot.at("student");
  return student.value("name", std::string());
}

// A document's answer carries its ETag and is checked again on every use (no-cache), as who may
// see it can change.
HttpResponse with_validators(HttpResponse response, const std::string& etag) {
  response.with_header("ETag", etag).with_header("Cache-Control", "private, no-cache");
  return response;
}

HttpResponse not_modified(const std::string& content_type, const std::string& etag) {
  return with_validators(bytes_response(304, content_type, {}), etag);
}

HttpResponse pdf_response(const HttpRequest& request, Pdf pdf, const std::string& etag_prefix,
                          const std::string& ascii_name, const std::string& chinese_name) {
  const std::string etag = "\"" + etag_prefix + pdf.etag_hash + "\"";
  if (etag_matches(request, etag)) return not_modified("application/pdf", etag);
  HttpResponse response = with_validators(!pdf.file.empty() ? file_response("application/pdf", std::move(pdf.file))
                                                            : bytes_response(200, "application/pdf", *pdf.bytes),
                                          etag);
  if (response.status == 200)
    response.with_header("Content-Disposition", attachment_disposition(ascii_name, chinese_name));
  return response;
}

Result<HttpResponse> agreement_pdf(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  // Before review the agreement prints as its acceptance would take it (an invitation's preview).
  auto printable = app::printable_agreement(use_cases(context.app), context.actor(), id);
  if (!printable) return agreement_problem(*context.app.store, printable.error(), id);
  const workflow::Agreement& agreement = *printable;
  const std::string name = student_name(agreement);
  if (agreement.serial) {
    // SPEC "The document": the signed file never changes, so its sha256 is a strong ETag.
    Pdf pdf = TRY(signed_pdf(context.app, agreement));
    return pdf_response(context.request, std::move(pdf), "", "agreement-" + *agreement.serial + ".pdf",
                        "就业协议书-" + *agreement.serial + "-" + name + ".pdf");
  }
  // A preview's ETag is the render input's hash: an unchanged agreement answers 304 without
  // drawing anything.
  Preview preview = TRY(preview_of(context.app, agreement));
  const std::string etag = "\"preview-" + preview.content_hash + "\"";
  if (etag_matches(context.request, etag)) return not_modified("application/pdf", etag);
  Pdf pdf = TRY(preview_pdf(context.app, std::move(preview)));
  return pdf_response(context.request, std::move(pdf), "preview-",
                      "agreement-" + std::to_string(agreement.id) + "-preview.pdf",
                      "就业协议书-预览-" + name + ".pdf");
}

Result<int> page_number(const HttpRequest& request) {
  const auto text = request.query_value("page");
  if (!text) return 1;
  int page = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), page);
  if (ec != std::errc() || end != text->data() + text->size() || page < 1)
    return Error::invalid("page", "页码应为正整数");
  return page;
}

Result<HttpResponse> agreement_preview_png(RouteContext& context) {
  const int page = TRY(page_number(context.request));
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  // Before review the agreement prints as its acceptance would take it (an invitation's preview).
  auto printable = app::printable_agreement(use_cases(context.app), context.actor(), id);
  if (!printable) return agreement_problem(*context.app.store, printable.error(), id);
  const workflow::Agreement& agreement = *printable;
  // The page of a file that never changes for its hash: the hash and the page are its ETag.
  const std::string page_suffix = "-p" + std::to_string(page) + "\"";
  Pdf pdf;
  std::string etag;
  if (agreement.serial) {
    pdf = TRY(signed_pdf(context.app, agreement));
    etag = "\"" + pdf.etag_hash + page_suffix;
  } else {
    Preview preview = TRY(preview_of(context.app, agreement));
    etag = "\"preview-" + preview.content_hash + page_suffix;
    if (etag_matches(context.request, etag)) return not_modified("image/png", etag);
    pdf = TRY(preview_pdf(context.app, std::move(preview)));
  }
  if (etag_matches(context.request, etag)) return not_modified("image/png", etag);
  return with_validators(bytes_response(200, "image/png", TRY(page_png(context.app, pdf, page))), etag);
}

// The portal and the print room fetch signed agreements by the serial printed on them.
Result<HttpResponse> serial_pdf(RouteContext& context) {
  TRY(require_visible(workflow::may_see_by_serial(context.actor())));
  const std::string serial = TRY(core::validate_serial(context.request.params.at("serial"), "serial"));
  auto agreement = context.app.store->agreement_by_serial(serial);
  if (!agreement) return agreement.take_error();
  Pdf pdf = TRY(signed_pdf(context.app, *agreement));
  return pdf_response(context.request, std::move(pdf), "", "agreement-" + serial + ".pdf",
                      "就业协议书-" + serial + "-" + student_name(*agreement) + ".pdf");
}

// GET /api/v1/agreements/{id}/attachments → {items: [{id, sha256, media_type, size, purpose,
// uploaded_at, url}]}: the evidence a reviewer decides on.
Result<HttpResponse> list_attachments(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  nlohmann::json items = nlohmann::json::array();
  for (const auto& upload : TRY(app::agreement_uploads(use_cases(context.app), context.actor(), id)))
    items.push_back(upload_json(upload));
  return json_response(200, nlohmann::json{{"items", items}}.dump());
}

// GET /api/v1/agreements/{id}/attachments/{attachment_id}: the uploaded file itself, shown in the
// browser. Uploads were checked to be the image or PDF they claim (upload_check.h); the answer
// still forbids sniffing and runs the file in a sandbox, as it comes from a user.
Result<HttpResponse> attachment_file(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const std::int64_t upload_id = TRY(id_parameter(context.request, "attachment_id"));
  const store::AgreementUpload upload =
      TRY(app::agreement_upload(use_cases(context.app), context.actor(), id, upload_id));
  const std::string type = workflow::to_string(upload.attachment.media_type);
  // Content-addressed: the hash never changes for its bytes.
  const std::string etag = "\"" + upload.attachment.sha256 + "\"";
  if (etag_matches(context.request, etag)) return not_modified(type, etag);
  const std::string extension = upload.attachment.media_type == workflow::MediaType::Pdf    ? ".pdf"
                                : upload.attachment.media_type == workflow::MediaType::Png ? ".png"
                                                                                           : ".jpg";
  return with_validators(file_response(type, TRY(context.app.store->blob_file(upload.attachment.sha256))), etag)
      .with_header("Content-Disposition", "inline; filename=\"attachment-" + std::to_string(upload.id) + extension + "\"")
      .with_header("X-Content-Type-Options", "nosniff")
      .with_header("Content-Security-Policy", "sandbox");
}

// GET …/attachments/{attachment_id}/thumbnail.png: the upload as a small PNG (an image scaled
// down, a PDF's first page), for whoever may open the upload itself. Drawn on the render pool
// once per file and kept with the previews; a conditional GET with the file's ETag draws nothing.
Result<HttpResponse> attachment_thumbnail(RouteContext& context) {
  const std::int64_t id = TRY(id_parameter(context.request, "id"));
  const std::int64_t upload_id = TRY(id_parameter(context.request, "attachment_id"));
  const store::AgreementUpload upload =
      TRY(app::agreement_upload(use_cases(context.app), context.actor(), id, upload_id));
  const std::string etag = "\"thumbnail-" + upload.attachment.sha256 + "\"";
  if (etag_matches(context.request, etag)) return not_modified("image/png", etag);
  const std::string key = "thumbnail:" + upload.attachment.sha256;
  std::shared_ptr<const std::string> png = context.app.previews->find(key);
  if (!png) {
    const std::string bytes = TRY(context.app.store->blob_bytes(upload.attachment.sha256));
    png = context.app.previews->insert(
        key, TRY(thumbnail_png(*context.app.renders, upload.attachment.media_type, bytes)));
  }
  return with_validators(bytes_response(200, "image/png", *png), etag);
}

// GET /api/v1/serials/{serial}: the agreement's record for the portal and the print room, which
// know agreements by the serial printed on them.
Result<HttpResponse> serial_status(RouteContext& context) {
  TRY(require_visible(workflow::may_see_by_serial(context.actor())));
  const std::string serial = TRY(core::validate_serial(context.request.params.at("serial"), "serial"));
  const workflow::Agreement agreement = TRY(context.app.store->agreement_by_serial(serial));
  return json_response(200, agreement_json(agreement, context.app.workflow, context.actor()).dump());
}

}  // namespace

void register_documents_routes(RouteTable& table) {
  table.add("GET", "/api/v1/agreements/:id/pdf", Access::Account, agreement_pdf);
  table.add("GET", "/api/v1/agreements/:id/preview.png", Access::Account, agreement_preview_png);
  table.add("GET", "/api/v1/serials/:serial/pdf", Access::Account, serial_pdf);
  table.add("GET", "/api/v1/serials/:serial", Access::Account, serial_status);
  table.add("GET", "/api/v1/agreements/:id/attachments", Access::Account, list_attachments);
  table.add("GET", "/api/v1/agreements/:id/attachments/:attachment_id", Access::Account, attachment_file);
  table.add("GET", "/api/v1/agreements/:id/attachments/:attachment_id/thumbnail.png", Access::Account,
            attachment_thumbnail);
}

}  // namespace sanfang::api
