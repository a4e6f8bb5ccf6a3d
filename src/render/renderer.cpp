#include "render/renderer.h"

#include "render/art.h"
#include "render/compose.h"
#include "render/plan.h"
#include "render/qr.h"
#include "render/separator.h"
#include "render/text_template.h"

#include <cairo-pdf.h>

#include <algorithm>
#include <map>

namespace sanfang::render {

struct Renderer::Impl {
  std::shared_ptr<const FontSet> fonts;
  std::shared_ptr<const LayoutSpec> layout;
  RenderOptions options;
  // Shared by all open streams. The plan and the static art never change after create(); the
  // composer's slots are refilled by every add() and read only within it, so adds to different
  // streams may interleave. What a stream keeps between its adds lives in the stream.
  FontContext font_context;
  Composer composer;
  LayoutPlan plan;
  StaticArt art;

  Impl(std::shared_ptr<const FontSet> f, std::shared_ptr<const LayoutSpec> l, RenderOptions o)
      : fonts(std::move(f)), layout(std::move(l)), options(std::move(o)), font_context(fonts),
        composer(font_context, *layout) {}
};

namespace {

std::string reprint_mark(int times_printed_before) {
  if (times_printed_before <= 0) return {};
  return "补打（第 " + std::to_string(times_printed_before) + " 次）";
}

// The "break lines" stage for one agreement: every dynamic text fitted, once — or once per drawn
// copy when its template names a copy property. Index: [text][copy or 0]; null for an empty
// value or a copy not drawn. The fitted texts are immutable and shared with the Composer's slots,
// which hand the same one on while a value does not change.
struct ComposedAgreement {
  std::vector<std::vector<std::shared_ptr<const FittedText>>> texts;
  std::vector<std::string> shared_text;           // [text]: the value of a shared text, else empty
  std::vector<std::vector<QrSymbol>> qr_by_copy;  // [copy][qr block]: one stencil per placement
  std::vector<std::string> url_by_copy;
};

// The copies add() draws, by copy index: every copy for an empty `numbers`.
Result<std::vector<bool>> select_copies(const LayoutSpec& layout, std::span<const int> numbers) {
  std::vector<bool> drawn(layout.copies.size(), numbers.empty());
  for (int number : numbers) {
    auto copy = std::find_if(layout.copies.begin(), layout.copies.end(),
                             [&](const CopySpec& c) { return c.number == number; });
    if (copy == layout.copies.end()) return Error::invalid("copies", "没有第 " + std::to_string(number) + " 联");
    const auto index = static_cast<std::size_t>(copy - layout.copies.begin());
    if (drawn[index]) return Error::invalid("copies", "第 " + std::to_string(number) + " 联重复");
    drawn[index] = true;
  }
  return drawn;
}

Status output_status(cairo_status_t status) {
  if (status == CAIRO_STATUS_SUCCESS) return {};
  return Error::make(status == CAIRO_STATUS_WRITE_ERROR ? ErrorKind::Io : ErrorKind::Render,
                     std::string("PDF output: ") + cairo_status_to_string(status));
}

cairo_status_t write_to_sink(void* closure, const unsigned char* data, unsigned int length) {
  auto* sink = static_cast<ByteSink*>(closure);
  return (*sink)(std::string_view(reinterpret_cast<const char*>(data), length)) ? CAIRO_STATUS_SUCCESS
                                                                                 : CAIRO_STATUS_WRITE_ERROR;
}

// cairo tag attributes are single-quoted; escape quote and backslash (tech-notes §2.3).
std::string tag_uri(const std::string& url) {
  std::string escaped;
  for (char c : url) {
    if (c == '\'' || c == '\\') escaped += '\\';
    escaped += c;
  }
  return "uri='" + escaped + "'";
}

// A panel's recording of an agreement's copy-independent values, with the values it shows.
struct PanelValues {
  std::vector<std::string> values;
  SurfacePtr recording;
};

}  // namespace

struct PdfStream::Impl {
  Renderer::Impl& renderer;
  ByteSink sink;
  StreamOptions options;
  std::string title;
  SurfacePtr surface;
  CairoPtr cr;
  int pages = 0;
  int agreements = 0;
  std::string first_serial, last_serial;
  std::string latest_timestamp;
  bool finished = false;
  // Per panel: the recording of the latest agreement's copy-independent values, painted on all
  // copies (the PDF carries their text once, as a form XObject). While none of a panel's values
  // changes (a batch's school fields), the same recording is painted again and cairo writes its
  // form once per file. Kept per stream and keyed by the values rather than by what the
  // renderer composed last, so what other streams draw in between changes nothing here.
  // Memory: one recording per panel.
  std::map<int, PanelValues> shared_values;

