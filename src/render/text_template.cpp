#include "render/text_template.h"

namespace sanfang::render {

namespace {

// Walks `text`, calling `literal` for plain runs and `placeholder` for each {name}.
template <typename Literal, typename Placeholder>
Status walk(std::string_view text, Literal literal, Placeholder placeholder) {
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if ((c == '{' || c == '}') && i + 1 < text.size() && text[i + 1] == c) {
      literal(std::string_view(&text[i], 1));
      i += 2;
    } else if (c == '{') {
      std::size_t close = text.find('}', i);
      if (close == std::string_view::npos) return Error::invalid(std::string(text), "unclosed { in template");
      TRY(placeholder(text.substr(i + 1, close - i - 1)));
      i = close + 1;
    } else if (c == '}') {
      return Error::invalid(std::string(text), "unmatched } in template");
    } else {
      std::size_t next = text.find_first_of("{}", i);
      if (next == std::string_view::npos) next = text.size();
      literal(text.substr(i, next - i));
      i = next;
    }
  }
  return {};
}

}  // namespace

Result<std::vector<std::string>> template_placeholders(std::string_view text) {
  std::vector<std::string> names;
  TRY(walk(text, [](std::string_view) {}, [&](std::string_view name) -> Status {
    names.emplace_back(name);
    return {};
  }));
  return names;
}

Result<std::string> expand_template(std::string_view text,
                                    const std::function<std::optional<std::string>(std::string_view)>& resolve) {
  std::string out;
  TRY(walk(text, [&](std::string_view s) { out += s; }, [&](std::string_view name) -> Status {
    auto value = resolve(name);
    if (!value) return Error::invalid(std::string(name), "unknown placeholder in template");
    out += *value;
    return {};
  }));
  return out;
}

}  // namespace sanfang::render
