#pragma once
// Matchers for the alerts domain tests: M("alertname", "=", "x") builds one
// that must be valid.

#include <cstdlib>
#include <iostream>
#include <string>

#include "services/alerts/domain/labels.h"

namespace sqms::alerts::domain::testing {

inline Matcher M(std::string label, std::string op, std::string value) {
  auto m = Matcher::Make(std::move(label), std::move(op), std::move(value));
  if (!m.ok()) {
    std::cerr << "bad test matcher: " << m.status() << "\n";
    std::abort();
  }
  return *std::move(m);
}

}  // namespace sqms::alerts::domain::testing