  Impl(Renderer::Impl& r, ByteSink s, StreamOptions o) : renderer(r), sink(std::move(s)), options(std::move(o)) {}

  Result<ComposedAgreement> compose(const AgreementDocument& doc, std::span<const int> reprints,
                                    const std::vector<bool>& drawn) {
    const LayoutSpec& layout = *renderer.layout;
    for (const auto& [path, value] : doc.values) TRY(renderer.fonts->check_coverage(value, path));

    ComposedAgreement out;
    out.texts.resize(renderer.plan.texts.size());
    out.shared_text.resize(renderer.plan.texts.size());
    for (std::size_t i = 0; i < renderer.plan.texts.size(); ++i) {
      const DynamicText& d = renderer.plan.texts[i];
      const std::size_t variants = d.per_copy ? layout.copies.size() : 1;
      out.texts[i].resize(variants);
      for (std::size_t c = 0; c < variants; ++c) {
        if (d.per_copy && !drawn[c]) continue;
        const CopySpec& copy = layout.copies[c];
        auto text = TRY(expand_template(d.text, [&](std::string_view name) -> std::optional<std::string> {
          if (name == kReprintPlaceholder) return reprint_mark(c < reprints.size() ? reprints[c] : 0);
          if (name == "copy.label") return copy.label;
          if (name == "copy.number") return std::to_string(copy.number);
          if (name.rfind("party.", 0) == 0) {
            auto it = layout.parties.find(std::string(name.substr(6)));
            return it == layout.parties.end() ? std::nullopt : std::optional<std::string>(it->second);
          }
          return std::string(doc.value(name));
        }));
        const std::size_t slot = i * layout.copies.size() + c;
        out.texts[i][c] = TRY(renderer.composer.fit_slot(slot, text, d.box, d.style, d.align, d.fit, d.vcenter, d.field));
        if (is_shared(d)) out.shared_text[i] = std::move(text);
      }
    }

    out.qr_by_copy.resize(layout.copies.size());
    out.url_by_copy.resize(layout.copies.size());
    if (doc.serial && !renderer.plan.qrs.empty()) {
      if (!renderer.options.key) return Error::make(ErrorKind::Internal, "a verification key is needed to print a serial");
      for (std::size_t c = 0; c < layout.copies.size(); ++c) {
        if (!drawn[c]) continue;
        auto token = core::make_verification_token(*renderer.options.key, *doc.serial, layout.copies[c].number, doc.content_hash);
        out.url_by_copy[c] = core::verification_url(
            doc.public_base.empty() ? renderer.options.public_base_url : doc.public_base, token);
        QrSymbol symbol = TRY(encode_qr(out.url_by_copy[c]));
        for (std::size_t q = 1; q < renderer.plan.qrs.size(); ++q) out.qr_by_copy[c].push_back(duplicate_qr(symbol));
        out.qr_by_copy[c].push_back(std::move(symbol));
      }
    }
    record_shared_values(out);
    return out;
  }

  bool is_shared(const DynamicText& d) const {
    return !d.per_copy && !renderer.layout->styles.at(d.style).color.accent;
  }

  static bool on_panel(const DynamicText& d, int panel) { return d.panel == panel || d.panel == 0; }

  void record_shared_values(const ComposedAgreement& composed) {
    for (const auto& panel : renderer.layout->panels) {
      std::vector<std::string> values;
      for (std::size_t i = 0; i < renderer.plan.texts.size(); ++i) {
        const DynamicText& d = renderer.plan.texts[i];
        if (on_panel(d, panel.number) && is_shared(d)) values.push_back(composed.shared_text[i]);
      }
      PanelValues& recorded = shared_values[panel.number];
      if (recorded.recording && recorded.values == values) continue;
      recorded.recording = record_panel_values(composed, panel.number);
      recorded.values = std::move(values);
    }
  }

  SurfacePtr record_panel_values(const ComposedAgreement& composed, int panel) const {
    const LayoutSpec& layout = *renderer.layout;
    cairo_rectangle_t extents{0, 0, layout.panel_width, layout.panel_height};
    SurfacePtr surface(cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents));
    CairoPtr recorder(cairo_create(surface.get()));
    for (std::size_t i = 0; i < renderer.plan.texts.size(); ++i) {
      const DynamicText& d = renderer.plan.texts[i];
      if (!on_panel(d, panel) || !is_shared(d) || !composed.texts[i][0]) continue;
      draw_fitted(recorder.get(), *composed.texts[i][0], layout.styles.at(d.style).color.rgb);
    }
    return surface;
  }

