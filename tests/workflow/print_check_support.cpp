#include "print_check_support.h"

#include "jobs/agreement_documents.h"
#include "jobs/render_pool.h"
#include "render/fonts.h"
#include "render/layout_spec.h"

#include <memory>
#include <string>

namespace sanfang::testing {

namespace {

struct RenderSetup {
  std::unique_ptr<jobs::RenderPool> pool;
  std::unique_ptr<jobs::RendererPrintCheck> check;

  RenderSetup() {
    const std::string source = SANFANG_SOURCE_DIR;
    auto fonts = render::FontSet::load(source + "/fonts").value();
    auto layout = std::make_shared<const render::LayoutSpec>(render::load_layout(source + "/layouts/default.json").value());
    pool = std::move(jobs::RenderPool::create(fonts, layout, {}, {1}).value());
    check = std::make_unique<jobs::RendererPrintCheck>(*pool);
  }
};

}  // namespace

const workflow::PrintCheck& print_check() {
  static RenderSetup setup;
  return *setup.check;
}

const core::CodeLists& code_lists() {
  static const core::CodeLists lists = core::CodeLists::load(std::string(SANFANG_SOURCE_DIR) + "/layouts/codes").value();
  return lists;
}

}  // namespace sanfang::testing
