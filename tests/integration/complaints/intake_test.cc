// Intake: the submitted event on Kafka (CloudEvents headers, no personal
// data), idempotency under concurrency, duplicate linking and the
// bidirectional StreamComplaints.

#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "tests/integration/complaints/service_fixture.h"

namespace sqms::complaints::it {
namespace {

class IntakeTest : public StackTest {
 protected:
  // Adds a note to `id` and returns every event of it once the note's event
  // is on Kafka: events are ordered per complaint, so whatever the
  // submission produced is in the result.
  std::vector<ReadEvent> EventsUpToNote(const std::string& id) {
    v1::LifecycleRequest note = Cmd(id, 0, "marker");
    v1::Complaint out;
    auto ctx = Ctx(Role::kSupervisor);
    grpc::Status status = stub().AddNote(ctx.get(), note, &out);
    EXPECT_TRUE(status.ok()) << StatusText(status);
    testing::TopicReader reader(stack().kafka().bootstrap(), kComplaintsTopic);
    auto records = reader.ReadUntil(
        [&](const auto& rs) {
          return CountType(Decode(rs, {id}), ev::COMPLAINT_EVENT_TYPE_NOTE_ADDED) > 0;
        },
        absl::Seconds(20));
    return Decode(records, {id});
  }
};

TEST_F(IntakeTest, SubmissionPublishesExactlyOneCloudEventWithoutPersonalData) {
  v1::SubmitComplaintRequest request = ValidSubmission("ce");
  request.mutable_complainant()->set_id_number("11010519491231002X");
  const std::string phone = request.complainant().phone();
  const std::string email = request.complainant().email();
  v1::Complaint c = SubmitOk(stub(), request);
  ASSERT_FALSE(c.id().empty());

  std::vector<ReadEvent> events = EventsUpToNote(c.id());
  ASSERT_EQ(CountType(events, ev::COMPLAINT_EVENT_TYPE_SUBMITTED), 1u);
  const ReadEvent& e = events.front();
  ASSERT_EQ(e.event.type(), ev::COMPLAINT_EVENT_TYPE_SUBMITTED);
  EXPECT_EQ(e.record.key, c.id());
  EXPECT_EQ(e.record.topic, kComplaintsTopic);
  EXPECT_FALSE(e.event.event_id().empty());
  EXPECT_EQ(e.event.complaint().id(), c.id());
  EXPECT_EQ(e.record.Header("ce_specversion").value_or("<none>"), "1.0");
  EXPECT_EQ(e.record.Header("ce_id").value_or("<none>"), e.event.event_id());
  EXPECT_FALSE(e.record.Header("ce_source").value_or("").empty());
  EXPECT_EQ(e.record.Header("ce_type").value_or("<none>"), "sqms.complaints.v1.submitted");
  EXPECT_EQ(e.record.Header("content-type").value_or("<none>"), "application/protobuf");
  const std::string ce_time = e.record.Header("ce_time").value_or("");
  absl::Time parsed;
  std::string err;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, ce_time, &parsed, &err))
      << "ce_time \"" << ce_time << "\": " << err;
  EXPECT_LT(absl::AbsDuration(parsed - absl::Now()), absl::Minutes(1));
  EXPECT_FALSE(e.event.complainant_key().empty());

  for (const ReadEvent& any : events) {  // the note event is checked too
    const std::string& bytes = any.record.value;
    EXPECT_FALSE(absl::StrContains(bytes, phone)) << "phone in payload";
    EXPECT_FALSE(absl::StrContains(bytes, phone.substr(3))) << "phone digits in payload";
    EXPECT_FALSE(absl::StrContains(bytes, email)) << "email in payload";
    EXPECT_FALSE(absl::StrContains(bytes, "11010519491231002X")) << "id number in payload";
    EXPECT_FALSE(absl::StrContains(bytes, "Zhang Wei")) << "name in payload";
  }
}

