// domain/event.h: the event types' names, by body and by index (the
// processor sums event types by index and names them when it writes).

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "services/metrics/domain/event.h"

namespace sqms::metrics::domain {
namespace {

// The name of a default body of each index, in index order.
template <size_t... I>
std::vector<std::string_view> NamesOfBodies(std::index_sequence<I...>) {
  return {EventTypeName(EventBody(std::in_place_index<I>))...};
}

TEST(EventTypeNameTest, EveryIndexNamesTheTypeOfABodyWithThatIndex) {
  const std::vector<std::string_view> by_body =
      NamesOfBodies(std::make_index_sequence<kEventTypeCount>());
  for (size_t i = 0; i < kEventTypeCount; ++i) EXPECT_EQ(EventTypeNameAt(i), by_body[i]) << i;
  EXPECT_EQ(EventTypeNameAt(0), "call_offered");
  EXPECT_EQ(EventTypeNameAt(kEventTypeCount), "");
  std::set<std::string_view> names;
  for (size_t i = 0; i < kEventTypeCount; ++i) names.insert(EventTypeNameAt(i));
  EXPECT_EQ(names.size(), kEventTypeCount) << "names are unique";
}

}  // namespace
}  // namespace sqms::metrics::domain
