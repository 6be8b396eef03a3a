// ListMutedAlerts pages (rpc/muted_page.h): every matched alert once, in
// order, across pages; tokens bound to the filters; bad tokens refused
// naming page_token.
#include "services/alerts/rpc/muted_page.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace sqms::alerts::rpc {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1796560000);

// Kept alerts sorted as ListMutedAlerts sorts them; two share a kept_at.
std::vector<ports::MutedAlert> Kept() {
  std::vector<ports::MutedAlert> out;
  for (const auto& [fingerprint, seconds] :
       std::vector<std::pair<std::string, int>>{{"f1", 0}, {"a2", 1}, {"b2", 1}, {"f3", 2},
                                                {"f4", 3}}) {
    ports::MutedAlert k;
    k.fingerprint = fingerprint;
    k.kept_at = kT0 + absl::Seconds(seconds);
    out.push_back(k);
  }
  return out;
}

// The page a request gets: its token read (MutedPageAfter), then the page.
absl::StatusOr<MutedPage> Page(const std::vector<ports::MutedAlert>& kept,
                               const app::MutedAlertFilter& filter, std::string_view token,
                               int limit) {
  absl::StatusOr<std::optional<runtime::PagePosition>> after = MutedPageAfter(filter, token);
  if (!after.ok()) return after.status();
  return PageOfMuted(kept, filter, *after, limit);
}

std::vector<std::string> Fingerprints(const MutedPage& page) {
  std::vector<std::string> out;
  for (const ports::MutedAlert* k : page.alerts) out.push_back(k->fingerprint);
  return out;
}

TEST(MutedPageTest, PagesListEveryAlertOnceInOrder) {
  const std::vector<ports::MutedAlert> kept = Kept();
  const app::MutedAlertFilter filter{.plan_id = "page", .silence_id = "sil-1", .inhibited_by = ""};
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<MutedPage> page = Page(kept, filter, token, 2);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const std::string& f : Fingerprints(*page)) seen.push_back(f);
    token = page->next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"f1", "a2", "b2", "f3", "f4"}));
}

TEST(MutedPageTest, AFullLastPageHasNoNextToken) {
  const std::vector<ports::MutedAlert> kept = Kept();
  absl::StatusOr<MutedPage> all = Page(kept, {}, "", 5);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->alerts.size(), 5u);
  EXPECT_EQ(all->next_page_token, "");
  absl::StatusOr<MutedPage> none = Page({}, {}, "", 5);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->alerts.empty());
}

TEST(MutedPageTest, ANextPageStartsAfterItsTokenWhateverWasKeptMeanwhile) {
  std::vector<ports::MutedAlert> kept = Kept();
  absl::StatusOr<MutedPage> first = Page(kept, {}, "", 2);  // f1, a2
  ASSERT_TRUE(first.ok()) << first.status();
  const std::string token = first->next_page_token;
  // f1 decided again (gone); a newer alert kept.
  kept.erase(kept.begin());
  ports::MutedAlert newer;
  newer.fingerprint = "f5";
  newer.kept_at = kT0 + absl::Seconds(9);
  kept.push_back(newer);
  absl::StatusOr<MutedPage> second = Page(kept, {}, token, 10);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(Fingerprints(*second), (std::vector<std::string>{"b2", "f3", "f4", "f5"}));
}

TEST(MutedPageTest, ATokenOfOtherFiltersOrNoTokenAtAllIsRefusedNamingIt) {
  const std::vector<ports::MutedAlert> kept = Kept();
  const app::MutedAlertFilter mine{.plan_id = "", .silence_id = "sil-1", .inhibited_by = ""};
  absl::StatusOr<MutedPage> first = Page(kept, mine, "", 1);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_FALSE(first->next_page_token.empty());
  for (const app::MutedAlertFilter& other :
       {app::MutedAlertFilter{.plan_id = "", .silence_id = "sil-2", .inhibited_by = ""},
        app::MutedAlertFilter{}, app::MutedAlertFilter{.plan_id = "sil-1", .silence_id = "",
                                                        .inhibited_by = ""}}) {
    absl::StatusOr<MutedPage> page = Page(kept, other, first->next_page_token, 1);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(page.status().message(), HasSubstr("page_token"));
    EXPECT_THAT(page.status().message(), HasSubstr("other filters"));
  }
  for (const std::string bad : {"not base64!", "bTE6", "eDE6YWJjZGVmMDEyMzQ1Njc4OToxOmYx", "YQ"}) {
    absl::StatusOr<MutedPage> page = Page(kept, mine, bad, 1);
    EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(page.status().message(), HasSubstr("page_token")) << bad;
  }
}

}  // namespace
}  // namespace sqms::alerts::rpc
