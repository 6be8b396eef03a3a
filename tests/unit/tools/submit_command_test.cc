// sqmsctl submit as an operator runs it: every invocation sends an
// idempotency key (a new one unless --idempotency-key gives it) and prints
// it, and its retries after a lost answer are the same request, so they
// never make a second complaint; a file's lines get keys a rerun of the file
// repeats, and a rejected line is reported in full with its line number.
#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/rpc/error_details.pb.h"
#include "tests/unit/tools/sqmsctl_harness.h"

namespace sqms::tools {
namespace {

namespace cv1 = ::sqms::complaints::v1;
using ::testing::HasSubstr;
using ::testing::Not;

// A service that keeps its promise on keys (docs/api.md, "Retries"): a key
// seen before replays its complaint; no key is a new complaint each time.
// The first `lose_answers` calls are carried out but answered UNAVAILABLE,
// as when the connection breaks after the write.
class IdempotentComplaintService final : public cv1::ComplaintService::Service {
 public:
  explicit IdempotentComplaintService(int lose_answers) : lose_answers_(lose_answers) {}

  grpc::Status SubmitComplaint(grpc::ServerContext*, const cv1::SubmitComplaintRequest* request,
                               cv1::SubmitComplaintResponse* response) override {
    absl::MutexLock lock(&mu_);
    sent_.push_back(*request);
    *response = Store(*request);
    if (lose_answers_ > 0) {
      --lose_answers_;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection reset after the write");
    }
    return grpc::Status::OK;
  }

  grpc::Status StreamComplaints(
      grpc::ServerContext*,
      grpc::ServerReaderWriter<cv1::StreamComplaintsResponse, cv1::SubmitComplaintRequest>* stream)
      override {
    cv1::SubmitComplaintRequest request;
    for (int64_t sequence = 0; stream->Read(&request); ++sequence) {
      cv1::StreamComplaintsResponse response;
      response.set_sequence(sequence);
      absl::MutexLock lock(&mu_);
      sent_.push_back(request);
      if (request.title() == "rejected") {
        google::rpc::Status* error = response.mutable_error();
        error->set_code(static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
        error->set_message(std::string(120, 'x'));
        google::rpc::BadRequest bad;
        auto* violation = bad.add_field_violations();
        violation->set_field("complainant.phone");
        violation->set_description("not a phone number");
        error->add_details()->PackFrom(bad);
      } else {
        *response.mutable_accepted() = Store(request);
      }
      stream->Write(response);
    }
    return grpc::Status::OK;
  }

  std::vector<cv1::SubmitComplaintRequest> sent() const {
    absl::MutexLock lock(&mu_);
    return sent_;
  }
  int complaints() const {
    absl::MutexLock lock(&mu_);
    return created_;
  }

 private:
  cv1::SubmitComplaintResponse Store(const cv1::SubmitComplaintRequest& request)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    cv1::SubmitComplaintResponse response;
    const std::string& key = request.idempotency_key();
    auto seen = by_key_.find(key);
    if (!key.empty() && seen != by_key_.end()) {
      response.mutable_complaint()->set_id(seen->second);
      response.set_replayed(true);
      return response;
    }
    const std::string id = absl::StrCat("CMP-20261207-", ++created_);
    if (!key.empty()) by_key_[key] = id;
    response.mutable_complaint()->set_id(id);
    response.mutable_complaint()->set_idempotency_key(key);
    return response;
  }

