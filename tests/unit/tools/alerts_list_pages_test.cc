// sqmsctl's paged alerts lists (`incident list`, `silence muted`) against a
// fake AlertService on a free local port: one page with the next page's
// token in the footer, or with --all every page from the given token to the
// end, each request carrying the same filters; a page that fails ends the
// command with its error and prints no rows.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "tests/unit/tools/sqmsctl_harness.h"

namespace sqms::tools {
namespace {

namespace av1 = ::sqms::alerts::v1;
using ::testing::HasSubstr;
using ::testing::Not;

// Serves five incidents inc-1 … inc-5 and five muted alerts fp-1 … fp-5,
// `limit` a page; a page token is the index of the page's first item.
// With fail_from set, a request for a page starting there or later fails.
class PagedAlertService final : public av1::AlertService::Service {
 public:
  static constexpr int kItems = 5;

  grpc::Status ListIncidents(grpc::ServerContext*, const av1::ListIncidentsRequest* request,
                             av1::ListIncidentsResponse* response) override {
    int from = 0;
    if (grpc::Status s = Start(request->page_token(), from); !s.ok()) return s;
    {
      absl::MutexLock lock(&mu_);
      incident_requests_.push_back(*request);
    }
    const int to = std::min(kItems, from + request->limit());
    for (int i = from; i < to; ++i) {
      av1::Incident* incident = response->add_incidents();
      incident->set_id(absl::StrCat("inc-", i + 1));
      incident->set_plan_id(request->plan_id());
    }
    if (to < kItems) response->set_next_page_token(std::to_string(to));
    return grpc::Status::OK;
  }

  grpc::Status ListMutedAlerts(grpc::ServerContext*, const av1::ListMutedAlertsRequest* request,
                               av1::ListMutedAlertsResponse* response) override {
    int from = 0;
    if (grpc::Status s = Start(request->page_token(), from); !s.ok()) return s;
    {
      absl::MutexLock lock(&mu_);
      muted_requests_.push_back(*request);
    }
    const int to = std::min(kItems, from + request->limit());
    for (int i = from; i < to; ++i)
      response->add_alerts()->set_fingerprint(absl::StrCat("fp-", i + 1));
    response->set_matched(kItems);
    if (to < kItems) response->set_next_page_token(std::to_string(to));
    return grpc::Status::OK;
  }

  void FailFrom(int index) {
    absl::MutexLock lock(&mu_);
    fail_from_ = index;
  }
  std::vector<av1::ListIncidentsRequest> incident_requests() const {
    absl::MutexLock lock(&mu_);
    return incident_requests_;
  }
  std::vector<av1::ListMutedAlertsRequest> muted_requests() const {
    absl::MutexLock lock(&mu_);
    return muted_requests_;
  }

 private:
  grpc::Status Start(const std::string& token, int& from) const {
    if (!token.empty() && !absl::SimpleAtoi(token, &from)) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_token: not a page token");
    }
    absl::MutexLock lock(&mu_);
    if (fail_from_ >= 0 && from >= fail_from_) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "redis: no reply");
    }
    return grpc::Status::OK;
  }

  mutable absl::Mutex mu_;
  int fail_from_ ABSL_GUARDED_BY(mu_) = -1;
  std::vector<av1::ListIncidentsRequest> incident_requests_ ABSL_GUARDED_BY(mu_);
  std::vector<av1::ListMutedAlertsRequest> muted_requests_ ABSL_GUARDED_BY(mu_);
};

class AlertsListPagesTest : public ::testing::Test {
 protected:
  testing::CliResult Run(const std::string& args) {
    return testing::RunAlertsCommand(args, server_);
  }

  PagedAlertService service_;
  testing::FakeServer server_{service_};
};

TEST_F(AlertsListPagesTest, OnePageNamesTheNextPagesToken) {
  testing::CliResult r = Run("incident list --plan p1 --limit 2");
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("inc-2"));
  EXPECT_THAT(r.out, Not(HasSubstr("inc-3")));
  EXPECT_THAT(r.out, HasSubstr("2 incident(s)\nnext page: --page-token 2\n"));
  EXPECT_EQ(service_.incident_requests().size(), 1u);
}

TEST_F(AlertsListPagesTest, AllFollowsTheTokensFromTheGivenOneWithTheSameFilters) {
  testing::CliResult r = Run("incident list --active --plan p1 --limit 2 --page-token 1 --all");
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("inc-1 ")));
  for (int i = 2; i <= 5; ++i) EXPECT_THAT(r.out, HasSubstr(absl::StrCat("inc-", i)));
  EXPECT_THAT(r.out, HasSubstr("4 incident(s)\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("next page")));
  const std::vector<av1::ListIncidentsRequest> sent = service_.incident_requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].page_token(), "1");
  EXPECT_EQ(sent[1].page_token(), "3");
  for (const av1::ListIncidentsRequest& request : sent) {
    EXPECT_TRUE(request.active_only());
    EXPECT_EQ(request.plan_id(), "p1");
    EXPECT_EQ(request.limit(), 2);
  }
}

TEST_F(AlertsListPagesTest, AllMutedAlertsCountsEveryOneAsOneAnswer) {
  testing::CliResult r = Run("silence muted --silence s1 --limit 2 --all -o json");
  ASSERT_EQ(r.code, kExitOk) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"fingerprint\":\"fp-1\""));
  EXPECT_THAT(r.out, HasSubstr("\"fingerprint\":\"fp-5\""));
  EXPECT_THAT(r.out, HasSubstr("\"matched\":5"));
  EXPECT_THAT(r.out, Not(HasSubstr("nextPageToken")));
  const std::vector<av1::ListMutedAlertsRequest> sent = service_.muted_requests();
  ASSERT_EQ(sent.size(), 3u);
  for (const av1::ListMutedAlertsRequest& request : sent) EXPECT_EQ(request.silence_id(), "s1");

  testing::CliResult text = Run("silence muted --limit 2 --all");
  ASSERT_EQ(text.code, kExitOk) << text.err;
  EXPECT_THAT(text.out, HasSubstr("\n5 muted alert(s)\n"));
}

TEST_F(AlertsListPagesTest, APageThatFailsEndsTheCommandWithItsErrorAndNoRows) {
  service_.FailFrom(4);
  testing::CliResult r = Run("incident list --limit 2 --all");
  EXPECT_EQ(r.code, kExitFailure);
  EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE"));
  EXPECT_THAT(r.out, Not(HasSubstr("inc-1")));
}

}  // namespace
}  // namespace sqms::tools