  void draw_panel(const ComposedAgreement& composed, std::size_t copy_index, int panel) {
    const LayoutSpec& layout = *renderer.layout;
    const CopySpec& copy = layout.copies[copy_index];
    cairo_t* c = cr.get();
    renderer.art.paint_panel(c, copy_index, panel);
    cairo_set_source_surface(c, shared_values.at(panel).recording.get(), 0, 0);
    cairo_paint(c);
    for (std::size_t i = 0; i < renderer.plan.texts.size(); ++i) {
      const DynamicText& d = renderer.plan.texts[i];
      if (!on_panel(d, panel) || is_shared(d)) continue;
      const FittedText* fitted = composed.texts[i][d.per_copy ? copy_index : 0].get();
      if (fitted) draw_fitted(c, *fitted, resolve_color(layout.styles.at(d.style).color, copy));
    }
    const auto& symbols = composed.qr_by_copy[copy_index];
    for (std::size_t q = 0; q < renderer.plan.qrs.size() && q < symbols.size(); ++q) {
      const DynamicQr& qr = renderer.plan.qrs[q];
      if (qr.panel != panel) continue;
      // The QR is also a link, for whoever holds the PDF rather than the paper.
      if (options.links) cairo_tag_begin(c, CAIRO_TAG_LINK, tag_uri(composed.url_by_copy[copy_index]).c_str());
      draw_qr(c, symbols[q], qr.box.x, qr.box.y, qr.box.w);
      if (options.links) cairo_tag_end(c, CAIRO_TAG_LINK);
    }
  }

  void draw_face(const AgreementDocument& doc, const ComposedAgreement& composed, std::size_t copy_index,
                 const std::vector<int>& face, const char* side) {
    const LayoutSpec& layout = *renderer.layout;
    cairo_t* c = cr.get();
    std::string label = (doc.serial ? *doc.serial + " " : std::string()) + layout.copies[copy_index].label + " " + side;
    cairo_pdf_surface_set_page_label(surface.get(), label.c_str());
    for (std::size_t slot = 0; slot < face.size(); ++slot) {
      cairo_save(c);
      cairo_translate(c, slot * layout.panel_width, 0);
      cairo_rectangle(c, 0, 0, layout.panel_width, layout.panel_height);
      cairo_clip(c);
      draw_panel(composed, copy_index, face[slot]);
      cairo_restore(c);
    }
    if (doc.is_preview()) {
      cairo_set_source_surface(c, renderer.art.watermark(), 0, 0);
      cairo_paint(c);
    }
    cairo_set_source_surface(c, renderer.art.marks(), 0, 0);
    cairo_paint(c);
    cairo_show_page(c);
    ++pages;
  }

  Status add(const AgreementDocument& doc, std::span<const int> reprints, std::span<const int> copies) {
    if (finished) return Error::make(ErrorKind::Internal, "PDF stream already finished");
    const LayoutSpec& layout = *renderer.layout;
    const std::vector<bool> drawn = TRY(select_copies(layout, copies));
    ComposedAgreement composed = TRY(compose(doc, reprints, drawn));
    for (std::size_t copy = 0; copy < layout.copies.size(); ++copy) {
      if (!drawn[copy]) continue;
      draw_face(doc, composed, copy, layout.outside_face, "外");
      draw_face(doc, composed, copy, layout.inside_face, "内");
    }
    TRY(output_status(cairo_status(cr.get())));
    ++agreements;
    if (doc.serial) {
      if (first_serial.empty()) first_serial = *doc.serial;
      last_serial = *doc.serial;
    }
    latest_timestamp = std::max(latest_timestamp, doc.timestamp_utc);
    return {};
  }

  Status add_separator(const SeparatorSheet& sheet) {
    if (finished) return Error::make(ErrorKind::Internal, "PDF stream already finished");
    const std::vector<FittedText> front =
        TRY(compose_separator(renderer.composer, *renderer.fonts, *renderer.layout, sheet));
    cairo_pdf_surface_set_page_label(surface.get(), "分隔页");
    draw_separator(cr.get(), front);
    cairo_show_page(cr.get());
    // The blank back: in duplex printing the next agreement starts on a sheet of its own.
    cairo_pdf_surface_set_page_label(surface.get(), "分隔页");
    cairo_show_page(cr.get());
    pages += 2;
    return output_status(cairo_status(cr.get()));
  }

  Status finish() {
    if (finished) return {};
    finished = true;
    std::string subject;
    if (agreements == 1) {
      subject = first_serial.empty() ? "预览" : first_serial;
    } else {
      subject = std::to_string(agreements) + " 份协议";
      if (!first_serial.empty()) subject += " " + first_serial + "–" + last_serial;
    }
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE, title.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_SUBJECT, subject.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "sanfang");
    const std::string date = latest_timestamp.empty() ? "1970-01-01T00:00:00Z" : latest_timestamp;
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
    cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
    if (options.links) cairo_tag_end(cr.get(), "Document");
    cr.reset();
    cairo_surface_finish(surface.get());
    cairo_status_t status = cairo_surface_status(surface.get());
    surface.reset();
    return output_status(status);
  }
};

