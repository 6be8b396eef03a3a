#include "tools/loadgen/generator.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "google/protobuf/util/message_differencer.h"
#include "tools/loadgen/corpus.h"

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
    // Not the bytes: a map's order on the wire is not specified.
    ASSERT_TRUE(google::protobuf::util::MessageDifferencer::Equals(events[i], again[i])) << i;
    ++kinds[events[i].kind_case()];
    EXPECT_TRUE(ids.insert(events[i].event_id()).second);
    int64_t at = events[i].occurred_at().seconds();
    EXPECT_GE(at, last_time[events[i].contact_id()]) << events[i].contact_id();
    last_time[events[i].contact_id()] = at;
  }
  EXPECT_EQ(kinds.size(), 9u);  // every kind, outage start and end included
  EXPECT_EQ(kinds[ev1::ContactEvent::kOutageStarted], 2);
  EXPECT_EQ(kinds[ev1::ContactEvent::kOutageEnded], 2);
  EXPECT_GT(kinds[ev1::ContactEvent::kCallOffered], kinds[ev1::ContactEvent::kCallAbandoned]);
}

std::vector<ev1::ContactEvent> Contacts(uint64_t seed, int count, bool with_outage = true) {
  ContactGenerator generator(Options(seed), count, with_outage);
  std::vector<ev1::ContactEvent> events(static_cast<size_t>(count));
  for (auto& e : events) generator.Next(&e);
  return events;
}

std::string DimensionsOf(const ev1::ContactEvent& e) {
  return e.channel() + "|" + e.department() + "|" + e.region() + "|" + e.station() + "|" +
         e.line() + "|" + e.category();
}

TEST(ContactGeneratorTest, EveryEventOfAContactSharesItsDimensions) {
  std::map<std::string, std::string> first;  // contact id → dimensions
  for (const auto& e : Contacts(21, 5000)) {
    if (e.has_outage_started() || e.has_outage_ended()) continue;
    ASSERT_FALSE(e.department().empty()) << e.event_id();
    ASSERT_FALSE(e.station().empty()) << e.event_id();
    ASSERT_FALSE(e.line().empty()) << e.event_id();
    auto [at, inserted] = first.emplace(e.contact_id(), DimensionsOf(e));
    EXPECT_EQ(at->second, DimensionsOf(e)) << e.event_id() << " of " << e.contact_id();
  }
  EXPECT_GT(first.size(), 1000u);
}

// The ids triage.yaml routes to (routing.default and every rule's
// department): the one department vocabulary of both topics.
std::set<std::string> RoutedDepartments() {
  std::ifstream in(std::string(SQMS_TEST_SOURCE_DIR) + "/services/complaints/config/triage.yaml");
  EXPECT_TRUE(in.good());
  // No std::regex: GCC 12 flags <regex> maybe-uninitialized under ASan.
  std::set<std::string> out;
  for (std::string line; std::getline(in, line);) {
    for (const std::string key : {"department:", "default:"}) {
      size_t at = line.find(key);
      if (at == std::string::npos) continue;
      at = line.find_first_not_of(' ', at + key.size());
      if (at == std::string::npos) continue;
      const size_t end = line.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-", at);
      if (end != at) out.insert(line.substr(at, end - at));
    }
  }
  return out;
}

TEST(ContactGeneratorTest, DepartmentsAreTheIdsTriageRoutesTo) {
  const std::set<std::string> routed = RoutedDepartments();
  ASSERT_TRUE(routed.count("ticketing-center")) << "triage.yaml's routing changed shape";
  EXPECT_TRUE(routed.count(std::string(DefaultDepartment())));
  for (const RoutedCategory& r : CategoryRouting()) {
    EXPECT_TRUE(routed.count(std::string(r.department))) << r.department;
  }
  std::set<std::string> used;
  for (const auto& e : Contacts(22, 3000)) {
    if (!e.department().empty()) used.insert(e.department());
  }
  EXPECT_GE(used.size(), 5u);
  for (const std::string& d : used) EXPECT_TRUE(routed.count(d)) << d << " is not routed to";
}

