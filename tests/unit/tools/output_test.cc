#include "tools/sqmsctl/output.h"

#include <gtest/gtest.h>

namespace sqms::tools {
namespace {

TEST(DisplayWidthTest, CountsWideCharactersTwice) {
  EXPECT_EQ(DisplayWidth("abc"), 3);
  EXPECT_EQ(DisplayWidth("北京南"), 6);
  EXPECT_EQ(DisplayWidth("G101次"), 6);
  EXPECT_EQ(DisplayWidth(""), 0);
}

TEST(TruncateTest, CutsByColumnsWithEllipsis) {
  EXPECT_EQ(Truncate("short", 10), "short");
  EXPECT_EQ(Truncate("abcdefghij", 5), "abcd…");
  EXPECT_EQ(Truncate("车厢内有烟味", 7), "车厢内…");
  EXPECT_EQ(Truncate("a\nb", 5), "a b");
  EXPECT_EQ(Truncate("abc", 0), "");
}

TEST(TableTest, AlignsColumnsByDisplayWidth) {
  Table table({"ID", "STATION"});
  table.AddRow({"c1", "北京南"});
  table.AddRow({"c22", "Beijing South"});
  EXPECT_EQ(table.Render(),
            "ID   STATION\n"
            "c1   北京南\n"
            "c22  Beijing South\n");
}

TEST(TableTest, PadsMissingCellsAndTrimsTrailingSpaces) {
  Table table({"A", "B", "C"});
  table.AddRow({"x"});
  EXPECT_EQ(table.row_count(), 1u);
  EXPECT_EQ(table.Render(), "A  B  C\nx\n");
}

TEST(IndentedTest, PrefixesEveryLine) {
  EXPECT_EQ(Indented("a\nb\n", "  "), "  a\n  b\n");
  EXPECT_EQ(Indented("a\nb", "  "), "  a\n  b\n");
  EXPECT_EQ(Indented("", "  "), "");
}

TEST(FormatTimestampTest, UnsetIsDashElseRfc3339) {
  google::protobuf::Timestamp ts;
  EXPECT_EQ(FormatTimestamp(ts), "-");
  ts.set_seconds(1714552200);
  ts.set_nanos(5);
  EXPECT_EQ(FormatTimestamp(ts), "2024-05-01T08:30:00Z");
}

TEST(ToJsonTest, PrintsProtoJsonOnOneLine) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(1714552200);
  EXPECT_EQ(ToJson(ts), "\"2024-05-01T08:30:00Z\"");
}

TEST(FixedColumnsTest, PadsEveryCellButTheLastByDisplayWidth) {
  constexpr int kWidths[] = {4, 3};
  EXPECT_EQ(FixedColumns({"AT", "北京", "x"}, kWidths), "AT    北京  x");
  EXPECT_EQ(FixedColumns({"LONGER", "b", "c"}, kWidths), "LONGER  b    c")
      << "shifts its line only";
  EXPECT_EQ(FixedColumns({"a"}, kWidths), "a");
}

}  // namespace
}  // namespace sqms::tools
