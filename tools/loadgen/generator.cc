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
  request->set_view(options_.view);
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
    : options_(std::move(options)), rng_(options_.seed ^ 0xC0FFEEULL), planned_(planned_events) {
  if (with_outage) {
    outages_.push_back({0.0, 0.8, ev1::PLATFORM_CALL_PLATFORM, true});
    outages_.push_back({0.3, 0.5, ev1::PLATFORM_BUSINESS_SUPPORT, false});
  }
}

ev1::ContactEvent& ContactGenerator::Queue(const std::string& contact_id, int64_t at,
                                           const Dimensions* dims) {
  ev1::ContactEvent& event = pending_.emplace_back();
  event.set_contact_id(contact_id);
  SetTime(options_.base_unix_seconds + at, event.mutable_occurred_at());
  if (dims != nullptr) {
    event.set_channel(dims->channel);
    event.set_department(dims->department);
    event.set_region(dims->region);
    event.set_station(dims->station);
    event.set_line(dims->line);
    event.set_category(dims->category);
  }
  return event;
}

ContactGenerator::Dimensions ContactGenerator::CallDimensions(cv1::Category category,
                                                              std::string channel) {
  const Station& station = rng_.Pick(RailwayStations());
  Dimensions dims;
  dims.channel = std::move(channel);
  // The general hotline takes a share of every kind of call; the rest go
  // straight to the department triage routes the category to.
  dims.department =
      std::string(rng_.Chance(0.3) ? DefaultDepartment() : DepartmentOf(category));
  dims.region = std::string(station.region);
  dims.station = std::string(station.name);
  dims.line = std::string(station.line);
  dims.category = CategoryId(category);
  return dims;
}

void ContactGenerator::QueueCall(int64_t at) {
  const std::string id = options_.id_prefix + "-call" + std::to_string(contacts_++);
  const std::string agent = "agent-" + std::to_string(rng_.Between(1, 40));
  const Dimensions dims = CallDimensions(rng_.Pick(IssueTemplates()).category, "hotline");
  ev1::ContactEvent& offered = Queue(id, at, &dims);
  offered.mutable_call_offered()->set_queue(std::string(rng_.Pick(Queues())));
  // Most calls wait seconds, some a minute, a few minutes; the longer the
  // wait, the likelier the caller hangs up (about 92 % answered overall).
  const double draw = static_cast<double>(rng_.Below(1000)) / 1000.0;
  const int64_t wait = draw < 0.70   ? rng_.Between(2, 20)
                       : draw < 0.92 ? rng_.Between(21, 60)
                                     : rng_.Between(61, 240);
  const double abandon = wait <= 20 ? 0.03 : wait <= 60 ? 0.08 : 0.45;
  if (rng_.Chance(abandon)) {
    const int64_t gave_up = rng_.Between(1, wait);
    Queue(id, at + gave_up, &dims).mutable_call_abandoned()->set_wait_seconds(gave_up);
    return;
  }
  ev1::ContactEvent& answered = Queue(id, at + wait, &dims);
  answered.set_agent(agent);
  answered.mutable_call_answered()->set_wait_seconds(wait);
  const int64_t handle = rng_.Chance(0.9) ? rng_.Between(60, 480) : rng_.Between(481, 1500);
  ev1::ContactEvent& ended = Queue(id, at + wait + handle, &dims);
  ended.set_agent(agent);
  const bool resolved = rng_.Chance(0.78);
  ended.mutable_call_ended()->set_handle_seconds(handle);
  ended.mutable_call_ended()->set_resolved_first_contact(resolved);
  ended.mutable_call_ended()->set_dispatched_work_order(!resolved);
  if (rng_.Chance(0.4)) QueueSurvey(dims, id, agent, at + wait + handle + rng_.Between(30, 300));
}

