#include "api/multipart_form.h"

#include "api/http.h"

#include <gmime/gmime.h>

#include <memory>
#include <mutex>

namespace sanfang::api {

namespace {

struct ObjectUnref {
  void operator()(gpointer object) const { g_object_unref(object); }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, ObjectUnref>;

void init_gmime_once() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

Error not_a_form(const std::string& field) {
  return Error::invalid(field, "上传的表单格式不正确，请通过核验页面选择文件后再提交");
}

}  // namespace

bool is_multipart_form(std::string_view content_type) { return media_type_of(content_type) == "multipart/form-data"; }

Result<std::string> multipart_form_file(std::string_view content_type, std::string_view body,
                                        const std::string& field_name) {
  if (!is_multipart_form(content_type) ||
      content_type.find_first_of("\r\n") != std::string_view::npos)
    return not_a_form(field_name);
  init_gmime_once();
  // The body with its Content-Type header in front is one MIME entity for GMime's parser.
  const std::string head = "Content-Type: " + std::string(content_type) + "\r\n\r\n";
  GObjectPtr<GMimeStream> input(g_mime_stream_mem_new());
  g_mime_stream_write(input.get(), head.data(), head.size());
  g_mime_stream_write(input.get(), body.data(), body.size());
  g_mime_stream_seek(input.get(), 0, GMIME_STREAM_SEEK_SET);
  GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(input.get()));
  GObjectPtr<GMimeObject> entity(g_mime_parser_construct_part(parser.get(), nullptr));
  if (!entity || !GMIME_IS_MULTIPART(entity.get())) return not_a_form(field_name);

  GMimeMultipart* form = GMIME_MULTIPART(entity.get());
  for (int i = 0; i < g_mime_multipart_get_count(form); ++i) {
    GMimeObject* field = g_mime_multipart_get_part(form, i);
    GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(field);
    if (!disposition) continue;
    const char* name = g_mime_content_disposition_get_parameter(disposition, "name");
    if (!name || field_name != name) continue;
    if (!GMIME_IS_PART(field)) return not_a_form(field_name);
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(field));
    if (!content) return Error::invalid(field_name, "上传的文件为空");
    GObjectPtr<GMimeStream> output(g_mime_stream_mem_new());
    if (g_mime_data_wrapper_write_to_stream(content, output.get()) < 0) return not_a_form(field_name);
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(output.get()));
    return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
  }
  return Error::invalid(field_name, "没有收到文件，请选择要核验的 PDF 文件");
}

}  // namespace sanfang::api