  mutable absl::Mutex mu_;
  int lose_answers_ ABSL_GUARDED_BY(mu_);
  int created_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, std::string> by_key_ ABSL_GUARDED_BY(mu_);
  std::vector<cv1::SubmitComplaintRequest> sent_ ABSL_GUARDED_BY(mu_);
};

constexpr char kSubmit[] =
    "submit --channel hotline --title 'no refund' --content 'ticket refund refused' "
    "--phone 13800138000";

testing::CliResult RunComplaintCommand(const std::string& args, const testing::FakeServer& server) {
  return testing::RunSqmsctl(absl::StrCat(args, " --server ", server.address()),
                             [](CLI::App& app, Cli& cli) { RegisterComplaintCommands(app, cli); });
}

TEST(SubmitCommandTest, ALostAnswerIsRetriedUnderOneKeyAndMakesOneComplaint) {
  IdempotentComplaintService service(/*lose_answers=*/1);
  testing::FakeServer server(service);
  testing::CliResult result = RunComplaintCommand(kSubmit, server);
  EXPECT_EQ(result.code, kExitOk) << result.err;
  const std::vector<cv1::SubmitComplaintRequest> sent = service.sent();
  ASSERT_EQ(sent.size(), 2u) << "the call and sqmsctl's retry";
  const std::string key = sent[0].idempotency_key();
  EXPECT_FALSE(key.empty()) << "without a key the retry is a second complaint";
  EXPECT_EQ(sent[1].SerializeAsString(), sent[0].SerializeAsString()) << "the same request";
  EXPECT_EQ(service.complaints(), 1);
  EXPECT_THAT(result.out, HasSubstr(absl::StrCat("idempotency key: ", key)));
  EXPECT_THAT(result.out, HasSubstr("CMP-20261207-1"));
}

TEST(SubmitCommandTest, EachInvocationHasItsOwnKeyUnlessOneIsGiven) {
  IdempotentComplaintService service(/*lose_answers=*/0);
  testing::FakeServer server(service);
  EXPECT_EQ(RunComplaintCommand(kSubmit, server).code, kExitOk);
  EXPECT_EQ(RunComplaintCommand(kSubmit, server).code, kExitOk);
  testing::CliResult given =
      RunComplaintCommand(absl::StrCat(kSubmit, " --idempotency-key call-4711"), server);
  EXPECT_EQ(given.code, kExitOk);
  const std::vector<cv1::SubmitComplaintRequest> sent = service.sent();
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_NE(sent[0].idempotency_key(), sent[1].idempotency_key());
  EXPECT_EQ(sent[2].idempotency_key(), "call-4711");
  EXPECT_THAT(given.out, HasSubstr("idempotency key: call-4711"));

  // -o json: stdout stays the service's answer, the key as sent on stderr.
  testing::CliResult json = RunComplaintCommand(absl::StrCat(kSubmit, " -o json"), server);
  EXPECT_EQ(json.code, kExitOk);
  EXPECT_THAT(json.err, HasSubstr(absl::StrCat("idempotency key: ",
                                               service.sent().back().idempotency_key())));
  EXPECT_THAT(json.out, Not(HasSubstr("idempotency key: ")));
}

TEST(SubmitCommandTest, AnUnknownOutcomeNamesTheKeyToRerunWith) {
  IdempotentComplaintService service(/*lose_answers=*/3);
  testing::FakeServer server(service);
  testing::CliResult first = RunComplaintCommand(kSubmit, server);
  EXPECT_EQ(first.code, kExitFailure);
  const std::string key = service.sent().at(0).idempotency_key();
  ASSERT_FALSE(key.empty());
  EXPECT_THAT(first.err,
              HasSubstr(absl::StrCat("run the command again with --idempotency-key ", key)));
  testing::CliResult rerun =
      RunComplaintCommand(absl::StrCat(kSubmit, " --idempotency-key ", key), server);
  EXPECT_EQ(rerun.code, kExitOk) << rerun.err;
  EXPECT_THAT(rerun.out, HasSubstr("replayed"));
  EXPECT_EQ(service.complaints(), 1) << "four attempts, one complaint";
}

class SubmitFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            absl::StrCat("submit_file_test_", ::getpid(), ".jsonl");
    std::ofstream out(path_);
    out << R"({"channel":"web","title":"late train","content":"G101 late","complainant":{"phone":"13800138000"}})"
        << "\n"
        << "not json\n"
        << R"({"channel":"web","title":"rejected","content":"x","complainant":{"phone":"1"}})"
        << "\n"
        << R"({"idempotencyKey":"mine-1","channel":"app","title":"dirty seat","content":"seat","complainant":{"phone":"13800138001"}})"
        << "\n";
  }
  void TearDown() override { std::filesystem::remove(path_); }

  std::filesystem::path path_;
};

TEST_F(SubmitFileTest, ARerunOfTheFileSendsTheSameKeysAndMakesNoSecondComplaint) {
  IdempotentComplaintService service(/*lose_answers=*/0);
  testing::FakeServer server(service);
  const std::string command = absl::StrCat("submit --file ", path_.string());
  testing::CliResult first = RunComplaintCommand(command, server);
  testing::CliResult rerun = RunComplaintCommand(command, server);
  EXPECT_EQ(first.code, kExitFailure) << "a line was unreadable, one rejected";
  const std::vector<cv1::SubmitComplaintRequest> sent = service.sent();
  ASSERT_EQ(sent.size(), 6u);
  EXPECT_FALSE(sent[0].idempotency_key().empty());
  EXPECT_NE(sent[0].idempotency_key(), sent[1].idempotency_key());
  EXPECT_EQ(sent[2].idempotency_key(), "mine-1");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(sent[i + 3].idempotency_key(), sent[i].idempotency_key()) << i;
  }
  EXPECT_EQ(service.complaints(), 2);
  EXPECT_THAT(rerun.out, HasSubstr("replayed"));
  EXPECT_THAT(first.out, HasSubstr(sent[0].idempotency_key())) << "the key is shown";

  // The operator drops the lines that went through and reruns the rest:
  // the line that moved up keeps its key.
  {
    std::ofstream out(path_);
    out << R"({"channel":"web","title":"rejected","content":"x","complainant":{"phone":"1"}})"
        << "\n";
  }
  RunComplaintCommand(command, server);
  ASSERT_EQ(service.sent().size(), 7u);
  EXPECT_EQ(service.sent()[6].idempotency_key(), sent[1].idempotency_key());
}

TEST_F(SubmitFileTest, ARejectedLineIsReportedInFullWithItsLineNumber) {
  IdempotentComplaintService service(/*lose_answers=*/0);
  testing::FakeServer server(service);
  testing::CliResult result =
      RunComplaintCommand(absl::StrCat("submit --file ", path_.string()), server);
  EXPECT_EQ(result.code, kExitFailure);
  // Line 3 (the second sent, SEQ 1): its field comes after a long message
  // that the table's cell cuts.
  EXPECT_THAT(result.err, HasSubstr(absl::StrCat(path_.string(), ":3: INVALID_ARGUMENT")));
  EXPECT_THAT(result.err, HasSubstr("field complainant.phone: not a phone number"));
  EXPECT_THAT(result.err, Not(HasSubstr(":1: INVALID_ARGUMENT")));
}

}  // namespace
}  // namespace sqms::tools
