// Human renderings of SQMS messages for sqmsctl's table output. Pure.
#pragma once

#include <string>
#include <vector>

#include "sqms/complaints/v1/service.pb.h"
#include "sqms/complaints/v1/types.pb.h"
#include "sqms/contact/v1/service.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "tools/sqmsctl/output.h"

namespace sqms::tools {

// "breached", "at risk", "paused", "met" or "ok": the worst state of the
// complaint's SLA deadlines, for one table cell.
std::string SlaSummary(const complaints::v1::SlaClock& sla);

// The earliest due time among the SLA deadlines not yet met, as
// "<time> (<target>)" (FormatTimestamp, display zone); "-" when none is
// pending. For one table cell.
std::string NextDue(const complaints::v1::SlaClock& sla);

// One row per complaint: ID, STATUS, PRI, CATEGORY, CHANNEL, DEPARTMENT,
// ASSIGNEE, STATION, RECEIVED, SLA, NEXT DUE, TITLE (truncated).
Table ComplaintListTable(const std::vector<const complaints::v1::Complaint*>& complaints);

// "key: value" lines for every set field of a complaint, one "due" line per
// SLA deadline (target, due time, state); with its audit trail as a table
// when with_audit and the trail is not empty.
std::string ComplaintDetail(const complaints::v1::Complaint& complaint, bool with_audit);

// Header and row of a submission result (LINE, SEQ, RESULT, ID, CATEGORY,
// PRI, DEPARTMENT, KEY, DETAIL) where LINE is the file line the request came
// from (SEQ counts only the lines sent), RESULT is accepted, replayed,
// duplicate or the error code, KEY the idempotency key sent (to rerun the
// line as the same request) and DETAIL the duplicate_of id or the error
// message, cut to the cell's width.
Table SubmitResultTable();
void AddSubmitResult(const complaints::v1::StreamComplaintsResponse& response, int line,
                     const std::string& key, Table& table);

// Lines for events printed as they arrive: fixed columns, each at least as
// wide as its longest usual value and always followed by two spaces, so
// columns never run together; a longer value shifts only its own line.
std::string WatchHeader();
std::string WatchLine(const events::v1::ComplaintEvent& event);

// One line per contact acknowledgement: sequence, event id, OK or the error.
std::string ContactAckLine(const contact::v1::ContactEventAck& ack);

}  // namespace sqms::tools
