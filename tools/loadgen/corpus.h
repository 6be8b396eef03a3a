// The vocabulary of the call-center simulation: complaint texts that hit
// the triage keywords (Chinese and English), stations, lines, names and the
// channel mix. Data only.
#pragma once

#include <span>
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
std::span<const std::string_view> Departments();
std::span<const std::string_view> Queues();
std::span<const std::string_view> ConsultationTopics();

}  // namespace sqms::loadgen