TEST_F(IntakeTest, SameIdempotencyKeyHundredTimesConcurrentlyGivesOneComplaint) {
  const v1::SubmitComplaintRequest request = ValidSubmission("idem100");
  constexpr int kThreads = 8, kTotal = 100;
  std::vector<v1::SubmitComplaintResponse> responses(kTotal);
  std::vector<grpc::Status> statuses(kTotal);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto my_stub = stack().Complaints();
      for (int i = t; i < kTotal; i += kThreads) {
        auto ctx = Ctx(Role::kService);
        statuses[i] = my_stub->SubmitComplaint(ctx.get(), request, &responses[i]);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> ids;
  int fresh = 0;
  for (int i = 0; i < kTotal; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << i << ": " << StatusText(statuses[i]);
    ids.insert(responses[i].complaint().id());
    fresh += !responses[i].replayed();
  }
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(fresh, 1) << "replayed=false must be answered exactly once";
  std::vector<ReadEvent> events = EventsUpToNote(*ids.begin());
  EXPECT_EQ(CountType(events, ev::COMPLAINT_EVENT_TYPE_SUBMITTED), 1u);
}

TEST_F(IntakeTest, SameComplainantCategoryAndStationIsLinkedToTheFirst) {
  v1::SubmitComplaintRequest first = ValidSubmission("dup");
  first.set_category(v1::CATEGORY_FACILITIES);
  v1::Complaint a = SubmitOk(stub(), first);
  EXPECT_TRUE(a.duplicate_of().empty());

  v1::SubmitComplaintRequest again = first;
  again.set_idempotency_key(Unique("idem-dup-again"));
  again.set_title("Still no air conditioning");
  again.set_channel(v1::CHANNEL_APP);
  v1::Complaint b = SubmitOk(stub(), again);
  EXPECT_NE(b.id(), a.id());
  EXPECT_EQ(b.duplicate_of(), a.id());

  v1::SubmitComplaintRequest elsewhere = first;  // same person and issue, other station
  elsewhere.set_idempotency_key(Unique("idem-dup-elsewhere"));
  elsewhere.mutable_location()->set_station("Beijing South");
  v1::Complaint c = SubmitOk(stub(), elsewhere);
  EXPECT_TRUE(c.duplicate_of().empty()) << c.duplicate_of();

  v1::SubmitComplaintRequest other_issue = first;  // same person and station, other category
  other_issue.set_idempotency_key(Unique("idem-dup-other"));
  other_issue.set_category(v1::CATEGORY_HYGIENE);
  v1::Complaint d = SubmitOk(stub(), other_issue);
  EXPECT_TRUE(d.duplicate_of().empty()) << d.duplicate_of();

  std::vector<ReadEvent> events = EventsUpToNote(b.id());
  EXPECT_EQ(CountType(events, ev::COMPLAINT_EVENT_TYPE_DUPLICATE_LINKED), 1u);
  for (const auto& e : events) {
    if (e.event.type() == ev::COMPLAINT_EVENT_TYPE_SUBMITTED) {
      EXPECT_EQ(e.event.complaint().duplicate_of(), a.id());
    }
  }
}

TEST_F(IntakeTest, StreamAnswersEveryItemInOrderAndBadItemsDoNotEndIt) {
  constexpr int kItems = 200;
  const std::set<int> bad_title = {17, 60, 150};
  const std::set<int> bad_phone = {61, 199};
  // Not even parseable (proto3 strings must be UTF-8): still just a bad item.
  const std::set<int> bad_utf8 = {90, 120};
  auto ctx = Ctx(Role::kService, absl::Seconds(60));
  auto stream = stub().StreamComplaints(ctx.get());
  std::thread writer([&] {
    for (int i = 0; i < kItems; ++i) {
      v1::SubmitComplaintRequest r = ValidSubmission("stream");
      if (bad_title.count(i)) r.set_title("");
      if (bad_phone.count(i)) r.mutable_complainant()->set_phone("12-ab");
      if (bad_utf8.count(i)) r.set_content("broken \xff\xfe bytes");
      if (!stream->Write(r)) break;
    }
    stream->WritesDone();
  });
  std::vector<v1::StreamComplaintsResponse> answers;
  v1::StreamComplaintsResponse answer;
  while (stream->Read(&answer)) answers.push_back(answer);
  writer.join();
  grpc::Status status = stream->Finish();
  EXPECT_TRUE(status.ok()) << StatusText(status);
  ASSERT_EQ(answers.size(), static_cast<size_t>(kItems));
  std::set<std::string> ids;
  for (int i = 0; i < kItems; ++i) {
    SCOPED_TRACE(i);
    const auto& a = answers[i];
    EXPECT_EQ(a.sequence(), i);
    if (bad_title.count(i) || bad_phone.count(i) || bad_utf8.count(i)) {
      ASSERT_TRUE(a.has_error());
      EXPECT_EQ(a.error().code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
      const char* field = bad_title.count(i)   ? "title"
                          : bad_phone.count(i) ? "complainant.phone"
                                               : "content";
      EXPECT_THAT(ViolationFields(a.error()), ::testing::Contains(field));
    } else {
      ASSERT_TRUE(a.has_accepted()) << a.error().message();
      EXPECT_FALSE(a.accepted().replayed());
      ids.insert(a.accepted().complaint().id());
    }
  }
  EXPECT_EQ(ids.size(),
            static_cast<size_t>(kItems) - bad_title.size() - bad_phone.size() - bad_utf8.size());
}

TEST_F(IntakeTest, RequestIdIsAdoptedFromTheClientOrMadeAndEchoed) {
  v1::SubmitComplaintResponse out;
  auto ctx = Ctx(Role::kService);
  ctx->AddMetadata("x-request-id", "callcenter-4711");
  ASSERT_TRUE(stub().SubmitComplaint(ctx.get(), ValidSubmission("rid"), &out).ok());
  auto echoed = ctx->GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, ctx->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "callcenter-4711");

  auto fresh = Ctx(Role::kService);
  ASSERT_TRUE(stub().SubmitComplaint(fresh.get(), ValidSubmission("rid2"), &out).ok());
  auto made = fresh->GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(made, fresh->GetServerInitialMetadata().end());
  EXPECT_EQ(made->second.size(), 16u);  // a fresh random id
}

}  // namespace
}  // namespace sqms::complaints::it
