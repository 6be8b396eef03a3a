#include "tools/loadgen/generator.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace sqms::loadgen {
namespace {

namespace cv1 = ::sqms::complaints::v1;
namespace ev1 = ::sqms::events::v1;

GeneratorOptions Options(uint64_t seed) {
  GeneratorOptions options;
  options.seed = seed;
  options.id_prefix = "t";
  options.base_unix_seconds = 1'700'000'000;
  return options;
}

std::vector<std::string> Complaints(uint64_t seed, int count) {
  ComplaintGenerator generator(Options(seed));
  std::vector<std::string> out;
  cv1::SubmitComplaintRequest request;
  for (int i = 0; i < count; ++i) {
    generator.Next(&request);
    out.push_back(request.SerializeAsString());
  }
  return out;
}

TEST(ComplaintGeneratorTest, SameSeedSameSequence) {
  EXPECT_EQ(Complaints(7, 200), Complaints(7, 200));
  EXPECT_NE(Complaints(7, 50), Complaints(8, 50));
}

TEST(ComplaintGeneratorTest, RealisticMix) {
  ComplaintGenerator generator(Options(3));
  cv1::SubmitComplaintRequest r;
  std::map<cv1::Channel, int> channels;
  std::set<std::string> titles, keys;
  int retries = 0, chinese = 0;
  for (int i = 0; i < 2000; ++i) {
    generator.Next(&r);
    ASSERT_NE(r.channel(), cv1::CHANNEL_UNSPECIFIED);
    ASSERT_FALSE(r.title().empty());
    ASSERT_FALSE(r.content().empty());
    ASSERT_EQ(r.complainant().phone().size(), 11u);
    ASSERT_EQ(r.content().find('{'), std::string::npos) << r.content();
    ++channels[r.channel()];
    titles.insert(r.title());
    chinese += static_cast<unsigned char>(r.title()[0]) >= 0x80 ? 1 : 0;
    if (!r.idempotency_key().empty() && !keys.insert(r.idempotency_key()).second) ++retries;
  }
  EXPECT_EQ(channels.size(), 7u);
  EXPECT_GT(channels[cv1::CHANNEL_HOTLINE], channels[cv1::CHANNEL_SOCIAL]);
  EXPECT_TRUE(titles.count("车厢内有烟味") && titles.count("Smoke in carriage"));
  EXPECT_TRUE(titles.count("12306退票失败") && titles.count("话费扣费异常"));
  EXPECT_GT(chinese, 1000);
  EXPECT_LT(chinese, 2000);
  EXPECT_GT(retries, 10);  // about 2% retried with the same key
  EXPECT_LT(retries, 100);
}

TEST(ComplaintGeneratorTest, ProducesDuplicatesOfTheSamePersonIssueAndStation) {
  ComplaintGenerator generator(Options(5));
  cv1::SubmitComplaintRequest r;
  std::map<std::string, int> seen;  // phone | station | title
  for (int i = 0; i < 1000; ++i) {
    generator.Next(&r);
    ++seen[r.complainant().phone() + "|" + r.location().station() + "|" + r.title()];
  }
  int repeated = 0;
  for (const auto& [key, count] : seen) repeated += count > 1 ? 1 : 0;
  EXPECT_GT(repeated, 20);
}

TEST(ContactGeneratorTest, DeterministicOrderedAndComplete) {
  auto run = [](uint64_t seed) {
    ContactGenerator generator(Options(seed), 1000, true);
    std::vector<ev1::ContactEvent> events(1000);
    for (auto& e : events) generator.Next(&e);
    return events;
  };
  std::vector<ev1::ContactEvent> events = run(11);
  std::vector<ev1::ContactEvent> again = run(11);
  std::map<ev1::ContactEvent::KindCase, int> kinds;
  std::set<std::string> ids;
  std::map<std::string, int64_t> last_time;
  for (size_t i = 0; i < events.size(); ++i) {
    ASSERT_EQ(events[i].SerializeAsString(), again[i].SerializeAsString());
    ++kinds[events[i].kind_case()];
    EXPECT_TRUE(ids.insert(events[i].event_id()).second);
    int64_t at = events[i].occurred_at().seconds();
    EXPECT_GE(at, last_time[events[i].contact_id()]) << events[i].contact_id();
    last_time[events[i].contact_id()] = at;
  }
  EXPECT_EQ(kinds.size(), 9u);  // every kind, outage start and end included
  EXPECT_EQ(kinds[ev1::ContactEvent::kOutageStarted], 1);
  EXPECT_EQ(kinds[ev1::ContactEvent::kOutageEnded], 1);
  EXPECT_GT(kinds[ev1::ContactEvent::kCallOffered], kinds[ev1::ContactEvent::kCallAbandoned]);
}

}  // namespace
}  // namespace sqms::loadgen
