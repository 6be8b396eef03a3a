#pragma once
// The devkafka control language: one command per line, applied to a mock
// cluster.
//
//   down <broker-id> | down all     disconnect broker(s), refuse connections
//   up <broker-id>   | up all       accept connections again
//   errors <api> <count> <error>    the next <count> requests of <api> (a
//                                   Kafka API name such as Produce, or its
//                                   number) fail with <error> (a librdkafka
//                                   error name such as NOT_LEADER_FOR_PARTITION
//                                   or _TRANSPORT, or its number)
//   clear                           drop all pending injected errors
//
// Not thread-safe: call from one thread.

#include <librdkafka/rdkafka.h>
// rdkafka_mock.h needs rdkafka.h first.
#include <librdkafka/rdkafka_mock.h>

#include <string>

namespace sqms::devkafka {

class Controller {
 public:
  Controller(rd_kafka_mock_cluster_t* cluster, int brokers)
      : cluster_(cluster), brokers_(brokers) {}

  // Applies one command line; returns "" on success, else why it failed.
  std::string Apply(const std::string& line);

 private:
  std::string SetBrokers(bool up, const std::string& which);
  std::string PushErrors(const std::string& api, const std::string& count,
                         const std::string& error);
  rd_kafka_mock_cluster_t* cluster_;  // not owned
  int brokers_;
};

}  // namespace sqms::devkafka
