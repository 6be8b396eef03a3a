#pragma once
// Where a test finds the files it reads from the source tree (the shipped
// triage.yaml, ...): the tree it was built from, compiled in by
// tests/CMakeLists.txt, or $SQMS_SOURCE_DIR when set.

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace sqms::testing {

inline std::string SourceFile(const std::string& relative) {
  const char* dir = std::getenv("SQMS_SOURCE_DIR");
  return std::string(dir != nullptr ? dir : SQMS_TEST_SOURCE_DIR) + "/" + relative;
}

// The shipped triage.yaml's text, its holiday files named by absolute path,
// for tests that write a (changed) copy elsewhere: the copy loads without
// the holiday files beside it.
inline std::string ShippedTriageText() {
  std::ifstream in(SourceFile("services/complaints/config/triage.yaml"));
  std::ostringstream text;
  text << in.rdbuf();
  std::string yaml = text.str();
  const std::string entry = "    - holidays-";
  for (size_t at = yaml.find(entry); at != std::string::npos; at = yaml.find(entry, at + 1)) {
    yaml.insert(at + 6, SourceFile("services/complaints/config/"));
  }
  return yaml;
}

}  // namespace sqms::testing
