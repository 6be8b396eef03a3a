// Alert intake and the rest of an incident's life against the real binary:
// Alertmanager's webhook opens and resolves an incident; silences mute; a
// failing notification target is retried without holding up the others;
// drills are marked everywhere and reported; bad configuration is refused
// naming the file and key; every series exists at 0 from start-up.

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "sqms/runtime/http/http_client.h"
#include "sqms/runtime/watch_established.h"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

absl::StatusOr<runtime::HttpResponse> PostAlertmanager(int port, const std::string& status) {
  const std::string body = absl::StrReplaceAll(R"json({
    "version": "4", "groupKey": "{}:{alertname=\"SqmsComplaintsDown\"}", "status": "STATUS",
    "receiver": "sqms-alerts", "groupLabels": {"alertname": "SqmsComplaintsDown"},
    "commonLabels": {"alertname": "SqmsComplaintsDown", "service": "complaints"},
    "commonAnnotations": {}, "externalURL": "http://alertmanager:9093", "truncatedAlerts": 0,
    "alerts": [{"status": "STATUS", "labels": {"alertname": "SqmsComplaintsDown",
      "service": "complaints", "severity": "critical"},
      "annotations": {"summary": "complaints service down"},
      "startsAt": "2026-12-02T10:00:00Z", "endsAt": "ENDS",
      "generatorURL": "http://prometheus:9090/graph", "fingerprint": "c0ffee0123456789"}]})json",
      {{"STATUS", status},
       {"ENDS", status == "firing" ? "0001-01-01T00:00:00Z" : "2026-12-02T10:05:00Z"}});
  runtime::HttpClient http;
  runtime::HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat("http://127.0.0.1:", port, "/api/v1/alertmanager");
  request.headers = {{"Content-Type", "application/json"}};
  request.body = body;
  return http.SendAndWait(request);
}

av1::Incident GetIncident(av1::AlertService::Stub& stub, const std::string& id) {
  av1::GetIncidentRequest request;
  request.set_id(id);
  av1::Incident incident;
  stub.GetIncident(Ctx().get(), request, &incident);
  return incident;
}

