#pragma once
// Where a test finds the files it reads from the source tree (the shipped
// triage.yaml, ...): the tree it was built from, compiled in by
// tests/CMakeLists.txt, or $SQMS_SOURCE_DIR when set.

#include <cstdlib>
#include <string>

namespace sqms::testing {

inline std::string SourceFile(const std::string& relative) {
  const char* dir = std::getenv("SQMS_SOURCE_DIR");
  return std::string(dir != nullptr ? dir : SQMS_TEST_SOURCE_DIR) + "/" + relative;
}

}  // namespace sqms::testing
