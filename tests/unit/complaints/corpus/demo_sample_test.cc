// The call-center simulation's complaints (tools/loadgen/corpus.cc) are
// classified as the simulation means them, by the rules and model the demo
// runs: the demo shows triage doing the right thing.

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_replace.h"
#include "services/complaints/domain/reclassify.h"
#include "tests/unit/complaints/corpus/shipped_triage.h"
#include "tools/loadgen/corpus.h"

namespace sqms::complaints {
namespace {

std::string Fill(std::string_view text) {
  return absl::StrReplaceAll(absl::string_view(text.data(), text.size()),
                             {{"{train}", "G101"}, {"{station}", "北京南"}});
}

TEST(DemoSampleTest, EveryTemplateIsClassifiedAsIntendedInBothLanguages) {
  const domain::Triage& triage = testing::ShippedTriage();
  for (const loadgen::IssueTemplate& t : loadgen::IssueTemplates()) {
    const auto want = static_cast<domain::Category>(t.category);
    for (const auto& [title, content] :
         {std::pair{t.title_zh, t.content_zh}, std::pair{t.title_en, t.content_en}}) {
      domain::Submission s;
      s.title = Fill(title);
      s.content = Fill(content);
      domain::Assessment a = triage.Assess(s);
      EXPECT_EQ(domain::CategoryName(a.category), domain::CategoryName(want))
          << s.title << " | " << s.content << " (" << a.explanation.category_rule << ")";
      if (want == domain::Category::kSafety) {
        EXPECT_EQ(a.priority, domain::Priority::kP1);
      }
    }
  }
}

}  // namespace
}  // namespace sqms::complaints
