// Layout files (layouts/*.json, format in layouts/README.md): any file content gives a layout or
// an error naming the JSON path; never a crash or an exception.
#include "fuzz_support.h"

#include "render/layout_spec.h"

#include <fstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sanfang;
  const std::filesystem::path file = fuzz::scratch_dir() / "layout.json";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto layout = render::load_layout(file);
  if (!layout) {
    fuzz::require(layout.error().kind == ErrorKind::InvalidInput, "a bad layout is an input error");
    fuzz::require(!layout.error().message.empty(), "a refused layout says why");
    return 0;
  }
  for (int number : layout->outside_face) fuzz::require(layout->panel(number) != nullptr, "imposed panels exist");
  for (int number : layout->inside_face) fuzz::require(layout->panel(number) != nullptr, "imposed panels exist");
  return 0;
}