TEST(ContactGeneratorTest, RealisticMixPerDepartment) {
  struct Tally {
    int offered = 0, answered = 0, abandoned = 0;
  };
  std::map<std::string, Tally> departments;
  int offered = 0, answered = 0, consultations = 0, dispatched = 0;
  int surveys = 0, satisfied = 0, with_csat = 0, with_nps = 0, with_csi = 0;
  for (const auto& e : Contacts(23, 20000)) {
    Tally& t = departments[e.department()];
    switch (e.kind_case()) {
      case ev1::ContactEvent::kCallOffered:
        ++offered, ++t.offered;
        break;
      case ev1::ContactEvent::kCallAnswered:
        ++answered, ++t.answered;
        ASSERT_TRUE(e.call_answered().has_wait_seconds());
        ASSERT_FALSE(e.agent().empty());
        break;
      case ev1::ContactEvent::kCallAbandoned:
        ++t.abandoned;
        ASSERT_TRUE(e.call_abandoned().has_wait_seconds());
        break;
      case ev1::ContactEvent::kCallEnded:
        ASSERT_TRUE(e.call_ended().has_handle_seconds());
        ASSERT_GT(e.call_ended().handle_seconds(), 0);
        break;
      case ev1::ContactEvent::kConsultationCreated:
        ++consultations;
        ASSERT_FALSE(e.category().empty());
        ASSERT_FALSE(e.agent().empty());
        break;
      case ev1::ContactEvent::kConsultationDispatched:
        ++dispatched;
        break;
      case ev1::ContactEvent::kSurveyAnswered: {
        const ev1::SurveyAnswered& s = e.survey_answered();
        ++surveys;
        ASSERT_TRUE(s.has_unsatisfied() || s.has_csat() || s.has_nps() || !s.csi().empty());
        satisfied += s.has_unsatisfied() && !s.unsatisfied() ? 1 : 0;
        with_csat += s.has_csat() ? 1 : 0;
        with_nps += s.has_nps() ? 1 : 0;
        with_csi += s.csi().empty() ? 0 : 1;
        if (s.has_csat()) {
          EXPECT_TRUE(s.csat() >= 1 && s.csat() <= 5);
        }
        if (s.has_nps()) {
          EXPECT_TRUE(s.nps() >= 0 && s.nps() <= 10);
        }
        for (const auto& [key, score] : s.csi()) EXPECT_TRUE(score >= 1 && score <= 5) << key;
        break;
      }
      default:
        break;
    }
  }
  const double answer_rate = static_cast<double>(answered) / offered;
  EXPECT_GE(answer_rate, 0.85);
  EXPECT_LE(answer_rate, 0.95);
  for (const auto& [department, t] : departments) {
    if (t.offered < 100) continue;
    SCOPED_TRACE(department);
    // Every offered call is answered or abandoned, within its department.
    EXPECT_EQ(t.answered + t.abandoned, t.offered);
    EXPECT_GE(static_cast<double>(t.answered) / t.offered, 0.8);
  }
  const double dispatched_share = static_cast<double>(dispatched) / consultations;
  EXPECT_GE(dispatched_share, 0.10);
  EXPECT_LE(dispatched_share, 0.20);
  EXPECT_GT(surveys, 500);
  // Of the surveys that asked, about 95 % satisfied; each answer sometimes.
  EXPECT_GT(satisfied, surveys * 80 / 100);
  EXPECT_LT(with_csat, surveys * 75 / 100);
  EXPECT_GT(with_csat, surveys * 45 / 100);
  EXPECT_LT(with_nps, surveys * 55 / 100);
  EXPECT_GT(with_csi, surveys * 15 / 100);
  EXPECT_LT(with_csi, surveys * 35 / 100);
}

TEST(ContactGeneratorTest, OutagesStartAndEnd) {
  std::map<std::string, int64_t> started;
  int ended = 0;
  for (const auto& e : Contacts(24, 2000)) {
    if (e.has_outage_started()) started[e.contact_id()] = e.occurred_at().seconds();
    if (!e.has_outage_ended()) continue;
    ++ended;
    ASSERT_TRUE(started.count(e.contact_id())) << "an end before its start";
    const int64_t lasted = e.occurred_at().seconds() - started[e.contact_id()];
    EXPECT_GT(lasted, 0);
    // Sent, or left to the gateway (which computes it from the start).
    if (e.outage_ended().outage_seconds() != 0) {
      EXPECT_EQ(e.outage_ended().outage_seconds(), lasted);
    }
  }
  EXPECT_EQ(started.size(), 2u);
  EXPECT_EQ(ended, 2);
  for (const auto& e : Contacts(25, 500, /*with_outage=*/false)) {
    EXPECT_FALSE(e.has_outage_started() || e.has_outage_ended());
  }
}

}  // namespace
}  // namespace sqms::loadgen
