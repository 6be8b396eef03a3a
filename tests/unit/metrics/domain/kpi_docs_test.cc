// The KPI names the docs give to type are the catalogue's: every KPI a
// `sqmsctl kpi` command line in docs/sqmsctl.md or docs/kpis.md names
// exists, and docs/kpis.md's catalogue table lists exactly the catalogue,
// in its order. (A name that does not exist is an INVALID_ARGUMENT for
// whoever copies the example.)

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/metrics/domain/kpi.h"
#include "tests/source_path.h"

namespace sqms::metrics::domain {
namespace {

std::vector<std::string> Lines(const std::string& relative) {
  std::ifstream in(sqms::testing::SourceFile(relative));
  EXPECT_TRUE(in.good()) << relative;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The word after `at` up to a space, a backtick or the end.
std::string WordAt(const std::string& line, size_t at) {
  const size_t end = line.find_first_of(" `|", at);
  return line.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// The KPI names a command line gives after "kpi get|query|explain|watch "
// and "--kpi " ("a,b", "a=2,b=1"); placeholders (capitals: "KPI", "NAME")
// are skipped.
std::vector<std::string> KpiArguments(const std::string& line) {
  std::vector<std::string> out;
  for (const char* prefix : {"kpi get ", "kpi query ", "kpi explain ", "kpi watch ", "--kpi "}) {
    const std::string p = prefix;
    for (size_t at = line.find(p); at != std::string::npos; at = line.find(p, at + 1)) {
      for (absl::string_view name : absl::StrSplit(WordAt(line, at + p.size()), ',')) {
        name = name.substr(0, name.find('='));
        if (name.empty() || !(name[0] >= 'a' && name[0] <= 'z')) continue;
        out.emplace_back(name);
      }
    }
  }
  return out;
}

TEST(KpiDocsTest, EveryKpiACommandLineNamesExists) {
  int checked = 0;
  for (const char* doc : {"docs/sqmsctl.md", "docs/kpis.md"}) {
    const std::vector<std::string> lines = Lines(doc);
    for (size_t i = 0; i < lines.size(); ++i) {
      for (const std::string& name : KpiArguments(lines[i])) {
        ++checked;
        EXPECT_NE(FindKpi(name), nullptr) << absl::StrCat(doc, ":", i + 1, ": no KPI '", name, "'");
      }
    }
  }
  EXPECT_GT(checked, 5) << "the examples were found";
}

TEST(KpiDocsTest, TheCatalogueTableListsTheCatalogueInItsOrder) {
  const std::vector<std::string> lines = Lines("docs/kpis.md");
  std::vector<std::string> documented;
  bool in_catalogue = false;
  for (const std::string& line : lines) {
    if (line.rfind("## ", 0) == 0) in_catalogue = line == "## The KPI catalogue";
    if (in_catalogue && line.rfind("| `", 0) == 0) documented.push_back(WordAt(line, 3));
  }
  std::vector<std::string> catalogue;
  for (const KpiDefinition& kpi : KpiDefinitions()) catalogue.emplace_back(kpi.name);
  EXPECT_EQ(documented, catalogue);
}

}  // namespace
}  // namespace sqms::metrics::domain
