// Agreement documents: the signed PDF, rendered once when an agreement becomes signed and kept
// content-addressed (SPEC "Serial numbers and verification", "The document"), and the
// watermarked preview of an agreement that is still in review. Both are rendered from the
// agreement's snapshot with the configured school profile, so the file depends only on what was
// agreed and never on later edits.
#pragma once

#include "api/app.h"
#include "core/result.h"
#include "core/verification_token.h"
#include "render/document.h"
#include "store/store.h"
#include "workflow/entities.h"

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace sanfang::api {

// The agreement as the renderer sees it (render input from the snapshot, the school profile and
// the name of the student's college). Conflict when the agreement has no snapshot yet.
Result<render::AgreementDocument> agreement_document(App& app, const workflow::Agreement& agreement);

// Renders and stores the PDF of an agreement that carries its serial (App::make_signed_document).
Status store_signed_document(App& app, const workflow::Agreement& agreement);

// The last approval as one decision, over the service's App (app::sign_agreement): the agreement
// is signed and its PDF stored in one store transaction, or nothing is kept.
Result<workflow::Agreement> sign_agreement(App& app, const workflow::AgreementChange& change,
                                           std::int64_t expected_version);

// The stored record of a signed agreement's PDF, rendering and storing it first for an agreement
// signed before documents were made at signing (or seeded by `sanfang bench-seed`). Conflict when
// the agreement has no serial.
Result<store::SignedDocument> signed_document(App& app, const workflow::Agreement& agreement);

struct Pdf {
  std::shared_ptr<const std::string> bytes;  // a preview, shared with the preview cache
  std::filesystem::path file;                // a signed PDF: its stored file, sent from disk
  std::string etag_hash;                     // signed: sha256 of the file; preview: hash of the render input
};

// The signed agreement's stored PDF (byte-identical on every download).
Result<Pdf> signed_pdf(App& app, const workflow::Agreement& agreement);

// The watermarked preview of an agreement without serial (diagonal 预览, no serial, no QR code),
// before it is drawn: its hash — the preview's ETag — comes from the render input alone, so a
// conditional GET of an unchanged preview is answered without drawing anything.
struct Preview {
  render::AgreementDocument document;
  std::string content_hash;
};
Result<Preview> preview_of(App& app, const workflow::Agreement& agreement);
// The preview drawn on the render pool — once per content hash: kept in App::previews (bounded),
// so that a student, the employer and the reviewers opening one agreement cost one render.
Result<Pdf> preview_pdf(App& app, Preview preview);

// Page `page` (1-based) of `pdf` as a PNG for screens (96 dpi), rasterised by Poppler on the
// render pool — never on the request thread; Busy when the pool's queue is full. Kept in
// App::previews by the PDF's hash and the page, as the PDF never changes for its hash.
Result<std::string> page_png(App& app, const Pdf& pdf, int page);

std::string hex_encode(const core::ContentHash& hash);
Result<core::ContentHash> hex_decode_hash(std::string_view hex);

}  // namespace sanfang::api
