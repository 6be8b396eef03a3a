#include "sqms/runtime/grpc_status.h"

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpcpp/support/status.h"
#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

TEST(GrpcStatusTest, OkStaysOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
}

TEST(GrpcStatusTest, CodeAndMessageWithoutDetails) {
  grpc::Status status = ToGrpcStatus(absl::FailedPreconditionError("complaint is CLOSED"));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message(), "complaint is CLOSED");
  EXPECT_TRUE(status.error_details().empty());
}

TEST(GrpcStatusTest, ViolationsBecomeBadRequestDetail) {
  absl::Status in = InvalidArgument({{"complainant.phone", "not a phone number"},
                                     {"description", "required"}});
  grpc::Status status = ToGrpcStatus(in);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), std::string(in.message()));

  google::rpc::Status proto;
  ASSERT_TRUE(proto.ParseFromString(status.error_details()));
  EXPECT_EQ(proto.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  ASSERT_EQ(proto.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(proto.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 2);
  EXPECT_EQ(bad_request.field_violations(0).field(), "complainant.phone");
  EXPECT_EQ(bad_request.field_violations(1).description(), "required");
}

TEST(GrpcStatusTest, RoundTripKeepsCodeMessageAndViolations) {
  absl::Status in = InvalidArgument({{"channel", "unknown channel 7"}});
  absl::Status out = FromGrpcStatus(ToGrpcStatus(in));
  EXPECT_EQ(out.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out.message(), in.message());
  auto violations = FieldViolations(out);
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "channel");
  EXPECT_EQ(violations[0].description, "unknown channel 7");
}

TEST(GrpcStatusTest, RetryDelayBecomesRetryInfoAndComesBack) {
  absl::Status in = WithRetryDelay(absl::ResourceExhaustedError("busy"), absl::Milliseconds(1500));
  grpc::Status status = ToGrpcStatus(in);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  google::rpc::Status proto;
  ASSERT_TRUE(proto.ParseFromString(status.error_details()));
  ASSERT_EQ(proto.details_size(), 1);
  google::rpc::RetryInfo retry;
  ASSERT_TRUE(proto.details(0).UnpackTo(&retry));
  EXPECT_EQ(retry.retry_delay().seconds(), 1);
  EXPECT_EQ(retry.retry_delay().nanos(), 500000000);
  absl::Status out = FromGrpcStatus(status);
  EXPECT_EQ(out.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryDelay(out), absl::Milliseconds(1500));
  EXPECT_FALSE(RetryDelay(absl::ResourceExhaustedError("no hint")).has_value());
  EXPECT_TRUE(WithRetryDelay(absl::OkStatus(), absl::Seconds(1)).ok());
}

TEST(GrpcStatusTest, ProtoForStreamItems) {
  google::rpc::Status proto = ToRpcStatusProto(absl::AbortedError("version 3, expected 2"));
  EXPECT_EQ(proto.code(), static_cast<int>(absl::StatusCode::kAborted));
  EXPECT_EQ(proto.message(), "version 3, expected 2");
  EXPECT_EQ(proto.details_size(), 0);
}

TEST(GrpcStatusTest, GarbageDetailsAreIgnored) {
  absl::Status out =
      FromGrpcStatus(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down", "\xff\xfe not proto"));
  EXPECT_EQ(out.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(out.message(), "down");
  EXPECT_TRUE(FieldViolations(out).empty());
}

}  // namespace
}  // namespace sqms::runtime
