// Connector/C failures as oltap reports and classifies them: the same
// message form and the same classes as the ODBC path gives a MariaDB error
// (odbc/connection_string.h), so a run's error counts do not depend on the
// driver. Private to the MariaDB driver; no server needed, so unit-testable.
#pragma once

#include <string>
#include <string_view>

#include "engine/engine.h"

namespace oltap::engine::mariadb {

// The class of a failure by its MySQL error number and SQLSTATE: deadlock
// (1213), lock wait time-out (1205) and SQLSTATE 40001 may be retried; a
// lost or killed connection (2006, 2013, 2055, 1927, 1053, 4031, SQLSTATE
// 08xxx) is kConnectionLost; the rest is kFatal.
Status classify(unsigned error_number, std::string_view sqlstate);

// "SQLSTATE 40001: Deadlock found ... (native code 1213)", as ODBC's
// format_diagnostic writes a failure.
std::string diagnostic(unsigned error_number, std::string_view sqlstate, std::string_view message);

}  // namespace oltap::engine::mariadb
