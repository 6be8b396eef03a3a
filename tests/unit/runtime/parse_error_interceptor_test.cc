#include "libs/runtime/src/parse_error_interceptor.h"

#include "google/protobuf/api.pb.h"
#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

// google.protobuf.Api stands in for a request: string name = 1, repeated
// Method methods = 2, SourceContext source_context = 5 (file_name).
const google::protobuf::Descriptor* Request() { return google::protobuf::Api::descriptor(); }

TEST(ApiFieldPathTest, RequestFieldsAreNamedAsInTheRequest) {
  EXPECT_EQ(ApiFieldPath(Request(), "google.protobuf.Api.name"), "name");
}

TEST(ApiFieldPathTest, NestedMessagesAreNamedByTheirPathFromTheRequest) {
  EXPECT_EQ(ApiFieldPath(Request(), "google.protobuf.SourceContext.file_name"),
            "source_context.file_name");
  EXPECT_EQ(ApiFieldPath(Request(), "google.protobuf.Method.request_type_url"),
            "methods.request_type_url");
}

TEST(ApiFieldPathTest, TheSameMessageIsNamedByWhereItSitsInEachRequest) {
  // SourceContext is the root in one request and nested in another.
  EXPECT_EQ(ApiFieldPath(google::protobuf::SourceContext::descriptor(),
                         "google.protobuf.SourceContext.file_name"),
            "file_name");
}

TEST(ApiFieldPathTest, WithoutARequestTheMessageNameIsTheGuess) {
  EXPECT_EQ(ApiFieldPath(nullptr, "google.protobuf.SourceContext.file_name"),
            "source_context.file_name");
}

}  // namespace
}  // namespace sqms::runtime
