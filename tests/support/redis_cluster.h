#pragma once
// A real local Redis Cluster for integration tests: three primaries with one
// replica each (Debian's redis-server, --cluster-enabled yes) on free ports
// in a test directory, created with `redis-cli --cluster create`. Helpers
// migrate a slot step by step and fail a primary over. Every node is killed
// when the fixture goes out of scope. Not thread-safe; the addresses may be
// read from any thread.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "sqms/runtime/redis_client.h"
#include "tests/support/support.h"

namespace sqms::testing {

class RedisCluster {
 public:
  // Starts 6 nodes in `dir`, creates the cluster and returns once every node
  // reports cluster_state:ok and every replica is in sync; if that fails, a
  // second attempt starts over in `dir`/second-attempt on fresh ports.
  static absl::StatusOr<std::unique_ptr<RedisCluster>> Start(const std::string& dir);
  ~RedisCluster();  // SIGKILLs every node
  RedisCluster(const RedisCluster&) = delete;
  RedisCluster& operator=(const RedisCluster&) = delete;

  std::vector<int> ports() const;               // every node, alive or not
  std::string Seeds() const;                    // "127.0.0.1:p1,127.0.0.1:p2,..."
  static std::string Address(int port) { return "127.0.0.1:" + std::to_string(port); }

  // One command to the node on `port`, on a plain (standalone) connection.
  absl::StatusOr<runtime::RedisReply> Command(int port, std::vector<std::string> argv);
  // The port of the primary serving `slot`, as a live primary sees it.
  absl::StatusOr<int> OwnerOf(int slot);
  // The ports of the live primaries; the port of a primary's replica.
  std::vector<int> Primaries();
  absl::StatusOr<int> ReplicaOf(int primary_port);

  // A slot migration in its three steps, as redis-cli --cluster reshard
  // does it: IMPORTING on `to` and MIGRATING on the owner; MIGRATE every key
  // of the slot; SETSLOT NODE on every primary. MigrateSlot does all three.
  absl::Status BeginMigration(int slot, int to_port);
  absl::Status MigrateKeys(int slot);
  absl::Status FinishMigration(int slot);
  absl::Status MigrateSlot(int slot, int to_port);

  // A coordinated failover: CLUSTER FAILOVER on the primary's replica (which
  // first catches up, so nothing acknowledged is lost); returns once the
  // replica is primary and the cluster is ok. The replica's port.
  absl::StatusOr<int> Failover(int primary_port);
  // SIGKILL the primary; returns once its replica was promoted (after
  // cluster-node-timeout) and the cluster is ok. The replica's port.
  absl::StatusOr<int> KillPrimary(int primary_port);

  // Every live node reports cluster_state:ok and the same owners.
  absl::Status AwaitOk(absl::Duration timeout = absl::Seconds(30));

 private:
  struct Node {
    int port = 0;
    int bus_port = 0;
    std::string dir;
    std::string id;
    std::unique_ptr<Process> process;
    std::unique_ptr<runtime::RedisClient> client;
  };
  RedisCluster() = default;
  // Start's work, once; a failure leaves no node running.
  static absl::StatusOr<std::unique_ptr<RedisCluster>> TryStart(const std::string& dir);
  absl::Status StartNode(Node& node);
  Node* NodeAt(int port);
  absl::StatusOr<std::string> IdOf(int port);

  std::string dir_;
  std::vector<Node> nodes_;
  int migrating_from_ = 0;  // BeginMigration .. FinishMigration
  int migrating_to_ = 0;
};

}  // namespace sqms::testing
