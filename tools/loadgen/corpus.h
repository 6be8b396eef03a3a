// The vocabulary of the call-center simulation: complaint texts that hit
// the triage keywords (Chinese and English), stations, lines, names, the
// channel mix and the department ids of triage.yaml's routing. Data only.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "sqms/complaints/v1/types.pb.h"

namespace sqms::loadgen {

// One kind of complaint. `{train}` and `{station}` in the texts are replaced
// by the generated service number and station name.
struct IssueTemplate {
  complaints::v1::Category category;  // what triage should conclude
  bool railway;                       // railway (12306) or telecom (10086) issue
  std::string_view title_zh;
  std::string_view content_zh;
  std::string_view title_en;
  std::string_view content_en;
};

struct Station {
  std::string_view name;
  std::string_view region;
  std::string_view line;
};

struct WeightedChannel {
  complaints::v1::Channel channel;
  int weight;  // relative share of the intake
};

std::span<const IssueTemplate> IssueTemplates();
std::span<const Station> RailwayStations();
std::span<const Station> TelecomOutlets();  // service halls and cells
std::span<const std::string_view> Surnames();
std::span<const std::string_view> GivenNames();
std::span<const std::string_view> PhonePrefixes();
std::span<const std::string_view> TrainPrefixes();  // G, D, C, K, Z, T
std::span<const WeightedChannel> ChannelMix();
// Departments are ids, the vocabulary of both topics: the ones triage.yaml's
// routing sends each category to (display names never go into events).
struct RoutedCategory {
  complaints::v1::Category category;
  std::string_view department;  // e.g. "ticketing-center"
};
std::span<const RoutedCategory> CategoryRouting();
std::string_view DefaultDepartment();  // routing.default: "customer-service"
std::string_view DepartmentOf(complaints::v1::Category category);
// The category as triage.yaml names it: CATEGORY_NETWORK_FAULT → "network_fault".
std::string CategoryId(complaints::v1::Category category);

struct ConsultationTopic {
  std::string_view topic;
  complaints::v1::Category category;
};

std::span<const std::string_view> Queues();
std::span<const ConsultationTopic> ConsultationTopics();
std::span<const std::string_view> CsiDimensions();  // survey CSI dimension ids

}  // namespace sqms::loadgen
