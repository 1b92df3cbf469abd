// Classifying a failure by the engines' native codes (see engine.h): no
// allocation, since it runs on the per-transaction path when one fails.
#include "engine/engine.h"

namespace oltap::engine {

const char* failure_name(Failure f) noexcept {
  switch (f) {
    case Failure::kConnection:
      return "connection";
    case Failure::kSerialization:
      return "serialization";
    case Failure::kDeadlock:
      return "deadlock";
    case Failure::kConstraint:
      return "constraint";
    case Failure::kTimeout:
      return "timeout";
    case Failure::kOther:
      break;
  }
  return "other";
}

Failure failure_of_sqlstate(std::string_view state) noexcept {
  if (state == "40001") return Failure::kSerialization;
  if (state == "40P01") return Failure::kDeadlock;
  if (state.substr(0, 2) == "23") return Failure::kConstraint;
  // query_canceled (statement_timeout), lock_not_available (lock_timeout);
  // ODBC's time-out expired and connection time-out expired.
  if (state == "57014" || state == "55P03" || state == "HYT00" || state == "HYT01") return Failure::kTimeout;
  if (state.substr(0, 2) == "08" || state == "57P01" || state == "57P02" || state == "57P03")
    return Failure::kConnection;
  return Failure::kOther;
}

Failure failure_of_mysql(long error_number, std::string_view sqlstate) noexcept {
  switch (error_number) {
    case 1213:  // ER_LOCK_DEADLOCK
      return Failure::kDeadlock;
    case 1205:  // ER_LOCK_WAIT_TIMEOUT
    case 1969:  // ER_STATEMENT_TIMEOUT (MariaDB max_statement_time)
    case 3024:  // ER_QUERY_TIMEOUT (MySQL max_execution_time)
      return Failure::kTimeout;
    case 1062:  // ER_DUP_ENTRY
    case 1451:  // ER_ROW_IS_REFERENCED_2
    case 1452:  // ER_NO_REFERENCED_ROW_2
    case 1048:  // ER_BAD_NULL_ERROR
    case 4025:  // ER_CONSTRAINT_FAILED (a CHECK)
      return Failure::kConstraint;
    case 2006:  // CR_SERVER_GONE_ERROR
    case 2013:  // CR_SERVER_LOST
    case 2055:  // CR_SERVER_LOST_EXTENDED
    case 1927:  // ER_CONNECTION_KILLED
    case 1053:  // ER_SERVER_SHUTDOWN
    case 4031:  // ER_CLIENT_INTERACTION_TIMEOUT
      return Failure::kConnection;
    default:
      break;
  }
  // A MySQL error's SQLSTATE says little past these (1213 is 40001 too, so
  // the numbers come first).
  return failure_of_sqlstate(sqlstate);
}

}  // namespace oltap::engine
