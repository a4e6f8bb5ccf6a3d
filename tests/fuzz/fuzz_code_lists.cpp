// Code list files (layouts/codes/*.json, format in layouts/codes/README.md): any file content
// gives a list or an error naming the file; every loaded code looks up its own label.
#include "fuzz_support.h"

#include "core/code_lists.h"

#include <fstream>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sanfang;
  const std::filesystem::path dir = fuzz::scratch_dir() / "codes";
  std::filesystem::create_directories(dir);
  {
    std::ofstream out(dir / "employer_nature.json", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto lists = core::CodeLists::load(dir);
  if (!lists) {
    fuzz::require(!lists.error().message.empty(), "a refused code list says why");
    return 0;
  }
  for (const auto& [name, list] : lists->all()) {
    for (const auto& [code, label] : list.entries) {
      auto found = list.label(code, "field");
      fuzz::require(found.ok(), "a listed code has a label");
    }
    fuzz::require(!list.label("\xff not a code", "field").ok(), "an unknown code is refused");
  }
  return 0;
}
