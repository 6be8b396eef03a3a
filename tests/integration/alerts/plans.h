#pragma once
// The plans the alerts integration tests run with (targets from the stack:
// "sink" → the sink's /hook, "robot" → /dingtalk, "down" → 503, "refused"
// → a DingTalk robot's 200 with errcode 310000).

namespace sqms::alerts::it {

inline constexpr char kPlans[] = R"yaml(
plans:
  - id: safety
    name: Safety complaint
    risk: test-risk
    level: I
    triggers:
      - matchers: ['alertname="complaint_submitted"', 'category="safety"']
    group_by: [station]
    steps:
      - {title: Confirm on site, owner: duty-manager, expected_minutes: 5}
    escalation:
      - {notify: ["role:duty-manager"], targets: [sink, robot], ack_timeout: 1h}
  - id: page
    name: Paging test
    risk: test-risk
    level: II
    triggers:
      - matchers: ['alertname="PageTest"']
    group_by: [case]
    steps:
      - {title: Look, owner: noc, expected_minutes: 1}
      - {title: Fix, owner: noc, expected_minutes: 10}
    escalation:
      - {notify: ["user:first"], targets: [sink], ack_timeout: 2s}
      - {notify: ["user:second"], targets: [sink], ack_timeout: 1h}
  - id: race
    name: Race test
    risk: test-risk
    level: III
    triggers:
      - matchers: ['alertname="RaceTest"']
    group_by: [case]
    escalation:
      - {notify: ["user:first"], targets: [robot], ack_timeout: 2s}
      - {notify: ["user:second"], targets: [sink], ack_timeout: 1h}
  - id: flaky
    name: Flaky target
    risk: test-risk
    level: IV
    triggers:
      - matchers: ['alertname="FlakyTarget"']
    escalation:
      - {notify: ["user:first"], targets: [down, sink], ack_timeout: 1h}
  - id: refused
    name: Refusing robot
    risk: test-risk
    level: IV
    triggers:
      - matchers: ['alertname="RefusingRobot"']
    escalation:
      - {notify: ["user:first"], targets: [refused, sink], ack_timeout: 1h}
  - id: outage
    name: Platform outage
    risk: test-risk
    level: I
    outage: true
    triggers:
      - matchers: ['alertname=~"Sqms.*Down"']
    group_by: [service]
    escalation:
      - {notify: ["user:first"], targets: [sink], ack_timeout: 1h}
  - id: flappy
    name: Flapping check
    risk: test-risk
    level: IV
    resolve_after: 10s
    triggers:
      - matchers: ['alertname="FlappyCheck"']
    group_by: [case]
    escalation:
      - {notify: ["user:first"], targets: [sink], ack_timeout: 1h}
)yaml";

}  // namespace sqms::alerts::it
