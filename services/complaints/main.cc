// sqms-complaints: complaint intake and lifecycle, contact-event gateway.
// Parses and validates the configuration, starts the server, drains it on
// SIGTERM/SIGINT (runtime/service_main.h).

#include "services/complaints/complaints_server.h"
#include "services/complaints/config/service_config.h"
#include "sqms/runtime/service_main.h"

int main(int argc, char** argv) {
  namespace c = sqms::complaints;
  return sqms::runtime::ServiceMain<c::config::ServiceConfig, c::ComplaintsServer>(
      argc, argv, "sqms-complaints",
      "sqms-complaints: complaint intake and lifecycle, contact-event gateway",
      c::config::AddFlags, c::config::Validate);
}
