// domain::NextDue, the order of ListComplaints' order_by "next_due": the
// earliest deadline not yet met — a breached one too (it is overdue) — and
// none once every deadline is met or the complaint is closed.
#include <gtest/gtest.h>

#include "services/complaints/domain/model.h"

namespace sqms::complaints::domain {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'780'000'000);

SlaDeadline Deadline(SlaTarget target, absl::Time due) {
  SlaDeadline d;
  d.target = target;
  d.due = due;
  return d;
}

TEST(ComplaintNextDueTest, TheEarliestDeadlineNotYetMet) {
  Complaint c;
  c.status = Status::kInProgress;
  c.sla.deadlines = {Deadline(SlaTarget::kResolution, kT0 + absl::Hours(8)),
                     Deadline(SlaTarget::kFirstResponse, kT0 + absl::Hours(1))};
  EXPECT_EQ(NextDue(c), kT0 + absl::Hours(1));
  c.sla.deadlines[1].met_at = kT0;
  EXPECT_EQ(NextDue(c), kT0 + absl::Hours(8));
}

TEST(ComplaintNextDueTest, ABreachedDeadlineIsStillDueAndComesFirst) {
  Complaint c;
  c.status = Status::kAssigned;
  c.sla.deadlines = {Deadline(SlaTarget::kFirstResponse, kT0 - absl::Hours(2)),
                     Deadline(SlaTarget::kResolution, kT0 + absl::Hours(8))};
  c.sla.deadlines[0].breached = true;
  EXPECT_EQ(NextDue(c), kT0 - absl::Hours(2));
}

TEST(ComplaintNextDueTest, NoneWhenEveryDeadlineIsMetOrTheComplaintIsClosed) {
  Complaint c;
  c.status = Status::kResolved;
  EXPECT_EQ(NextDue(c), std::nullopt) << "no deadlines";
  c.sla.deadlines = {Deadline(SlaTarget::kFirstResponse, kT0)};
  c.sla.deadlines[0].met_at = kT0;
  EXPECT_EQ(NextDue(c), std::nullopt);
  c.sla.deadlines.push_back(Deadline(SlaTarget::kFollowUp, kT0 + absl::Hours(24)));
  c.status = Status::kClosed;
  EXPECT_EQ(NextDue(c), std::nullopt);
}

}  // namespace
}  // namespace sqms::complaints::domain
