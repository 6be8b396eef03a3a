#include "services/alerts/domain/request_fingerprint.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace sqms::alerts::domain {
namespace {

// Every field a command carries tells it apart; the length prefixes keep
// two fields from running into each other.
TEST(RequestFingerprintTest, CommandsDifferingInAnyFieldEncodeApart) {
  const std::set<std::string> encodings = {
      CanonicalIncidentCommand("acknowledge", "inc-a", "alice", ""),
      CanonicalIncidentCommand("resolve", "inc-a", "alice", ""),
      CanonicalIncidentCommand("acknowledge", "inc-b", "alice", ""),
      CanonicalIncidentCommand("acknowledge", "inc-a", "bob", ""),
      CanonicalIncidentCommand("acknowledge", "inc-a", "alice", "on it"),
      CanonicalIncidentCommand("acknowledge", "inc-a", "alic", "e"),
      CanonicalDrill("safety", {{"station", "S9"}}, "alice"),
      CanonicalDrill("safety", {{"station", "S8"}}, "alice"),
      CanonicalDrill("outage", {{"station", "S9"}}, "alice"),
      CanonicalDrill("safety", {}, "alice"),
  };
  EXPECT_EQ(encodings.size(), 10u);
  EXPECT_EQ(CanonicalIncidentCommand("close", "inc-a", "alice", "review"),
            CanonicalIncidentCommand("close", "inc-a", "alice", "review"));
}

TEST(RequestFingerprintTest, ARaiseIsItsLabelsAnnotationsStatusAndDrillFlagNotItsIdOrTime) {
  Alert alert;
  alert.id = "api|rid-1";
  alert.labels = {{"alertname", "X"}, {"service", "billing"}};
  alert.at = absl::FromUnixSeconds(1);
  Alert retry = alert;
  retry.at = absl::FromUnixSeconds(99);
  EXPECT_EQ(CanonicalRaise(alert, "svc"), CanonicalRaise(retry, "svc"));

  std::set<std::string> encodings = {CanonicalRaise(alert, "svc")};
  Alert other = alert;
  other.labels = {{"alertname", "X"}, {"service", "other"}};
  encodings.insert(CanonicalRaise(other, "svc"));
  other = alert;
  other.annotations = {{"summary", "s"}};
  encodings.insert(CanonicalRaise(other, "svc"));
  other = alert;
  other.firing = false;
  encodings.insert(CanonicalRaise(other, "svc"));
  other = alert;
  other.drill = true;
  encodings.insert(CanonicalRaise(other, "svc"));
  encodings.insert(CanonicalRaise(alert, "admin"));
  EXPECT_EQ(encodings.size(), 6u);
}

TEST(RequestFingerprintTest, ASilenceIsWhatWasAskedForNotWhatTheServiceFilledIn) {
  Silence silence;
  silence.matchers = {Matcher::Make("station", "=", "S1").value()};
  silence.ends_at = absl::FromUnixSeconds(7200);
  Silence stored = silence;
  stored.id = "sil-1";
  stored.created_by = "ops";
  EXPECT_EQ(CanonicalSilence(silence, "ops"), CanonicalSilence(stored, "ops"));

  std::set<std::string> encodings = {CanonicalSilence(silence, "ops")};
  Silence other = silence;
  other.starts_at = absl::UnixEpoch();  // set, unlike "now, please"
  encodings.insert(CanonicalSilence(other, "ops"));
  other = silence;
  other.matchers = {Matcher::Make("station", "!=", "S1").value()};
  encodings.insert(CanonicalSilence(other, "ops"));
  other = silence;
  other.comment = "works";
  encodings.insert(CanonicalSilence(other, "ops"));
  other = silence;
  other.recurrence = Recurrence{};
  encodings.insert(CanonicalSilence(other, "ops"));
  EXPECT_EQ(encodings.size(), 5u);
}

}  // namespace
}  // namespace sqms::alerts::domain
