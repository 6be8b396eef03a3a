#pragma once
// Moved to tests/support/fake_clock.h (sqms::testing::FakeClock). Kept only
// so branches written against the old path still build; delete once no
// #include of it remains.
#include "tests/support/fake_clock.h"

namespace sqms::complaints::app::testing {
using ::sqms::testing::FakeClock;
}  // namespace sqms::complaints::app::testing
