// One prepared statement in flight without blocking, on Connector/C's
// non-blocking API (mysql_stmt_execute_start/_cont, then
// mysql_stmt_store_result_start/_cont for a statement that returns rows):
// what lets many MariaDB clients share one thread (`run --threads`), as
// the Redis clients do. The caller polls the session's socket for reading
// and calls readable() when it is; a wait to write (a statement larger
// than the socket's buffer) is waited out here, since the clients' loop
// polls for reading only. Connector/C reads as soon as it has written, so a
// reply may be complete when start() returns: look at done() before
// polling. Private to the MariaDB driver.
//
// Threading: the connection's one thread.
#pragma once

#include <mysql.h>

#include "mariadb_statement.h"

namespace oltap::engine::mariadb {

class InFlight {
 public:
  explicit InFlight(MYSQL* session) : session_(session) {}

  // Starts executing p, whose parameters are bound.
  void start(Statement& p) noexcept;
  // Goes on with what the socket has brought; nothing when no reply is awaited.
  void readable() noexcept;
  // The reply is in (or the statement failed): take() has it.
  bool done() const noexcept { return phase_ == Phase::kDone; }
  bool idle() const noexcept { return phase_ == Phase::kIdle; }
  // The finished statement and how it ended, its counts in out (may be
  // null; rows, columns and affected as a blocking execute gives them; no
  // rows kept) when it ended well; the call is idle again after.
  // kStatementFailed: mysql_stmt_error of the statement says why.
  Outcome take(Statement*& statement, ResultBuffer* out) noexcept;

 private:
  enum class Phase { kIdle, kExecute, kStore, kDone };
  // Carries on from a call of the current phase that returned wait_ (and
  // ret, when wait_ is 0) until a read must be waited for or it is done.
  void advance(int ret) noexcept;
  void finish(Outcome o) noexcept;

  MYSQL* session_;
  Statement* p_ = nullptr;
  Phase phase_ = Phase::kIdle;
  int wait_ = 0;  // MYSQL_WAIT_* the current call waits for; 0: it returned
  Outcome outcome_ = Outcome::kOk;
  ResultBuffer counted_;  // the reply's counts; no rows are kept
};

}  // namespace oltap::engine::mariadb