Renderer::Renderer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Renderer::~Renderer() = default;

Result<std::unique_ptr<Renderer>> Renderer::create(std::shared_ptr<const FontSet> fonts,
                                                   std::shared_ptr<const LayoutSpec> layout, RenderOptions options) {
  for (const auto& [name, style] : layout->styles) {
    bool known = std::any_of(fonts->faces().begin(), fonts->faces().end(),
                             [&family = style.family](const FontFace& f) { return f.family == family; });
    if (!known) return Error::invalid("$.styles." + name, "layout: family \"" + style.family + "\" is not in fonts.json");
  }
  auto impl = std::make_unique<Impl>(std::move(fonts), std::move(layout), std::move(options));
  impl->plan = TRY(make_plan(*impl->layout));
  impl->art = TRY(StaticArt::record(impl->composer, *impl->layout));
  return std::unique_ptr<Renderer>(new Renderer(std::move(impl)));
}

const LayoutSpec& Renderer::layout() const { return *m_impl->layout; }

Status Renderer::check_value(std::string_view path, std::string_view text, std::string_view field) {
  Impl& impl = *m_impl;
  const LayoutSpec& layout = *impl.layout;
  TRY(impl.fonts->check_coverage(text, field));
  for (const DynamicText& d : impl.plan.texts) {
    const auto names = TRY(template_placeholders(d.text));
    if (std::find(names.begin(), names.end(), path) == names.end()) continue;
    const std::size_t variants = d.per_copy ? layout.copies.size() : 1;
    for (std::size_t c = 0; c < variants; ++c) {
      const CopySpec& copy = layout.copies[c];
      // The other placeholders as on a first print; every text of the layout names at most one
      // document value, and any other one is left empty.
      auto expanded = TRY(expand_template(d.text, [&](std::string_view name) -> std::optional<std::string> {
        if (name == path) return std::string(text);
        if (name == "copy.label") return copy.label;
        if (name == "copy.number") return std::to_string(copy.number);
        if (name.rfind("party.", 0) == 0) {
          auto it = layout.parties.find(std::string(name.substr(6)));
          return it == layout.parties.end() ? std::nullopt : std::optional<std::string>(it->second);
        }
        return std::string();
      }));
      TRY(impl.composer.fit(expanded, d.box, d.style, d.align, d.fit, d.vcenter, field));
    }
  }
  return {};
}

const FontContext& Renderer::font_context() const { return m_impl->font_context; }

Result<std::unique_ptr<PdfStream>> Renderer::begin(ByteSink sink, StreamOptions options) {
  auto impl = std::make_unique<PdfStream::Impl>(*m_impl, std::move(sink), std::move(options));
  impl->title = m_impl->layout->title;
  if (!impl->options.title_suffix.empty()) impl->title += " " + impl->options.title_suffix;
  impl->surface.reset(cairo_pdf_surface_create_for_stream(write_to_sink, &impl->sink, m_impl->layout->sheet_width,
                                                          m_impl->layout->sheet_height));
  impl->cr.reset(cairo_create(impl->surface.get()));
  // One structure element around the whole file. Without any, cairo 1.16 still reserves
  // structure-tree objects for link annotations but never writes them, leaving xref entries
  // that point at the wrong objects; with it the tree is written and the file is well-formed
  // (and tagged). A file without links needs neither.
  if (impl->options.links) cairo_tag_begin(impl->cr.get(), "Document", "");
  if (cairo_status(impl->cr.get()) != CAIRO_STATUS_SUCCESS) {
    return Error::make(ErrorKind::Render, "cannot create a PDF surface");
  }
  return std::unique_ptr<PdfStream>(new PdfStream(std::move(impl)));
}

Status Renderer::render(std::span<const AgreementDocument> documents, ByteSink sink) {
  auto stream = TRY(begin(std::move(sink)));
  for (const auto& doc : documents) TRY(stream->add(doc));
  return stream->finish();
}

Result<std::string> Renderer::render_to_string(std::span<const AgreementDocument> documents) {
  std::string pdf;
  TRY(render(documents, [&](std::string_view bytes) {
    pdf.append(bytes);
    return true;
  }));
  return pdf;
}

PdfStream::PdfStream(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
PdfStream::~PdfStream() = default;
Status PdfStream::add(const AgreementDocument& document, std::span<const int> reprints, std::span<const int> copies) {
  return m_impl->add(document, reprints, copies);
}
Status PdfStream::add_separator(const SeparatorSheet& sheet) { return m_impl->add_separator(sheet); }
Status PdfStream::finish() { return m_impl->finish(); }
int PdfStream::pages() const { return m_impl->pages; }

}  // namespace sanfang::render
