#include "libs/runtime/src/parse_error_interceptor.h"

#include "gtest/gtest.h"

namespace sqms::runtime {
namespace {

TEST(ApiFieldPathTest, RequestFieldsAreNamedAsInTheRequest) {
  EXPECT_EQ(ApiFieldPath("sqms.complaints.v1.SubmitComplaintRequest.content"), "content");
  EXPECT_EQ(ApiFieldPath("sqms.complaints.v1.ResolveComplaintRequest.root_cause"), "root_cause");
}

TEST(ApiFieldPathTest, NestedMessagesAreNamedByTheirField) {
  EXPECT_EQ(ApiFieldPath("sqms.complaints.v1.Complainant.name"), "complainant.name");
  EXPECT_EQ(ApiFieldPath("sqms.complaints.v1.Location.station"), "location.station");
  EXPECT_EQ(ApiFieldPath("sqms.complaints.v1.LifecycleRequest.note"), "command.note");
  EXPECT_EQ(ApiFieldPath("sqms.events.v1.SurveyAnswered.comment"), "survey_answered.comment");
}

}  // namespace
}  // namespace sqms::runtime
