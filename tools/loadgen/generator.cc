#include "tools/loadgen/generator.h"

#include "tools/loadgen/corpus.h"

namespace sqms::loadgen {

namespace {

namespace cv1 = ::sqms::complaints::v1;
namespace ev1 = ::sqms::events::v1;

constexpr size_t kRecentIssues = 64;
constexpr int64_t kTimeWindowSeconds = 90 * 60;  // event times stay in the past

void ReplaceAll(std::string& text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string Digits(Rng& rng, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += static_cast<char>('0' + rng.Below(10));
  return out;
}

void SetTime(int64_t unix_seconds, google::protobuf::Timestamp* timestamp) {
  timestamp->set_seconds(unix_seconds);
  timestamp->set_nanos(0);
}

}  // namespace

ComplaintGenerator::ComplaintGenerator(GeneratorOptions options)
    : options_(std::move(options)), rng_(options_.seed) {
  recent_.reserve(kRecentIssues);
}

ComplaintGenerator::Issue ComplaintGenerator::NewIssue() {
  Issue issue;
  issue.name = std::string(rng_.Pick(Surnames())) + std::string(rng_.Pick(GivenNames()));
  if (rng_.Chance(0.5)) issue.name += rng_.Pick(GivenNames());
  issue.phone = std::string(rng_.Pick(PhonePrefixes())) + Digits(rng_, 8);
  if (rng_.Chance(0.3)) issue.email = "user" + Digits(rng_, 6) + "@example.com";
  issue.template_index = rng_.Below(IssueTemplates().size());
  bool railway = IssueTemplates()[issue.template_index].railway;
  issue.station_index = rng_.Below(railway ? RailwayStations().size() : TelecomOutlets().size());
  if (railway)
    issue.train = std::string(rng_.Pick(TrainPrefixes())) + std::to_string(rng_.Between(1, 2999));
  return issue;
}

cv1::Channel ComplaintGenerator::PickChannel() {
  int total = 0;
  for (const WeightedChannel& c : ChannelMix()) total += c.weight;
  auto draw = static_cast<int>(rng_.Below(static_cast<uint64_t>(total)));
  for (const WeightedChannel& c : ChannelMix()) {
    if (draw < c.weight) return c.channel;
    draw -= c.weight;
  }
  return cv1::CHANNEL_HOTLINE;
}

void ComplaintGenerator::Fill(const Issue& issue, cv1::SubmitComplaintRequest* request) {
  const IssueTemplate& t = IssueTemplates()[issue.template_index];
  const Station& station = (t.railway ? RailwayStations() : TelecomOutlets())[issue.station_index];
  bool english = rng_.Chance(0.25);
  std::string* title = request->mutable_title();
  std::string* content = request->mutable_content();
  title->assign(english ? t.title_en : t.title_zh);
  content->assign(english ? t.content_en : t.content_zh);
  ReplaceAll(*content, "{train}", issue.train);
  ReplaceAll(*content, "{station}", station.name);

  request->set_channel(PickChannel());
  cv1::Complainant* who = request->mutable_complainant();
  who->set_name(issue.name);
  who->set_phone(issue.phone);
  who->set_email(issue.email);
  cv1::Location* where = request->mutable_location();
  where->set_region(std::string(station.region));
  where->set_station(std::string(station.name));
  where->set_line(std::string(station.line));
  where->set_service_number(issue.train);
  SetTime(options_.base_unix_seconds + rng_.Between(0, kTimeWindowSeconds),
          request->mutable_occurred_at());
  // Mostly left to triage; sometimes an agent's assessment overrides it.
  request->set_category(rng_.Chance(0.05) ? t.category : cv1::CATEGORY_UNSPECIFIED);
  bool assessed = rng_.Chance(0.1);
  request->set_urgency(assessed ? static_cast<cv1::Level>(rng_.Between(1, 3))
                                : cv1::LEVEL_UNSPECIFIED);
  request->set_importance(assessed ? static_cast<cv1::Level>(rng_.Between(1, 3))
                                   : cv1::LEVEL_UNSPECIFIED);
  bool keyed = !rng_.Chance(options_.without_key_share);
  request->set_idempotency_key(keyed ? options_.id_prefix + "-c" + std::to_string(generated_) : "");
}

void ComplaintGenerator::Next(cv1::SubmitComplaintRequest* request) {
  bool retry =
      generated_ > 0 && !previous_.idempotency_key().empty() && rng_.Chance(options_.retry_share);
  if (retry) {
    *request = previous_;
  } else if (!recent_.empty() && rng_.Chance(options_.duplicate_share)) {
    Fill(recent_[rng_.Below(recent_.size())], request);
  } else {
    Issue issue = NewIssue();
    Fill(issue, request);
    if (recent_.size() < kRecentIssues) {
      recent_.push_back(std::move(issue));
    } else {
      recent_[recent_next_++ % kRecentIssues] = std::move(issue);
    }
  }
  previous_ = *request;
  ++generated_;
}

ContactGenerator::ContactGenerator(GeneratorOptions options, int64_t planned_events,
                                   bool with_outage)
    : options_(std::move(options)),
      rng_(options_.seed ^ 0xC0FFEEULL),
      planned_(planned_events),
      outage_pending_(with_outage) {}

ev1::ContactEvent& ContactGenerator::Queue(const std::string& contact_id, int64_t at) {
  ev1::ContactEvent& event = pending_.emplace_back();
  event.set_contact_id(contact_id);
  SetTime(options_.base_unix_seconds + at, event.mutable_occurred_at());
  const Station& station = rng_.Pick(RailwayStations());
  event.set_region(std::string(station.region));
  event.set_station(std::string(station.name));
  event.set_department(std::string(rng_.Pick(Departments())));
  return event;
}

void ContactGenerator::QueueCall(int64_t at) {
  std::string id = options_.id_prefix + "-call" + std::to_string(contacts_++);
  std::string agent = "agent-" + std::to_string(rng_.Between(1, 40));
  std::string category = cv1::Category_Name(rng_.Pick(IssueTemplates()).category);
  auto common = [&](ev1::ContactEvent& e) {
    e.set_channel("hotline");
    e.set_category(category);
  };
  ev1::ContactEvent& offered = Queue(id, at);
  common(offered);
  offered.mutable_call_offered()->set_queue(std::string(rng_.Pick(Queues())));
  int64_t wait = rng_.Chance(0.8) ? rng_.Between(2, 20) : rng_.Between(21, 180);
  if (rng_.Chance(0.08 + (wait > 60 ? 0.4 : 0))) {
    ev1::ContactEvent& abandoned = Queue(id, at + wait);
    common(abandoned);
    abandoned.mutable_call_abandoned()->set_wait_seconds(wait);
    return;
  }
  ev1::ContactEvent& answered = Queue(id, at + wait);
  common(answered);
  answered.set_agent(agent);
  answered.mutable_call_answered()->set_wait_seconds(wait);
  int64_t handle = rng_.Between(60, 600);
  ev1::ContactEvent& ended = Queue(id, at + wait + handle);
  common(ended);
  ended.set_agent(agent);
  bool resolved = rng_.Chance(0.78);
  ended.mutable_call_ended()->set_handle_seconds(handle);
  ended.mutable_call_ended()->set_resolved_first_contact(resolved);
  ended.mutable_call_ended()->set_dispatched_work_order(!resolved);
  if (!rng_.Chance(0.4)) return;
  ev1::ContactEvent& survey = Queue(id, at + wait + handle + rng_.Between(30, 300));
  common(survey);
  survey.set_agent(agent);
  auto csat = static_cast<int32_t>(rng_.Chance(0.85) ? rng_.Between(4, 5) : rng_.Between(1, 3));
  survey.mutable_survey_answered()->set_csat(csat);
  survey.mutable_survey_answered()->set_unsatisfied(csat <= 2);
  survey.mutable_survey_answered()->set_nps(
      static_cast<int32_t>(rng_.Chance(0.7) ? rng_.Between(7, 10) : rng_.Between(0, 6)));
}

void ContactGenerator::QueueConsultation(int64_t at) {
  std::string id = options_.id_prefix + "-cons" + std::to_string(contacts_++);
  ev1::ContactEvent& created = Queue(id, at);
  created.set_channel(rng_.Chance(0.5) ? "chat" : "hotline");
  created.mutable_consultation_created()->set_topic(std::string(rng_.Pick(ConsultationTopics())));
  if (!rng_.Chance(0.15)) return;
  ev1::ContactEvent& dispatched = Queue(id, at + rng_.Between(60, 900));
  dispatched.set_channel(created.channel());
  dispatched.mutable_consultation_dispatched()->set_work_order_id("wo-" + id);
}

void ContactGenerator::QueueScenario() {
  clock_ += rng_.Between(0, 2);
  int64_t at = clock_ % kTimeWindowSeconds;
  if (outage_pending_ && outage_started_at_ < 0) {
    outage_started_at_ = at;
    ev1::ContactEvent& started = Queue(options_.id_prefix + "-outage", at);
    started.mutable_outage_started()->set_platform(ev1::PLATFORM_CALL_PLATFORM);
    started.mutable_outage_started()->set_description("呼叫平台中断 call platform down");
    return;
  }
  if (outage_pending_ && emitted_ >= planned_ * 8 / 10) {
    outage_pending_ = false;
    int64_t end = outage_started_at_ + rng_.Between(120, 900);
    ev1::ContactEvent& ended = Queue(options_.id_prefix + "-outage", end);
    ended.mutable_outage_ended()->set_platform(ev1::PLATFORM_CALL_PLATFORM);
    ended.mutable_outage_ended()->set_outage_seconds(end - outage_started_at_);
    return;
  }
  if (rng_.Chance(0.75)) {
    QueueCall(at);
  } else {
    QueueConsultation(at);
  }
}

void ContactGenerator::Next(ev1::ContactEvent* event) {
  if (pending_.empty() || (outage_pending_ && emitted_ >= planned_ * 8 / 10)) QueueScenario();
  *event = std::move(pending_.front());
  pending_.pop_front();
  event->set_event_id(options_.id_prefix + "-e" + std::to_string(emitted_++));
}

}  // namespace sqms::loadgen
