// A replica that dies mid-fire: runs DurableTimers over one sorted set and
// SIGKILLs itself inside the handler, i.e. after the claim and before the
// completion. Used by tests/integration/runtime_timers/crash_test.cc.
//
//   timers_crasher --port <redis port> --key <sorted set> --claim-ttl-ms <ms>

#include <signal.h>
#include <unistd.h>

#include <map>
#include <string>
#include <thread>

#include "sqms/runtime/durable_timers.h"
#include "sqms/runtime/redis_client.h"

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  sqms::runtime::RedisOptions redis_options;
  redis_options.port = std::stoi(flags["--port"]);
  sqms::runtime::RedisClient redis(redis_options);
  sqms::runtime::DurableTimersOptions options;
  options.shard_keys = {flags["--key"]};
  options.claim_ttl = absl::Milliseconds(std::stoi(flags["--claim-ttl-ms"]));
  sqms::runtime::DurableTimers timers(redis, options, [](const sqms::runtime::DueTimer&) {
    kill(getpid(), SIGKILL);
    return absl::OkStatus();
  });
  timers.Start();
  while (true) pause();  // until the handler kills us, or the test does
}
