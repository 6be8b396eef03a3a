#include "sqms/runtime/event_id_window.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(EventIdWindowTest, RemembersTheLastCapacityIds) {
  EventIdWindow window(3);
  for (const char* id : {"a", "b", "c"}) window.Add(id);
  EXPECT_TRUE(window.Contains("a"));
  window.Add("d");  // evicts a
  EXPECT_FALSE(window.Contains("a"));
  EXPECT_TRUE(window.Contains("b"));
  EXPECT_TRUE(window.Contains("d"));
  EXPECT_THAT(window.Ids(), ElementsAre("b", "c", "d"));
}

TEST(EventIdWindowTest, MemoryStaysBoundedOverManyIds) {
  EventIdWindow window(100);
  for (int i = 0; i < 100000; ++i) window.Add("event-" + std::to_string(i));
  EXPECT_EQ(window.size(), 100u);
  EXPECT_TRUE(window.Contains("event-99999"));
  EXPECT_TRUE(window.Contains("event-99900"));
  EXPECT_FALSE(window.Contains("event-99899"));
}

TEST(EventIdWindowTest, AddingAKnownIdDoesNotRefreshIt) {
  EventIdWindow window(2);
  window.Add("a");
  window.Add("b");
  window.Add("a");  // already there: stays the oldest
  window.Add("c");
  EXPECT_FALSE(window.Contains("a"));
  EXPECT_THAT(window.Ids(), ElementsAre("b", "c"));
}

TEST(EventIdWindowTest, ZeroCapacityRemembersNothing) {
  EventIdWindow window(0);
  window.Add("a");
  EXPECT_FALSE(window.Contains("a"));
  EXPECT_THAT(window.Ids(), IsEmpty());
}

TEST(EventIdWindowTest, LongIdsSurviveEvictionOfOthers) {
  // Heap-allocated strings and small (inline) ones mixed: the index holds
  // views into the window's own storage.
  EventIdWindow window(2);
  std::string long_id(200, 'x');
  window.Add("s");
  window.Add(long_id);
  window.Add("t");
  EXPECT_TRUE(window.Contains(long_id));
  EXPECT_TRUE(window.Contains("t"));
  EXPECT_FALSE(window.Contains("s"));
}

}  // namespace
}  // namespace sqms::runtime
