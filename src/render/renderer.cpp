#include "render/renderer.h"

#include "render/agreement_composition.h"
#include "render/art.h"
#include "render/compose.h"
#include "render/impose.h"
#include "render/pdf_writer.h"
#include "render/plan.h"
#include "render/separator.h"
#include "render/text_template.h"

#include <algorithm>

namespace sanfang::render {

struct Renderer::Impl {
  std::shared_ptr<const FontSet> fonts;
  std::shared_ptr<const LayoutSpec> layout;
  RenderOptions options;
  // Shared by all open streams. The plan and the static art never change after create(); the
  // composer's slots are refilled by every add() and hand on immutable results, so adds to
  // different streams may interleave. What a stream keeps between its adds lives in the stream.
  FontContext font_context;
  Composer composer;
  LayoutPlan plan;
  StaticArt art;

  Impl(std::shared_ptr<const FontSet> f, std::shared_ptr<const LayoutSpec> l, RenderOptions o)
      : fonts(std::move(f)), layout(std::move(l)), options(std::move(o)), font_context(fonts),
        composer(font_context, *layout) {}

  CompositionContext composition() {
    return {*layout, plan, *fonts, composer, options.key ? &*options.key : nullptr, options.public_base_url};
  }
};

// The pipeline for one file: compose (agreement_composition) → impose (impose) → write (pdf_writer).
struct PdfStream::Impl {
  Renderer::Impl& renderer;
  StreamOptions options;
  std::unique_ptr<PdfWriter> writer;
  Imposer imposer;
  int agreements = 0;
  std::string first_serial, last_serial;
  std::string latest_timestamp;
  bool finished = false;

  Impl(Renderer::Impl& r, StreamOptions o, std::unique_ptr<PdfWriter> w)
      : renderer(r), options(std::move(o)), writer(std::move(w)), imposer(*r.layout, r.plan, r.art) {}

  Status add(const AgreementDocument& doc, std::span<const int> reprints, std::span<const int> copies) {
    if (finished) return Error::make(ErrorKind::Internal, "PDF stream already finished");
    const LayoutSpec& layout = *renderer.layout;
    const std::vector<bool> drawn = TRY(select_copies(layout, copies));
    const ComposedAgreement composed = TRY(compose_agreement(renderer.composition(), doc, reprints, drawn));
    imposer.remember_shared_values(composed);
    const FaceOptions face_options{doc.is_preview(), options.links};
    for (std::size_t copy = 0; copy < layout.copies.size(); ++copy) {
      if (!drawn[copy]) continue;
      const std::string label = (doc.serial ? *doc.serial + " " : std::string()) + layout.copies[copy].label + " ";
      for (const auto& [face, side] : {std::pair{&layout.outside_face, "外"}, std::pair{&layout.inside_face, "内"}}) {
        writer->label_page(label + side);
        imposer.draw_face(writer->page(), composed, copy, *face, face_options);
        TRY(writer->end_page());
      }
    }
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
    writer->label_page("分隔页");
    draw_separator(writer->page(), front);
    TRY(writer->end_page());
    // The blank back: in duplex printing the next agreement starts on a sheet of its own.
    writer->label_page("分隔页");
    return writer->end_page();
  }

  Status finish() {
    if (finished) return {};
    finished = true;
    PdfMetadata metadata;
    metadata.title = renderer.layout->title;
    if (!options.title_suffix.empty()) metadata.title += " " + options.title_suffix;
    if (agreements == 1) {
      metadata.subject = first_serial.empty() ? "预览" : first_serial;
    } else {
      metadata.subject = std::to_string(agreements) + " 份协议";
      if (!first_serial.empty()) metadata.subject += " " + first_serial + "–" + last_serial;
    }
    metadata.date = latest_timestamp.empty() ? "1970-01-01T00:00:00Z" : latest_timestamp;
    return writer->finish(metadata);
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
      // The other placeholders as on a first print; every text of the layout names at most one
      // document value, and any other one is left empty.
      auto expanded = TRY(expand_for_copy(layout, layout.copies[c], d.text, [&](std::string_view name) {
        return std::optional<std::string>(name == path ? std::string(text) : std::string());
      }));
      TRY(impl.composer.fit(expanded, d.box, d.style, d.align, d.fit, d.vcenter, field));
    }
  }
  return {};
}

const FontContext& Renderer::font_context() const { return m_impl->font_context; }

Result<std::unique_ptr<PdfStream>> Renderer::begin(ByteSink sink, StreamOptions options) {
  const LayoutSpec& layout = *m_impl->layout;
  auto writer = TRY(PdfWriter::open(std::move(sink), layout.sheet_width, layout.sheet_height, options.links,
                                    options.deflate));
  auto impl = std::make_unique<PdfStream::Impl>(*m_impl, std::move(options), std::move(writer));
  return std::unique_ptr<PdfStream>(new PdfStream(std::move(impl)));
}

StreamOptions StreamOptions::for_print(std::string title_suffix) {
  StreamOptions options;
  options.title_suffix = std::move(title_suffix);
  options.links = false;
  options.deflate = Deflate::Small;
  return options;
}

Status Renderer::render(std::span<const AgreementDocument> documents, ByteSink sink, StreamOptions options) {
  auto stream = TRY(begin(std::move(sink), std::move(options)));
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
int PdfStream::pages() const { return m_impl->writer->pages(); }

}  // namespace sanfang::render
