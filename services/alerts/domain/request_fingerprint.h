#pragma once
// Canonical encodings of the alerts service's commands, for request id
// checks (docs/alerts.md, "Request ids"). A request id names ONE command: a
// retry must resend the same command, and the same id with another command
// is refused. The app binds each request id to a hash of one of these
// encodings before the command is applied (app/request_ids.h).
//
// An encoding is what the command asks for — its kind, its target, who
// asks, and its payload — each field as "<name>=<length>:<bytes>;", so no
// two different commands encode alike. Left out: the request id itself (it
// is what the encoding is bound to) and anything the service fills in as
// it runs (the time it saw the command, ids it derives, starts_at "now" of
// a silence that gave none). Pure functions; thread-safe.

#include <string>
#include <string_view>

#include "services/alerts/domain/alert.h"
#include "services/alerts/domain/labels.h"
#include "services/alerts/domain/silence.h"

namespace sqms::alerts::domain {

// A command on one incident: `kind` ("acknowledge", "mitigate", "resolve",
// "close", "complete_step", "add_note"), the incident id, the actor and the
// kind's payload (comment, review, step number or note text).
std::string CanonicalIncidentCommand(std::string_view kind, const std::string& incident_id,
                                     const std::string& actor, const std::string& payload);

// StartDrill: the plan, the drill alert's labels and the actor.
std::string CanonicalDrill(const std::string& plan_id, const Labels& labels,
                           const std::string& actor);

// CreateSilence: the silence as requested (matchers, starts_at — "" when
// left to the service —, ends_at, comment, recurrence) and the actor; not
// its id or created_by, which the service sets.
std::string CanonicalSilence(const Silence& silence, const std::string& actor);

// RaiseAlert: the alert's labels, annotations, status and drill flag, and
// the actor; not its id (made of the request id) or its time.
std::string CanonicalRaise(const Alert& alert, const std::string& actor);

}  // namespace sqms::alerts::domain
