// RedisCluster: six redis-server nodes made into a cluster by redis-cli.

#include "tests/support/redis_cluster.h"

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace sqms::testing {
namespace {

using runtime::RedisReply;

constexpr int kNodes = 6;
constexpr absl::Duration kStartTimeout = absl::Seconds(30);

// "first-last@port,..." of a CLUSTER SLOTS reply: what a node believes.
std::string Owners(const RedisReply& slots) {
  std::vector<std::string> ranges;
  for (const RedisReply& r : slots.elements) {
    if (r.elements.size() < 3 || r.elements[2].elements.size() < 2) return "?";
    ranges.push_back(absl::StrCat(r.elements[0].integer, "-", r.elements[1].integer, "@",
                                  r.elements[2].elements[1].integer));
  }
  std::sort(ranges.begin(), ranges.end());
  return absl::StrJoin(ranges, ",");
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisCluster>> RedisCluster::Start(const std::string& dir) {
  // Once, in a sanitizer run of the whole suite, `redis-cli --cluster
  // create` waited over 30 s for its nodes to join (gossip on a loaded
  // machine): a second attempt starts over, on fresh ports.
  absl::StatusOr<std::unique_ptr<RedisCluster>> cluster = TryStart(dir);
  if (cluster.ok()) return cluster;
  return TryStart(dir + "/second-attempt");
}

absl::StatusOr<std::unique_ptr<RedisCluster>> RedisCluster::TryStart(const std::string& dir) {
  std::unique_ptr<RedisCluster> cluster(new RedisCluster());
  cluster->dir_ = dir;
  cluster->nodes_.resize(kNodes);
  std::vector<std::string> create = {"redis-cli", "--cluster", "create"};
  for (int i = 0; i < kNodes; ++i) {
    Node& node = cluster->nodes_[static_cast<size_t>(i)];
    node.dir = absl::StrCat(dir, "/node-", i);
    std::filesystem::create_directories(node.dir);
    absl::Status started;
    for (int attempt = 0; attempt < 3; ++attempt) {  // a free port may be taken meanwhile
      node.port = FreePort();
      node.bus_port = FreePort();
      if ((started = cluster->StartNode(node)).ok()) break;
    }
    if (!started.ok()) return started;
    create.push_back(Address(node.port));
  }
  create.insert(create.end(), {"--cluster-replicas", "1", "--cluster-yes"});
  auto cli = Process::Start(create, dir + "/cluster-create.log");
  if (!cli.ok()) return cli.status();
  if (!Await([&] { return !(*cli)->Running(); }, kStartTimeout) || (*cli)->Terminate() != 0) {
    return absl::UnavailableError(
        absl::StrCat("redis-cli --cluster create failed: ", ReadFile(dir + "/cluster-create.log")));
  }
  if (absl::Status s = cluster->AwaitOk(kStartTimeout); !s.ok()) return s;
  return cluster;
}

RedisCluster::~RedisCluster() {
  for (Node& node : nodes_) {
    node.client.reset();
    node.process.reset();  // SIGKILL, reap
  }
}

absl::Status RedisCluster::StartNode(Node& node) {
  auto process = Process::Start(
      {"redis-server", "--port", std::to_string(node.port), "--bind", "127.0.0.1",
       "--cluster-enabled", "yes", "--cluster-port", std::to_string(node.bus_port),
       "--cluster-config-file", node.dir + "/nodes.conf", "--cluster-node-timeout", "1500",
       "--dir", node.dir, "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
       "--daemonize", "no"},
      node.dir + "/redis.log");
  if (!process.ok()) return process.status();
  node.process = std::move(*process);
  runtime::RedisOptions options;
  options.port = node.port;
  options.command_timeout = std::chrono::milliseconds(5000);
  options.reconnect_backoff_min = std::chrono::milliseconds(10);
  options.reconnect_backoff_max = std::chrono::milliseconds(100);
  node.client = std::make_unique<runtime::RedisClient>(options);
  if (!Await([&] { return !node.process->Running() || node.client->Command({"PING"}).ok(); },
             absl::Seconds(15)) ||
      !node.process->Running()) {
    node.client.reset();
    node.process.reset();
    return absl::UnavailableError(absl::StrCat("redis-server on port ", node.port,
                                               " did not start: ", ReadFile(node.dir + "/redis.log")));
  }
  return absl::OkStatus();
}

std::vector<int> RedisCluster::ports() const {
  std::vector<int> out;
  for (const Node& node : nodes_) out.push_back(node.port);
  return out;
}

std::string RedisCluster::Seeds() const {
  std::vector<std::string> seeds;
  for (const Node& node : nodes_) seeds.push_back(Address(node.port));
  return absl::StrJoin(seeds, ",");
}

RedisCluster::Node* RedisCluster::NodeAt(int port) {
  for (Node& node : nodes_) {
    if (node.port == port && node.process != nullptr) return &node;
  }
  return nullptr;
}

absl::StatusOr<RedisReply> RedisCluster::Command(int port, std::vector<std::string> argv) {
  Node* node = NodeAt(port);
  if (node == nullptr) return absl::NotFoundError(absl::StrCat("no live node on port ", port));
  absl::StatusOr<RedisReply> reply = node->client->Command(std::move(argv));
  if (reply.ok() && reply->type == RedisReply::Type::kError) {
    return absl::FailedPreconditionError(absl::StrCat("port ", port, ": ", reply->str));
  }
  return reply;
}

absl::StatusOr<std::string> RedisCluster::IdOf(int port) {
  auto reply = Command(port, {"CLUSTER", "MYID"});
  if (!reply.ok()) return reply.status();
  return reply->str;
}

std::vector<int> RedisCluster::Primaries() {
  std::vector<int> out;
  for (const Node& node : nodes_) {
    if (node.process == nullptr) continue;
    auto role = node.client->Command({"ROLE"});
    if (role.ok() && !role->elements.empty() && role->elements[0].str == "master") {
      out.push_back(node.port);
    }
  }
  return out;
}

absl::StatusOr<int> RedisCluster::ReplicaOf(int primary_port) {
  for (const Node& node : nodes_) {
    if (node.process == nullptr) continue;
    auto role = node.client->Command({"ROLE"});
    if (role.ok() && role->elements.size() >= 3 && role->elements[0].str == "slave" &&
        role->elements[2].integer == primary_port) {
      return node.port;
    }
  }
  return absl::NotFoundError(absl::StrCat("no replica of port ", primary_port));
}

absl::StatusOr<int> RedisCluster::OwnerOf(int slot) {
  std::vector<int> primaries = Primaries();
  if (primaries.empty()) return absl::UnavailableError("no live primary");
  auto slots = Command(primaries.front(), {"CLUSTER", "SLOTS"});
  if (!slots.ok()) return slots.status();
  for (const RedisReply& r : slots->elements) {
    if (r.elements.size() >= 3 && r.elements[0].integer <= slot && slot <= r.elements[1].integer) {
      return static_cast<int>(r.elements[2].elements[1].integer);
    }
  }
  return absl::NotFoundError(absl::StrCat("slot ", slot, " has no owner"));
}

absl::Status RedisCluster::AwaitOk(absl::Duration timeout) {
  std::string last = "not checked";
  bool ok = Await(
      [&] {
        std::string owners;
        for (Node& node : nodes_) {
          if (node.process == nullptr) continue;
          auto info = node.client->Command({"CLUSTER", "INFO"});
          if (!info.ok() || !absl::StrContains(info->str, "cluster_state:ok")) {
            last = absl::StrCat("port ", node.port, " not ok");
            return false;
          }
          auto slots = node.client->Command({"CLUSTER", "SLOTS"});
          if (!slots.ok()) return false;
          std::string mine = Owners(*slots);
          if (owners.empty()) owners = mine;
          if (mine != owners) {
            last = absl::StrCat("port ", node.port, " sees ", mine, ", another ", owners);
            return false;
          }
          auto role = node.client->Command({"ROLE"});
          if (!role.ok() || role->elements.empty()) return false;
          if (role->elements[0].str == "slave" &&
              (role->elements.size() < 4 || role->elements[3].str != "connected")) {
            last = absl::StrCat("replica on port ", node.port, " not in sync");
            return false;
          }
        }
        return !owners.empty();
      },
      timeout, absl::Milliseconds(50));
  if (ok) return absl::OkStatus();
  return absl::DeadlineExceededError(absl::StrCat("redis cluster not ok: ", last));
}

absl::Status RedisCluster::BeginMigration(int slot, int to_port) {
  auto from = OwnerOf(slot);
  if (!from.ok()) return from.status();
  if (*from == to_port) return absl::InvalidArgumentError("slot already there");
  auto from_id = IdOf(*from);
  auto to_id = IdOf(to_port);
  if (!from_id.ok() || !to_id.ok()) return absl::UnavailableError("node ids");
  const std::string s = std::to_string(slot);
  if (auto r = Command(to_port, {"CLUSTER", "SETSLOT", s, "IMPORTING", *from_id}); !r.ok()) {
    return r.status();
  }
  if (auto r = Command(*from, {"CLUSTER", "SETSLOT", s, "MIGRATING", *to_id}); !r.ok()) {
    return r.status();
  }
  migrating_from_ = *from;
  migrating_to_ = to_port;
  return absl::OkStatus();
}

absl::Status RedisCluster::MigrateKeys(int slot) {
  if (migrating_from_ == 0) return absl::FailedPreconditionError("no migration begun");
  for (;;) {
    auto keys = Command(migrating_from_, {"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "100"});
    if (!keys.ok()) return keys.status();
    if (keys->elements.empty()) return absl::OkStatus();
    std::vector<std::string> migrate = {"MIGRATE", "127.0.0.1", std::to_string(migrating_to_), "",
                                        "0", "5000", "KEYS"};
    for (const RedisReply& key : keys->elements) migrate.push_back(key.str);
    if (auto r = Command(migrating_from_, migrate); !r.ok()) return r.status();
  }
}

absl::Status RedisCluster::FinishMigration(int slot) {
  if (migrating_from_ == 0) return absl::FailedPreconditionError("no migration begun");
  auto to_id = IdOf(migrating_to_);
  if (!to_id.ok()) return to_id.status();
  const std::string s = std::to_string(slot);
  // The new owner first, then the old, then everyone else (as redis-cli does).
  std::vector<int> order = {migrating_to_, migrating_from_};
  for (int port : Primaries()) {
    if (port != migrating_to_ && port != migrating_from_) order.push_back(port);
  }
  for (int port : order) {
    if (auto r = Command(port, {"CLUSTER", "SETSLOT", s, "NODE", *to_id}); !r.ok()) {
      return r.status();
    }
  }
  migrating_from_ = migrating_to_ = 0;
  return AwaitOk();
}

absl::Status RedisCluster::MigrateSlot(int slot, int to_port) {
  if (auto s = BeginMigration(slot, to_port); !s.ok()) return s;
  if (auto s = MigrateKeys(slot); !s.ok()) return s;
  return FinishMigration(slot);
}

absl::StatusOr<int> RedisCluster::Failover(int primary_port) {
  auto replica = ReplicaOf(primary_port);
  if (!replica.ok()) return replica.status();
  if (auto r = Command(*replica, {"CLUSTER", "FAILOVER"}); !r.ok()) return r.status();
  if (!Await(
          [&] {
            auto role = Command(*replica, {"ROLE"});
            return role.ok() && !role->elements.empty() && role->elements[0].str == "master";
          },
          absl::Seconds(20))) {
    return absl::DeadlineExceededError(absl::StrCat("port ", *replica, " was not promoted"));
  }
  if (auto s = AwaitOk(); !s.ok()) return s;
  return *replica;
}

absl::StatusOr<int> RedisCluster::KillPrimary(int primary_port) {
  auto replica = ReplicaOf(primary_port);
  if (!replica.ok()) return replica.status();
  Node* node = NodeAt(primary_port);
  node->client.reset();
  node->process.reset();  // SIGKILL
  if (!Await(
          [&] {
            auto role = Command(*replica, {"ROLE"});
            return role.ok() && !role->elements.empty() && role->elements[0].str == "master";
          },
          absl::Seconds(30))) {
    return absl::DeadlineExceededError(absl::StrCat("port ", *replica, " was not promoted"));
  }
  if (auto s = AwaitOk(); !s.ok()) return s;
  return *replica;
}

}  // namespace sqms::testing
