// Classifying and wording Connector/C failures; see mariadb_errors.h.
#include "mariadb_errors.h"

namespace oltap::engine::mariadb {

Status classify(unsigned error_number, std::string_view sqlstate) {
  if (sqlstate == "40001" || error_number == 1213 || error_number == 1205) return Status::kRetryable;
  if (sqlstate.substr(0, 2) == "08") return Status::kConnectionLost;
  // Client: server gone away, lost connection (during a query, extended).
  // Server: connection killed, shutting down, idle session closed (MySQL 8).
  switch (error_number) {
    case 2006:
    case 2013:
    case 2055:
    case 1927:
    case 1053:
    case 4031:
      return Status::kConnectionLost;
    default:
      return Status::kFatal;
  }
}

std::string diagnostic(unsigned error_number, std::string_view sqlstate, std::string_view message) {
  while (!message.empty() && (message.back() == ' ' || message.back() == '\n')) message.remove_suffix(1);
  return "SQLSTATE " + std::string(sqlstate) + ": " + std::string(message) + " (native code " +
         std::to_string(error_number) + ")";
}

}  // namespace oltap::engine::mariadb
