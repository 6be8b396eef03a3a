// The two things sqms-loadgen does. Each returns the process exit code:
// 0 success, 1 when the server was unreachable, a stream broke or (demo)
// nothing was accepted.
#pragma once

#include <string>

#include "tools/loadgen/load.h"

namespace sqms::loadgen {

// Streams the complaints, then the contact events, and prints a human
// summary (counts by category, priority, department, channel; duplicates,
// replays, errors). Writes accepted complaint ids, one a line, to ids_out
// when it is not empty.
int RunDemo(const LoadOptions& options, const std::string& ids_out);

// Streams the complaints as fast as allowed and prints BenchReport JSON on
// stdout (progress and failures go to stderr).
int RunBench(const LoadOptions& options);

}  // namespace sqms::loadgen
