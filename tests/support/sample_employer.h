// The vetted unit the tests' worlds invite students from (a fictional Lanzhou company with a
// complete 单位信息 block), written once for the store, app, API and cluster fixtures.
#pragma once

#include "workflow/entities.h"

namespace sanfang::testing {

inline workflow::Employer sample_vetted_employer() {
  workflow::Employer unit;
  unit.name = "甘肃丝路数字科技有限公司";
  unit.uscc = "91620100MA74X2B3KD";
  unit.vetted = true;
  unit.profile = {{"nature", "39"},           {"industry", "34"},        {"location", "甘肃省兰州市"},
                  {"address", "甘肃省兰州市安宁区北滨河西路 88 号"}, {"postcode", "730070"},
                  {"contact", "李经理"},      {"phone", "0931-8812345"}};
  return unit;
}

}  // namespace sanfang::testing
