// Separator sheets: what the print room puts between colleges in a batch. One sheet of the
// layout's size whose front says in large type what follows; its back stays blank so that, in
// duplex printing, the next agreement still starts on a sheet of its own.
#pragma once

#include "core/result.h"
#include "render/compose.h"
#include "render/fonts.h"
#include "render/layout_spec.h"

#include <string>
#include <vector>

namespace sanfang::render {

// A sheet the print room puts between colleges in a batch: what follows, in large type.
struct SeparatorSheet {
  std::string heading;             // e.g. the college's name
  std::vector<std::string> lines;  // e.g. "共 128 份协议", per-major counts, serial range, job number
};

// The front of a separator laid out on the layout's sheet: the heading in bold sans (48 pt, shrunk
// to 32 pt and wrapped when long), then the lines (22 pt), from a 20 mm margin. Lines beyond the
// page are dropped after the last one that fits, which is followed by a line "……". Errors name
// the field "separator": a character no font covers (FontCoverage, with the code point), a
// heading longer than about four lines (Overflow).
Result<std::vector<FittedText>> compose_separator(Composer& composer, const FontSet& fonts, const LayoutSpec& layout,
                                                  const SeparatorSheet& sheet);

void draw_separator(cairo_t* cr, const std::vector<FittedText>& front);

}  // namespace sanfang::render
