// The state-label tables (workflow/entities.h): every state in the state list has the Chinese
// label people read, and a refusal names the state by that label, never by its English name.
#include "workflow/entities.h"
#include "workflow/rule_support.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

using namespace sanfang;
using namespace sanfang::workflow;

namespace {

bool has_ascii_letter(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

}  // namespace

TEST_CASE("every agreement state in the state list has its own Chinese label", "[workflow][labels]") {
  const auto states = agreement_states();
  // The list ends with the enum's last value, so a state added to the enum is added to the list.
  REQUIRE(states.size() == static_cast<std::size_t>(AgreementState::Terminated) + 1);
  std::set<std::string> labels;
  for (AgreementState state : states) {
    const std::string label = chinese_label(state);
    INFO(to_string(state));
    CHECK_FALSE(label.empty());
    CHECK_FALSE(has_ascii_letter(label));
    CHECK(labels.insert(label).second);
    CHECK(parse_agreement_state(to_string(state)).value() == state);
  }
  CHECK(std::string(chinese_label(AgreementState::Withdrawn)) == "已撤回");
}

TEST_CASE("every source-info state in the state list has its own Chinese label", "[workflow][labels]") {
  const auto states = source_info_states();
  REQUIRE(states.size() == static_cast<std::size_t>(SourceInfoState::Rejected) + 1);
  std::set<std::string> labels;
  for (SourceInfoState state : states) {
    const std::string label = chinese_label(state);
    INFO(to_string(state));
    CHECK_FALSE(label.empty());
    CHECK_FALSE(has_ascii_letter(label));
    CHECK(labels.insert(label).second);
    CHECK(parse_source_info_state(to_string(state)).value() == state);
  }
}

TEST_CASE("a refusal in the wrong state names the state by its label, not its English name", "[workflow][labels]") {
  for (AgreementState state : agreement_states()) {
    const Error refused = detail::agreement_in_wrong_state(state, "提交审核");
    INFO(refused.message);
    CHECK(refused.kind == ErrorKind::Conflict);
    CHECK(refused.message.find(chinese_label(state)) != std::string::npos);
    CHECK_FALSE(has_ascii_letter(refused.message));
  }
}
