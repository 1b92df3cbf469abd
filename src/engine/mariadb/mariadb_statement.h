// A server-side prepared statement's buffers on MariaDB Connector/C: the
// parameter and result buffers its MYSQL_BINDs point into, kept between
// executions, and the reading of its rows into a ResultBuffer. The blocking
// path (execute) and the non-blocking one (send/read_arrived, clients that
// share a thread) both go through these, so the two read values alike.
// Private to the MariaDB driver.
//
// Threading: a statement belongs to its connection's one thread.
#pragma once

#include <mysql.h>

#include <vector>

#include "engine/engine.h"

namespace oltap::engine::mariadb {

// A parameter's buffers, which the bound MYSQL_BIND points into.
struct Param {
  int64_t i = 0;
  double d = 0;
  std::vector<char> text;
  unsigned long length = 0;
  my_bool is_null = 0;
  bool bound = false;  // the bind describes these buffers
};

// A result column's buffers, likewise.
struct Column {
  enum_field_types type = MYSQL_TYPE_NULL;
  int64_t i = 0;
  double d = 0;
  std::vector<char> text;
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool error = 0;  // truncated: text is too small for this value
};

struct Statement {
  MYSQL_STMT* h = nullptr;
  std::vector<Param> params;
  std::vector<MYSQL_BIND> param_binds;
  std::vector<Column> columns;  // empty: the statement returns no rows
  std::vector<MYSQL_BIND> result_binds;
  bool bound = false;  // param_binds were handed to the statement
};

enum class Outcome { kOk, kStatementFailed, kOutOfMemory };

// Writes params (as many as the statement has) into its buffers and binds
// them again when a type changed or a text buffer moved. kStatementFailed:
// the bind failed (mysql_stmt_error says why).
Outcome bind_params(Statement& p, const Value* const* params) noexcept;

// Binds each result column to its buffers: integers as 64-bit, floats as
// doubles, everything else (decimals included, read exactly) as text.
void bind_results(Statement& p);

// Reads every row of the executed statement's result (fetched from the
// server as it goes, or from a stored result), keeps up to keep_rows of them
// in out (may be null), and frees the result.
Outcome fetch_rows(Statement& p, ResultBuffer* out, int keep_rows) noexcept;

// The counts of the executed statement p, which returns no rows, in out:
// no rows or columns, and the rows it changed (0 when the server says none).
void count_changed_rows(Statement& p, ResultBuffer& out) noexcept;

// Text read into v, as the ODBC path reads a MariaDB column: integers and
// decimals as numbers, the rest as text. May throw std::bad_alloc.
void set_from_text(Value& v, enum_field_types type, const char* s, size_t n);

}  // namespace oltap::engine::mariadb
