// Layout text templates: literal text with {name} placeholders ({copy.label}, {party.student},
// {student.name}, {serial}). "{{" and "}}" stand for literal braces.
#pragma once

#include "core/result.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sanfang::render {

// The placeholder names of `text`, in order of appearance; an unbalanced brace is an error.
Result<std::vector<std::string>> template_placeholders(std::string_view text);

// Substitutes every placeholder with `resolve(name)`; a name it does not know is an error.
Result<std::string> expand_template(std::string_view text,
                                    const std::function<std::optional<std::string>(std::string_view)>& resolve);

}  // namespace sanfang::render
