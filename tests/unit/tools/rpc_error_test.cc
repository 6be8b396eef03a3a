#include "tools/sqmsctl/rpc_error.h"

#include <gtest/gtest.h>

#include "google/rpc/error_details.pb.h"

namespace sqms::tools {
namespace {

google::rpc::Status InvalidWithTwoViolations() {
  google::rpc::BadRequest bad;
  auto* v = bad.add_field_violations();
  v->set_field("title");
  v->set_description("required");
  v = bad.add_field_violations();
  v->set_field("complainant.phone");
  v->set_description("not a phone number");
  google::rpc::Status status;
  status.set_code(3);
  status.set_message("invalid complaint");
  status.add_details()->PackFrom(bad);
  return status;
}

TEST(RpcErrorTest, NamesCodes) {
  EXPECT_EQ(StatusCodeName(14), "UNAVAILABLE");
  EXPECT_EQ(StatusCodeName(16), "UNAUTHENTICATED");
  EXPECT_EQ(StatusCodeName(42), "CODE_42");
}

TEST(RpcErrorTest, ListsEveryFieldViolation) {
  EXPECT_EQ(FormatRpcStatus(InvalidWithTwoViolations()),
            "INVALID_ARGUMENT: invalid complaint\n"
            "  field title: required\n"
            "  field complainant.phone: not a phone number");
}

TEST(RpcErrorTest, ReadsGrpcErrorDetails) {
  std::string details = InvalidWithTwoViolations().SerializeAsString();
  grpc::Status status(grpc::StatusCode::INVALID_ARGUMENT, "invalid complaint", details);
  EXPECT_NE(FormatGrpcError(status).find("field title: required"), std::string::npos);
  EXPECT_EQ(FormatGrpcError(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")),
            "UNAVAILABLE: down");
}

// RESOURCE_EXHAUSTED from a busy server carries when to retry; without it
// the operator cannot tell a refusal before any work from a failure.
TEST(RpcErrorTest, ShowsTheRetryDelayOfABusyServer) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_nanos(100'000'000);
  google::rpc::Status status;
  status.set_code(8);
  status.set_message("server busy: worker queue is full");
  status.add_details()->PackFrom(retry);
  EXPECT_EQ(FormatRpcStatus(status),
            "RESOURCE_EXHAUSTED: server busy: worker queue is full\n"
            "  retry after 100ms: refused before any work, nothing was done");
}

}  // namespace
}  // namespace sqms::tools