TEST(AlertsIntakeTest, AlertmanagersWebhookOpensAnIncidentAndItsResolutionResolvesIt) {
  auto stack = AlertsStack::Start({.name = "alerts-am", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto firing = PostAlertmanager((*stack)->webhook_port(), "firing");
  ASSERT_TRUE(firing.ok()) << firing.status();
  ASSERT_EQ(firing->status, 200) << firing->body;
  auto stub = (*stack)->Alerts();
  av1::ListIncidentsRequest list;
  list.set_plan_id("outage");
  av1::ListIncidentsResponse incidents;
  ASSERT_TRUE(stub->ListIncidents(Ctx().get(), list, &incidents).ok());
  ASSERT_EQ(incidents.incidents_size(), 1);
  const std::string id = incidents.incidents(0).id();
  EXPECT_TRUE(incidents.incidents(0).outage());
  ASSERT_TRUE(testing::Await([&] { return !(*stack)->Pages(id, "triggered").empty(); },
                             absl::Seconds(10)));
  // Alertmanager repeats a notification on retry: the same alert changes nothing.
  ASSERT_EQ(PostAlertmanager((*stack)->webhook_port(), "firing")->status, 200);
  EXPECT_EQ(GetIncident(*stub, id).alerts_total(), 1);
  auto resolved = PostAlertmanager((*stack)->webhook_port(), "resolved");
  ASSERT_TRUE(resolved.ok());
  ASSERT_EQ(resolved->status, 200) << resolved->body;
  EXPECT_EQ(GetIncident(*stub, id).state(), av1::INCIDENT_STATE_RESOLVED);
  ASSERT_TRUE(testing::Await([&] { return !(*stack)->Pages(id, "resolved").empty(); },
                             absl::Seconds(10)));
  // A payload that is not Alertmanager's: 400 naming the field.
  runtime::HttpClient http;
  runtime::HttpRequest bad;
  bad.method = "POST";
  bad.url = absl::StrCat("http://127.0.0.1:", (*stack)->webhook_port(), "/api/v1/alertmanager");
  bad.body = R"({"version": "3", "alerts": []})";
  auto refused = http.SendAndWait(bad);
  ASSERT_TRUE(refused.ok());
  EXPECT_EQ(refused->status, 400);
  EXPECT_NE(refused->body.find("version"), std::string::npos) << refused->body;
}

// Windows are local times in the stack's zone (Asia/Shanghai): one that
// opened ten minutes ago mutes now, one that opens in two hours does not
// yet, though both are live ("active"); only the open one silences.
TEST(AlertsIntakeTest, ARecurringSilenceMutesOnlyWhileItsWindowIsOpen) {
  auto stack = AlertsStack::Start({.name = "alerts-window", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  auto window = [&](const std::string& value, absl::Duration from_now) {
    const absl::CivilMinute start = absl::ToCivilMinute(absl::Now() + from_now, shanghai);
    av1::CreateSilenceRequest create;
    create.set_request_id(testing::Unique("window"));
    av1::Matcher* m = create.mutable_silence()->add_matchers();
    m->set_label("case");
    m->set_op("=");
    m->set_value(value);
    create.mutable_silence()->set_comment("nightly work");
    av1::Recurrence* every_day = create.mutable_silence()->mutable_recurrence();
    every_day->set_start(absl::FormatCivilTime(start).substr(11, 5));  // "HH:MM"
    every_day->set_duration_minutes(60);
    av1::Silence silence;
    grpc::Status status = stub->CreateSilence(Ctx().get(), create, &silence);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return silence;
  };
  const av1::Silence open = window("window-open", -absl::Minutes(10));
  const av1::Silence later = window("window-later", absl::Hours(2));
  EXPECT_EQ(open.state(), "active");
  EXPECT_TRUE(open.muting());
  EXPECT_EQ(later.state(), "active");
  EXPECT_FALSE(later.muting());

  av1::ListSilencesResponse listed;
  ASSERT_TRUE(stub->ListSilences(Ctx().get(), av1::ListSilencesRequest(), &listed).ok());
  std::map<std::string, bool> muting;
  for (const av1::Silence& s : listed.silences()) muting[s.id()] = s.muting();
  EXPECT_EQ(muting, (std::map<std::string, bool>{{open.id(), true}, {later.id(), false}}));

  auto muted = Raise(*stub, {{"alertname", "PageTest"}, {"case", "window-open"}});
  ASSERT_TRUE(muted.ok());
  ASSERT_EQ(muted->decisions_size(), 1);
  EXPECT_EQ(muted->decisions(0).outcome(), av1::OUTCOME_SILENCED);
  auto paged = Raise(*stub, {{"alertname", "PageTest"}, {"case", "window-later"}});
  ASSERT_TRUE(paged.ok());
  ASSERT_EQ(paged->decisions_size(), 1);
  EXPECT_NE(paged->decisions(0).outcome(), av1::OUTCOME_SILENCED);
}

TEST(AlertsIntakeTest, ASilencedAlertOpensNothingAndAnExpiredSilenceMutesNoMore) {
  auto stack = AlertsStack::Start({.name = "alerts-silence", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  absl::StatusOr<av1::Silence> created = Silence(*stub, "case", "maintenance", "planned work");
  ASSERT_TRUE(created.ok()) << created.status();
  av1::Silence silence = *created;
  EXPECT_EQ(silence.state(), "active");
  EXPECT_TRUE(silence.muting());
  EXPECT_EQ(silence.created_by(), "sup-sue");
  auto muted = Raise(*stub, {{"alertname", "PageTest"}, {"case", "maintenance"}});
  ASSERT_TRUE(muted.ok());
  ASSERT_EQ(muted->decisions_size(), 1);
  EXPECT_EQ(muted->decisions(0).outcome(), av1::OUTCOME_SILENCED);
  EXPECT_EQ(muted->decisions(0).silence_id(), silence.id());

  av1::ExpireSilenceRequest expire;
  expire.set_id(silence.id());
  ASSERT_TRUE(stub->ExpireSilence(Ctx().get(), expire, &silence).ok());
  EXPECT_EQ(silence.state(), "expired");
  EXPECT_FALSE(silence.muting());
  auto opened = Raise(*stub, {{"alertname", "PageTest"}, {"case", "maintenance"}});
  ASSERT_TRUE(opened.ok());
  // The expiry also wakes the alert it muted (decided again: it opens its
  // incident), before or after this raise: either way the alert is muted
  // no more and its incident is open.
  const av1::Outcome outcome = opened->decisions(0).outcome();
  EXPECT_TRUE(outcome == av1::OUTCOME_OPENED || outcome == av1::OUTCOME_DUPLICATE)
      << av1::Outcome_Name(outcome);
  EXPECT_FALSE(opened->decisions(0).incident_id().empty());

  // A silence that would mute everything is refused, naming the field.
  av1::CreateSilenceRequest everything;
  everything.set_request_id(testing::Unique("silence"));
  auto* all = everything.mutable_silence()->add_matchers();
  all->set_label("alertname");
  all->set_op("=~");
  all->set_value(".*");
  grpc::Status refused = stub->CreateSilence(Ctx().get(), everything, &silence);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(testing::ViolationFields(refused).empty());
}

TEST(AlertsIntakeTest, AFailingTargetIsRetriedAndRecordedWhileTheOtherIsDeliveredAtOnce) {
  auto stack = AlertsStack::Start({.name = "alerts-flaky", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  auto r = Raise(*stub, {{"alertname", "FlakyTarget"}});
  ASSERT_TRUE(r.ok());
  const std::string id = r->decisions(0).incident_id();
  ASSERT_TRUE(testing::Await([&] { return !(*stack)->Pages(id, "triggered").empty(); },
                             absl::Seconds(10)));
  av1::Incident incident;
  ASSERT_TRUE(testing::Await([&] {
    incident = GetIncident(*stub, id);
    for (const av1::Delivery& d : incident.deliveries()) {
      if (d.target() == "down" && d.status() == "failed") return true;
    }
    return false;
  }, absl::Seconds(30)));
  for (const av1::Delivery& d : incident.deliveries()) {
    if (d.target() == "down") {
      EXPECT_EQ(d.attempts(), 3) << "max_attempts";
      EXPECT_EQ(d.last_http_status(), 503);
    } else {
      EXPECT_EQ(d.status(), "delivered");
      EXPECT_EQ(d.attempts(), 1);
    }
  }
}

// DingTalk, WeCom and Feishu robots answer HTTP 200 also when they refuse a
// message; the errcode in the body decides. A refusal is retried like a 5xx
// and ends failed — never counted delivered.
TEST(AlertsIntakeTest, ARobotsHttp200WithAnErrcodeIsRetriedAndEndsFailedNeverDelivered) {
  auto stack = AlertsStack::Start({.name = "alerts-refused", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  auto r = Raise(*stub, {{"alertname", "RefusingRobot"}});
  ASSERT_TRUE(r.ok());
  const std::string id = r->decisions(0).incident_id();
  av1::Incident incident;
  ASSERT_TRUE(testing::Await(
      [&] {
        incident = GetIncident(*stub, id);
        for (const av1::Delivery& d : incident.deliveries()) {
          if (d.target() == "refused" && d.status() == "failed") return true;
        }
        return false;
      },
      absl::Seconds(30)))
      << incident.DebugString();
  int refusals_received = 0;
  for (const SinkRequest& request : (*stack)->SinkRequests()) {
    refusals_received += request.path == "/refused";
  }
  EXPECT_EQ(refusals_received, 3) << "every attempt reached the robot";
  for (const av1::Delivery& d : incident.deliveries()) {
    if (d.target() != "refused") continue;
    EXPECT_EQ(d.attempts(), 3) << "max_attempts";
    EXPECT_EQ(d.last_http_status(), 200);
    EXPECT_EQ(d.last_error(), "errcode 310000: keywords not in content");
  }
  const std::string metrics = (*stack)->ScrapeMetrics();
  for (const char* series : {
           "sqms_notifications_total{outcome=\"delivered\",target=\"refused\"} 0\n",
           "sqms_notifications_total{outcome=\"retried\",target=\"refused\"} 2\n",
           "sqms_notifications_total{outcome=\"failed\",target=\"refused\"} 1\n",
       }) {
    EXPECT_TRUE(absl::StrContains(metrics, series)) << series << metrics;
  }
}

TEST(AlertsIntakeTest, ADrillIsMarkedEverywhereAndReportedStepByStep) {
  auto stack = AlertsStack::Start({.name = "alerts-drill", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  av1::StartDrillRequest start;
  start.set_plan_id("page");
  start.set_request_id(testing::Unique("drill"));
  (*start.mutable_labels())["case"] = "drill-1";
  av1::Incident drill;
  ASSERT_TRUE(stub->StartDrill(Ctx().get(), start, &drill).ok());
  EXPECT_TRUE(drill.drill());
  av1::Incident again;
  ASSERT_TRUE(stub->StartDrill(Ctx().get(), start, &again).ok());
  EXPECT_EQ(again.id(), drill.id()) << "a retried StartDrill starts no second drill";
  ASSERT_TRUE(testing::Await([&] { return !(*stack)->Pages(drill.id(), "triggered").empty(); },
                             absl::Seconds(10)));
  EXPECT_TRUE((*stack)->Pages(drill.id(), "triggered")[0].body.value("drill", false));

  av1::IncidentCommand ack;
  ack.set_id(drill.id());
  ack.set_request_id(testing::Unique("ack"));
  av1::Incident out;
  ASSERT_TRUE(stub->AcknowledgeIncident(Ctx().get(), ack, &out).ok());
  ASSERT_TRUE(stub->AcknowledgeIncident(Ctx().get(), ack, &out).ok()) << "a retry answers OK";
  av1::CompleteStepRequest step;
  step.set_id(drill.id());
  step.set_request_id(testing::Unique("step"));
  step.set_step(0);
  ASSERT_TRUE(stub->CompleteStep(Ctx().get(), step, &out).ok());
  av1::IncidentCommand resolve;
  resolve.set_id(drill.id());
  resolve.set_request_id(testing::Unique("resolve"));
  ASSERT_TRUE(stub->ResolveIncident(Ctx().get(), resolve, &out).ok());
  av1::GetDrillReportRequest report_request;
  report_request.set_incident_id(drill.id());
  av1::DrillReport report;
  ASSERT_TRUE(stub->GetDrillReport(Ctx().get(), report_request, &report).ok());
  EXPECT_GE(report.seconds_to_acknowledge(), 0);
  EXPECT_EQ(report.acknowledged_at_tier(), 0);
  ASSERT_EQ(report.steps_size(), 2);
  EXPECT_TRUE(report.steps(0).done());
  EXPECT_FALSE(report.steps(1).done());
  EXPECT_EQ(report.missed_steps(), 1);
  EXPECT_GE(report.seconds_to_resolve(), report.seconds_to_acknowledge());
}

TEST(AlertsIntakeTest, ADrillAlertNeedsTheRoleADrillNeeds) {
  auto stack = AlertsStack::Start({.name = "alerts-drill-role", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  av1::RaiseAlertRequest raise;
  (*raise.mutable_labels())["alertname"] = "PageTest";
  (*raise.mutable_labels())["case"] = "drill-by-monitoring";
  raise.set_request_id(testing::Unique("raise"));
  raise.set_drill(true);
  av1::RaiseAlertResponse response;
  const grpc::Status refused = stub->RaiseAlert(ServiceCtx().get(), raise, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED) << refused.error_message();
  EXPECT_TRUE(absl::StrContains(refused.error_message(), "drill")) << refused.error_message();
  av1::ListIncidentsRequest list;
  av1::ListIncidentsResponse incidents;
  ASSERT_TRUE(stub->ListIncidents(Ctx().get(), list, &incidents).ok());
  EXPECT_EQ(incidents.incidents_size(), 0) << "no drill opened";

  raise.set_drill(false);
  raise.set_request_id(testing::Unique("raise"));
  const grpc::Status real = stub->RaiseAlert(ServiceCtx().get(), raise, &response);
  EXPECT_TRUE(real.ok()) << "monitoring raises real alerts: " << real.error_message();
  raise.set_drill(true);
  raise.set_request_id(testing::Unique("raise"));
  const grpc::Status drill = stub->RaiseAlert(Ctx().get(), raise, &response);
  EXPECT_TRUE(drill.ok()) << "a supervisor may: " << drill.error_message();
}

TEST(AlertsIntakeTest, WatchIncidentsStreamsEveryChangeAndEndsUnavailableAtShutdown) {
  auto stack = AlertsStack::Start({.name = "alerts-watch", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  // Long enough for the whole test under the sanitizers (the watch's group
  // join, up to 30 s of raising, the shutdown): its end must be the
  // shutdown's UNAVAILABLE, not this deadline (a run under ASan passed 60 s).
  auto context = Ctx(absl::Seconds(240));
  av1::WatchIncidentsRequest request;
  auto reader = stub->WatchIncidents(context.get(), request);
  // The watch sees changes from its start on; its consumer joins its group
  // asynchronously: open incidents until the first one shows.
  std::atomic<bool> seen_one{false};
  std::thread raiser([&] {
    for (int i = 0; i < 150 && !seen_one; ++i) {
      (void)Raise(*(*stack)->Alerts(), {{"alertname", "PageTest"}, {"case", absl::StrCat("w", i)}});
      absl::SleepFor(absl::Milliseconds(200));
    }
  });
  av1::Incident seen;
  const bool read = reader->Read(&seen);
  seen_one = true;
  raiser.join();
  ASSERT_TRUE(read);
  EXPECT_EQ(seen.plan_id(), "page");
  EXPECT_EQ(seen.state(), av1::INCIDENT_STATE_TRIGGERED);
  const std::string id = seen.id();
  av1::IncidentCommand ack;
  ack.set_id(id);
  ack.set_request_id(testing::Unique("ack"));
  av1::Incident out;
  ASSERT_TRUE(stub->AcknowledgeIncident(Ctx().get(), ack, &out).ok());
  bool acknowledged = false;
  while (!acknowledged && reader->Read(&seen)) {
    acknowledged = seen.id() == id && seen.state() == av1::INCIDENT_STATE_ACKNOWLEDGED;
  }
  EXPECT_TRUE(acknowledged);
  EXPECT_TRUE(runtime::WatchEstablished(*context)) << "established before any event";
  // A rolling deploy: the stream ends at once with the code clients retry on.
  // The client reads on meanwhile, as gRPC asks before Finish: the other
  // incidents' pages go on changing them, and a client that stopped reading
  // would hold the server's last writes (flow control) and so the stream's
  // end, until the call's own deadline.
  std::thread drain([&] {
    while (reader->Read(&seen)) {
    }
  });
  EXPECT_EQ((*stack)->StopService(0), 0);
  drain.join();
  const grpc::Status end = reader->Finish();
  EXPECT_EQ(end.error_code(), grpc::StatusCode::UNAVAILABLE) << end.error_message();
}

TEST(AlertsIntakeTest, EverySeriesExistsAtZeroFromStartUp) {
  auto stack = AlertsStack::Start({.name = "alerts-series", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  const std::string text = (*stack)->ScrapeMetrics();
  for (const char* series : {
           "sqms_alerts_received_total{source=\"alertmanager\"} 0",
           "sqms_alerts_decisions_total{outcome=\"silenced\"} 0",
           "sqms_alerts_decisions_total{outcome=\"inhibited\"} 0",
           "sqms_alerts_webhook_refused_total{reason=\"invalid\"} 0",
           "sqms_alerts_webhook_refused_total{reason=\"forbidden\"} 0",
           "sqms_incidents_open{drill=\"false\",level=\"I\"} 0",
           "sqms_notifications_total{outcome=\"failed\",target=\"down\"} 0",
           "sqms_incidents_acknowledged_seconds_count{drill=\"false\",level=\"II\"} 0",
           "sqms_incidents_resolved_seconds_count{drill=\"true\",level=\"IV\"} 0",
           "sqms_timers_fired_total{timers=\"alerts\"} 0",
           "sqms_alerts_stored_plans_invalid 0",
           "sqms_alerts_risks_without_plan 0",
           "sqms_alerts_plans_retired 0",
           // The webhook's answers (a wrong token is a 401 here).
           "sqms_http_requests_total{code=\"200\",route=\"/api/v1/"
           "alertmanager\",server=\"webhook\"} 0",
           "sqms_http_requests_total{code=\"401\",route=\"/api/v1/"
           "alertmanager\",server=\"webhook\"} 0",
           "sqms_http_requests_total{code=\"413\",route=\"/api/v1/"
           "alertmanager\",server=\"webhook\"} 0",
           "sqms_http_requests_total{code=\"503\",route=\"/api/v1/"
           "alertmanager\",server=\"webhook\"} 0",
           "sqms_alerts_muted_kept 0",
           // The intake's first start (docs/alerts.md).
           "sqms_consumer_passed_over_total{group=\"sqms-alerts\",topic=\"sqms.complaints.v1\"} 0",
           "sqms_consumer_passed_over_total{group=\"sqms-alerts\",topic=\"sqms.kpi.v1\"} 0",
       }) {
    EXPECT_NE(text.find(series), std::string::npos) << series;
  }
}

TEST(AlertsIntakeTest, ABadPlanIsRefusedAtStartNamingTheFileAndKey) {
  const std::string dir = testing::MakeTestDir("alerts-badconfig");
  const std::string file = dir + "/alerts.yaml";
  ASSERT_TRUE(testing::WriteTextFile(file, absl::StrCat(
      "time_zone: Asia/Shanghai\nrisks:\n  - {id: r, name: R, probability: 2, impact: 2}\n"
      "targets:\n  - {id: t, kind: generic, url: \"http://127.0.0.1:1/x\"}\n"
      "plans:\n  - id: p\n    name: P\n    risk: r\n    level: V\n"
      "    triggers:\n      - matchers: ['alertname=\"X\"']\n"
      "    escalation:\n      - {targets: [t], ack_timeout: 5m}\n")).ok());
  ASSERT_TRUE(testing::WriteTextFile(dir + "/tokens", "tok sup-sue supervisor\n").ok());
  auto process =
      testing::Process::Start({testing::BuildPath("services/alerts/sqms-alerts"), "--config", file,
                               "--tokens-file", dir + "/tokens", "--webhook-listen", "",
                               "--redis-address", "127.0.0.1:1", "--kafka-brokers", "127.0.0.1:1"},
                              dir + "/alerts.log");
  ASSERT_TRUE(process.ok());
  ASSERT_TRUE(testing::Await([&] { return !(*process)->Running(); }, absl::Seconds(10)));
  EXPECT_NE((*process)->Terminate(), 0) << "a configuration error stops the service";
  const std::string log = testing::ReadFile(dir + "/alerts.log");
  EXPECT_NE(log.find("alerts.yaml: plans[0].level"), std::string::npos) << log;
}

}  // namespace
}  // namespace sqms::alerts::it

namespace sqms::alerts::it {
namespace {

// Flap protection against the binary: the quiet spell's durable timer
// ("quiet|…") resolves the incident; a flap before it keeps the incident.
TEST(AlertsIntakeTest, AFlapKeepsItsIncidentAndAQuietSpellResolvesIt) {
  auto stack = AlertsStack::Start({.name = "alerts-flap", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  const std::map<std::string, std::string> labels = {{"alertname", "FlappyCheck"},
                                                     {"case", "ivr"}};
  auto opened = Raise(*stub, labels);
  ASSERT_TRUE(opened.ok()) << opened.status();
  ASSERT_EQ(opened->decisions_size(), 1);
  const std::string id = opened->decisions(0).incident_id();
  ASSERT_TRUE(Raise(*stub, labels, /*resolved=*/true).ok());
  // Fires again within the quiet spell (resolve_after 10 s, room for a
  // loaded machine between the two calls): a flap.
  auto again = Raise(*stub, labels);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->decisions(0).incident_id(), id) << "no second incident";
  EXPECT_EQ(GetIncident(*stub, id).state(), av1::INCIDENT_STATE_TRIGGERED);

  ASSERT_TRUE(Raise(*stub, labels, /*resolved=*/true).ok());
  ASSERT_TRUE(
      testing::Await([&] { return GetIncident(*stub, id).state() == av1::INCIDENT_STATE_RESOLVED; },
                     absl::Seconds(40)));
  EXPECT_EQ((*stack)->Pages(id, "triggered").size(), 1u) << "the flap paged nobody";
}

}  // namespace
}  // namespace sqms::alerts::it
