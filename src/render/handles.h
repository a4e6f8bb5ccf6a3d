// RAII owners for the C handles of cairo, pango, glib, fontconfig and harfbuzz. Every handle the
// renderer creates lives in one of these; nothing is freed by hand.
#pragma once

#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <glib-object.h>
#include <harfbuzz/hb.h>
#include <pango/pango.h>

#include <memory>

namespace sanfang::render {

struct CairoDeleter {
  void operator()(cairo_t* p) const { cairo_destroy(p); }
  void operator()(cairo_surface_t* p) const { cairo_surface_destroy(p); }
  void operator()(cairo_pattern_t* p) const { cairo_pattern_destroy(p); }
  void operator()(cairo_font_options_t* p) const { cairo_font_options_destroy(p); }
  void operator()(cairo_scaled_font_t* p) const { cairo_scaled_font_destroy(p); }
};
struct GObjectDeleter {
  void operator()(gpointer p) const { g_object_unref(p); }
};
struct PangoDeleter {
  void operator()(PangoFontDescription* p) const { pango_font_description_free(p); }
  void operator()(PangoAttrList* p) const { pango_attr_list_unref(p); }
};
struct FcDeleter {
  void operator()(FcConfig* p) const { FcConfigDestroy(p); }
};
struct HbDeleter {
  void operator()(hb_blob_t* p) const { hb_blob_destroy(p); }
  void operator()(hb_face_t* p) const { hb_face_destroy(p); }
  void operator()(hb_set_t* p) const { hb_set_destroy(p); }
};

using CairoPtr = std::unique_ptr<cairo_t, CairoDeleter>;
using SurfacePtr = std::unique_ptr<cairo_surface_t, CairoDeleter>;
using PatternPtr = std::unique_ptr<cairo_pattern_t, CairoDeleter>;
using FontOptionsPtr = std::unique_ptr<cairo_font_options_t, CairoDeleter>;
using ScaledFontPtr = std::unique_ptr<cairo_scaled_font_t, CairoDeleter>;
using FontMapPtr = std::unique_ptr<PangoFontMap, GObjectDeleter>;
using PangoContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;
using PangoLayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using FontDescriptionPtr = std::unique_ptr<PangoFontDescription, PangoDeleter>;
using AttrListPtr = std::unique_ptr<PangoAttrList, PangoDeleter>;
using FcConfigPtr = std::unique_ptr<FcConfig, FcDeleter>;
using HbBlobPtr = std::unique_ptr<hb_blob_t, HbDeleter>;
using HbFacePtr = std::unique_ptr<hb_face_t, HbDeleter>;
using HbSetPtr = std::unique_ptr<hb_set_t, HbDeleter>;

}  // namespace sanfang::render