void ContactGenerator::QueueSurvey(const Dimensions& dims, const std::string& id,
                                   const std::string& agent, int64_t at) {
  ev1::ContactEvent& event = Queue(id, at, &dims);
  event.set_agent(agent);
  ev1::SurveyAnswered* survey = event.mutable_survey_answered();
  const bool satisfied = rng_.Chance(0.95);
  // Each question is asked only sometimes; what was not asked stays unset.
  const bool ask_unsatisfied = rng_.Chance(0.9);
  const bool ask_csat = rng_.Chance(0.6);
  const bool ask_nps = rng_.Chance(0.4);
  const bool ask_csi = rng_.Chance(0.25);
  if (ask_unsatisfied || !(ask_csat || ask_nps || ask_csi)) survey->set_unsatisfied(!satisfied);
  if (ask_csat) {
    survey->set_csat(static_cast<int32_t>(satisfied ? (rng_.Chance(0.9) ? rng_.Between(4, 5) : 3)
                                                    : rng_.Between(1, 2)));
  }
  if (ask_nps) {
    survey->set_nps(static_cast<int32_t>(satisfied ? (rng_.Chance(0.8) ? rng_.Between(9, 10)
                                                                        : rng_.Between(6, 8))
                                                   : rng_.Between(0, 5)));
  }
  if (ask_csi) {
    for (std::string_view dimension : CsiDimensions()) {
      if (!rng_.Chance(0.8)) continue;
      (*survey->mutable_csi())[std::string(dimension)] =
          static_cast<int32_t>(satisfied ? rng_.Between(3, 5) : rng_.Between(1, 3));
    }
    if (survey->csi().empty()) (*survey->mutable_csi())["attitude"] = satisfied ? 5 : 2;
  }
}

void ContactGenerator::QueueConsultation(int64_t at) {
  const std::string id = options_.id_prefix + "-cons" + std::to_string(contacts_++);
  const ConsultationTopic& topic = rng_.Pick(ConsultationTopics());
  const std::string agent = "agent-" + std::to_string(rng_.Between(1, 40));
  const Dimensions dims = CallDimensions(topic.category, rng_.Chance(0.5) ? "chat" : "hotline");
  ev1::ContactEvent& created = Queue(id, at, &dims);
  created.set_agent(agent);
  created.mutable_consultation_created()->set_topic(std::string(topic.topic));
  if (!rng_.Chance(0.15)) return;
  ev1::ContactEvent& dispatched = Queue(id, at + rng_.Between(60, 900), &dims);
  dispatched.set_agent(agent);
  dispatched.mutable_consultation_dispatched()->set_work_order_id("wo-" + id);
}

bool ContactGenerator::QueueOutageStep(int64_t at) {
  for (size_t i = 0; i < outages_.size(); ++i) {
    Outage& outage = outages_[i];
    const std::string id = options_.id_prefix + "-outage" + std::to_string(i);
    const auto due = [&](double share) {
      return static_cast<double>(emitted_) >= share * static_cast<double>(planned_);
    };
    if (outage.started_at < 0 && due(outage.start_share)) {
      outage.started_at = at;
      ev1::ContactEvent& started = Queue(id, at, nullptr);
      started.mutable_outage_started()->set_platform(outage.platform);
      started.mutable_outage_started()->set_description(
          outage.platform == ev1::PLATFORM_CALL_PLATFORM ? "呼叫平台中断 call platform down"
                                                         : "业务支撑系统故障 BSS degraded");
      return true;
    }
    if (outage.started_at >= 0 && !outage.ended && due(outage.end_share)) {
      outage.ended = true;
      const int64_t lasted = rng_.Between(120, 900);
      ev1::ContactEvent& ended = Queue(id, outage.started_at + lasted, nullptr);
      ended.mutable_outage_ended()->set_platform(outage.platform);
      if (outage.send_duration) ended.mutable_outage_ended()->set_outage_seconds(lasted);
      return true;
    }
  }
  return false;
}

void ContactGenerator::QueueScenario() {
  clock_ += rng_.Between(0, 2);
  const int64_t at = clock_ % kTimeWindowSeconds;
  if (rng_.Chance(0.75)) {
    QueueCall(at);
  } else {
    QueueConsultation(at);
  }
}

void ContactGenerator::Next(ev1::ContactEvent* event) {
  // An outage step falls due by the count of events, whatever is queued.
  QueueOutageStep(clock_ % kTimeWindowSeconds);
  if (pending_.empty()) QueueScenario();
  *event = std::move(pending_.front());
  pending_.pop_front();
  event->set_event_id(options_.id_prefix + "-e" + std::to_string(emitted_++));
}

}  // namespace sqms::loadgen
