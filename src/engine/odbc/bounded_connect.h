// SQLDriverConnect within a time-out, whatever the driver does. Drivers
// honour SQL_ATTR_LOGIN_TIMEOUT for some phases only: MariaDB Connector/ODBC
// 3.1 bounds the TCP connect by it but then waits for the server's greeting
// with poll(..., -1), forever, when a server accepts the connection and never
// answers (measured; READ_TIMEOUT= does not reach that read either).
// Private to the ODBC driver.
//
// Threading: the connect runs on a thread of its own. When it has not ended
// in time, that thread is left to finish on its own and then frees the
// handles, which the caller must no longer touch.
#pragma once

#include <sql.h>
#include <sqlext.h>

#include <string>

namespace oltap::engine::odbc {

enum class ConnectOutcome {
  kConnected,  // dbc is connected
  kFailed,     // SQLDriverConnect failed: its diagnostics are on dbc
  kTimedOut,   // no answer in time: env and dbc now belong to the connecting thread
};

// Sets dbc's SQL_ATTR_LOGIN_TIMEOUT to timeout_s, so that drivers which
// honour it give up with their own message, and runs SQLDriverConnect(dbc,
// connection_string) waiting at most timeout_s plus a short grace for it.
ConnectOutcome connect_within(SQLHENV env, SQLHDBC dbc, const std::string& connection_string, int timeout_s);

}  // namespace oltap::engine::odbc
