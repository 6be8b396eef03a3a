#pragma once
// The live half of WatchKpis: one poller per process. Each round
// (PollOnce, every --watch-poll-interval-ms on a thread of the caller's)
// reads the stored figures of the union of what the open streams watch —
// one store read per distinct window, dimension and drill flag, however
// many streams watch it — diffs them against the previous round, and hands
// every change a live stream covers once to `on_change` (which fans it out
// through the watch hub; each stream's hub filter asks its
// WatchTarget::Wants). A stream registered since the last round gets its
// snapshot — the figures of this round that it covers — through its own
// `deliver` callback, after this round's changes and before any later one,
// so it sees every figure first as it was and then every change, in order.
//
// Any replica answers for all partitions: the figures are the merged window
// hashes every checkpoint writes (ports::KpiReader), so a change is seen
// within one poll interval (plus the read) of the checkpoint that wrote it.
//
// Threads: Add/Remove from any thread (gRPC callbacks): they take a lock
// that PollOnce holds only while it delivers (never during the read), so
// they never wait on I/O. PollOnce from one thread at a time. `on_change`
// and `deliver` run on the PollOnce thread with that lock held: they must
// not block nor call back into the watcher. Remove is a barrier: once it
// returns, the target's `deliver` is never called again.

#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/app/kpi_watch.h"
#include "services/metrics/ports/kpi_reader.h"
#include "sqms/runtime/clock.h"

namespace sqms::metrics::app {

// One stream's side of the watch: its spec, and what the poller last
// decided for it (the windows it covers now, whether it had its snapshot).
// Shared by the stream (its hub filter) and the watcher. Thread-safe.
class WatchTarget {
 public:
  explicit WatchTarget(WatchSpec spec) : spec_(std::move(spec)) {}
  const WatchSpec& spec() const { return spec_; }

  // Whether a change of `key` published now goes to this stream: it has had
  // its snapshot and `key` is one of the figures it covers this round.
  bool Wants(const FigureKey& key) const;

 private:
  friend class KpiWatcher;
  const WatchSpec spec_;
  mutable absl::Mutex mu_;
  bool live_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time oldest_start_ ABSL_GUARDED_BY(mu_) = absl::InfiniteFuture();
};

class KpiWatcher {
 public:
  using OnChange = std::function<void(const KpiUpdate& update)>;
  using Deliver = std::function<void(const std::vector<KpiUpdate>& snapshot)>;

  // Borrows `reader`, `queries` (figures as Get computes them) and `clock`;
  // all must outlive this.
  KpiWatcher(ports::KpiReader& reader, const KpiQueries& queries, const runtime::Clock& clock,
             OnChange on_change);

  // Watches `target` from the next round on; its snapshot goes to `deliver`
  // (once). The same target must not be added twice.
  void Add(std::shared_ptr<WatchTarget> target, Deliver deliver);
  // Stops watching `target` (a barrier, see above). Unknown targets are ignored.
  void Remove(const WatchTarget& target);
  int streams() const;

  // One round. Without streams it reads nothing. A failed read (the
  // store's UNAVAILABLE, DEADLINE_EXCEEDED, …) changes and delivers
  // nothing: the next round starts from the same figures.
  absl::Status PollOnce();

 private:
  struct Watch {
    std::shared_ptr<WatchTarget> target;
    Deliver deliver;
  };
  // This round's figures of `watches` from the store.
  absl::StatusOr<Figures> Read(const std::vector<std::shared_ptr<WatchTarget>>& targets,
                               absl::Time now);

  ports::KpiReader& reader_;
  const KpiQueries& queries_;
  const runtime::Clock& clock_;
  const OnChange on_change_;

  mutable absl::Mutex mu_;
  std::map<const WatchTarget*, Watch> watches_ ABSL_GUARDED_BY(mu_);
  Figures last_ ABSL_GUARDED_BY(mu_);  // the previous round's figures
};

}  // namespace sqms::metrics::app
