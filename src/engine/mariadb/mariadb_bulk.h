// Bulk load for the native MariaDB driver: rows streamed from memory with
// LOAD DATA LOCAL INFILE, Connector/C's local-infile callbacks serving the
// text of the rows (no file is read); multi-row INSERT text instead when the
// server's local_infile is off (MySQL 8's default).
// Private to the MariaDB driver. Threading: one session, one thread.
#pragma once

#include <mysql.h>

#include <functional>

#include "engine/engine.h"

namespace oltap::engine::mariadb {

// Installs on a new session the local-infile handler that serves only what
// bulk_load hands it: a server asking for a file at any other time gets an
// error, so enabling LOCAL INFILE never lets a server read the client's files.
void guard_local_infile(MYSQL* m) noexcept;

// Loads spec's rows on session m. Throws Error(kFatal) with the server's
// message when the server refuses a row (a duplicate key: LOCAL turns such
// errors into warnings, so a load that stored fewer rows than it sent, or
// warned, fails with the first warning).
void bulk_load(MYSQL* m, const Target& target, const BulkSpec& spec,
               const std::function<bool(RowBatch&)>& next);

}  // namespace oltap::engine::mariadb
