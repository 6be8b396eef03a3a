#pragma once
// Moved to tests/support/redis_cluster.h (library sqms_test_support). Kept
// only so branches written against the old path still build; delete once no
// #include of it remains.
#include "tests/support/redis_cluster.h"
