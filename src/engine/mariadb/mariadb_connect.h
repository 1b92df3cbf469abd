// Opening a Connector/C session for a Target: its ?options (TLS) turned
// into mysql_optionsv calls, and a connect bounded by the target's
// connect_timeout_s whatever the server does. Private to the MariaDB driver.
//
// Why not MYSQL_OPT_CONNECT_TIMEOUT alone: it bounds the TCP connect, not the
// wait for the server's greeting, and a read time-out long enough for that
// would also cut the session's long queries. The connect runs on
// Connector/C's non-blocking API instead, polled against one deadline.
// Threading: any thread; each call works on its own handle.
#pragma once

#include <mysql.h>

#include <string>
#include <vector>

#include "engine/engine.h"

namespace oltap::engine::mariadb {

// The ?options a native MariaDB target takes, for messages and the README.
std::vector<std::string> known_options();

// A connected session to t, autocommit on, utf8mb4, matched (not changed)
// rows as affected counts, like PostgreSQL's. Throws Error(kBadInput) for an
// option it does not know or a bad value, Error(kUnreachable) (connect_failure)
// when the server cannot be reached, refuses the login, or does not answer
// within t.connect_timeout_s. The caller owns the handle (mysql_close).
MYSQL* open_session(const Target& t);

}  // namespace oltap::engine::mariadb
