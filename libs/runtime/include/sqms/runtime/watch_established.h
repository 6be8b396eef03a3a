#pragma once
// How a watch client knows its stream was established: FanOutWriteReactor
// sends initial metadata with kWatchEstablishedKey as soon as it is set up,
// before any event. A client that saw it knows an UNAVAILABLE end after it
// (the replica shutting down) is worth watching again, even if no event
// came (sqmsctl's watch commands).

#include "grpcpp/client_context.h"

namespace sqms::runtime {

// The initial-metadata key a watch stream sends as soon as it is set up
// (FanOutWriteReactor), before any event: a client that sees it knows the
// stream was established, so an UNAVAILABLE end after it — the replica
// shutting down — is worth watching again even if no event came.
inline constexpr char kWatchEstablishedKey[] = "x-sqms-watch";

// Client side: whether the watch stream of `context` was established (call
// after the reader's WaitForInitialMetadata).
inline bool WatchEstablished(const grpc::ClientContext& context) {
  return context.GetServerInitialMetadata().count(kWatchEstablishedKey) > 0;
}

}  // namespace sqms::runtime
