// The MariaDB/MySQL driver on MariaDB Connector/C.
//
// Hot path: a statement is prepared on the server once (mysql_stmt_prepare)
// and executed over the binary protocol. Its parameter and result buffers
// belong to the statement and stay bound between executions; they are bound
// again only when a parameter's type changes or a text buffer has to grow,
// so execute() allocates nothing of ours once the buffers have grown.
// BEGIN/COMMIT/ROLLBACK are plain statements: the session stays in
// autocommit, so statements outside a transaction need no switch.
//
// Threading: one thread uses a connection; cancel() may come from another
// and touches only the target and the thread id, on a session of its own.
#include "mariadb_driver.h"

#include <mysql.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "engine/messages.h"
#include "engine/placeholders.h"
#include "mariadb_bulk.h"
#include "mariadb_connect.h"
#include "mariadb_errors.h"

namespace oltap::engine::mariadb {
namespace {

// First size of a text result column's buffer; it grows to the longest value.
constexpr unsigned long kTextChunk = 256;
// First size of a text parameter's buffer.
constexpr size_t kMinParamText = 64;

bool is_integer_type(enum_field_types t) {
  return t == MYSQL_TYPE_TINY || t == MYSQL_TYPE_SHORT || t == MYSQL_TYPE_LONG || t == MYSQL_TYPE_INT24 ||
         t == MYSQL_TYPE_LONGLONG || t == MYSQL_TYPE_YEAR;
}
bool is_floating_type(enum_field_types t) { return t == MYSQL_TYPE_FLOAT || t == MYSQL_TYPE_DOUBLE; }
bool is_decimal_type(enum_field_types t) { return t == MYSQL_TYPE_DECIMAL || t == MYSQL_TYPE_NEWDECIMAL; }

// Text read into v, as the ODBC path reads a MariaDB column: integers and
// decimals as numbers, the rest as text.
void set_from_text(Value& v, enum_field_types type, const char* s, size_t n) {
  if (is_integer_type(type)) {
    v.kind = Value::Kind::kInt;
    v.i = 0;
    std::from_chars(s, s + n, v.i);
  } else if (is_floating_type(type) || is_decimal_type(type)) {
    v.kind = Value::Kind::kDouble;
    v.d = 0;
    std::from_chars(s, s + n, v.d);
  } else {
    v.kind = Value::Kind::kText;
    v.s.assign(s, n);
  }
}

class MariaDbConnection final : public Connection {
 public:
  explicit MariaDbConnection(const Target& t) : target_(t), m_(open_session(t)) {
    thread_id_ = mysql_thread_id(m_);
  }

  ~MariaDbConnection() override {
    for (auto& p : stmts_) mysql_stmt_close(p->h);
    mysql_close(m_);
  }

  std::string dialect() const override { return target_.dialect.empty() ? "mysql" : target_.dialect; }
  std::string server_dialect() const override { return "mysql"; }

  int prepare(const std::string& sql, std::vector<std::string>& param_names) override {
    auto p = std::make_unique<Prepared>();
    std::string native = translate_placeholders(sql, PlaceholderStyle::kQuestion, param_names);
    p->h = mysql_stmt_init(m_);
    if (!p->h) throw Error(ErrorClass::kFatal, target_.redacted() + ": " + session_message());
    if (mysql_stmt_prepare(p->h, native.data(), native.size()) != 0) {
      std::string why = stmt_message(p->h);
      mysql_stmt_close(p->h);
      throw Error(ErrorClass::kBadInput,
                  "cannot prepare on " + target_.redacted() + ": " + why + " [statement: " + sql + "]");
    }
    const size_t nparams = mysql_stmt_param_count(p->h);
    if (nparams != param_names.size()) {
      mysql_stmt_close(p->h);
      throw Error(ErrorClass::kBadInput, "cannot prepare on " + target_.redacted() + ": the server counts " +
                                             std::to_string(nparams) + " parameters, the statement names " +
                                             std::to_string(param_names.size()) + " [statement: " + sql +
                                             "]");
    }
    p->params.resize(nparams);
    p->param_binds.resize(nparams);
    if (MYSQL_RES* meta = mysql_stmt_result_metadata(p->h)) {
      const unsigned n = mysql_num_fields(meta);
      const MYSQL_FIELD* fields = mysql_fetch_fields(meta);
      p->columns.resize(n);
      p->result_binds.resize(n);
      for (unsigned c = 0; c < n; ++c) p->columns[c].type = fields[c].type;
      mysql_free_result(meta);
      bind_results(*p);
      if (mysql_stmt_bind_result(p->h, p->result_binds.data()) != 0) {
        std::string why = stmt_message(p->h);
        mysql_stmt_close(p->h);
        throw Error(ErrorClass::kFatal, target_.redacted() + ": " + why + " [statement: " + sql + "]");
      }
    }
    stmts_.push_back(std::move(p));
    return static_cast<int>(stmts_.size() - 1);
  }

  Status execute(int id, const Value* const* params, ResultBuffer* out, int keep_rows) noexcept override {
    Prepared& p = *stmts_[id];
    bool rebind = !p.bound;
    for (size_t i = 0; i < p.params.size(); ++i)
      if (!set_param(p.params[i], p.param_binds[i], *params[i], rebind))
        return fail(Status::kFatal, "out of memory");
    if (rebind && !p.params.empty()) {
      if (mysql_stmt_bind_param(p.h, p.param_binds.data()) != 0) return fail_stmt(p.h);
    }
    p.bound = true;
    if (mysql_stmt_execute(p.h) != 0) return fail_stmt(p.h);
    if (p.columns.empty()) {
      if (out) {
        out->rows = 0;
        out->columns = 0;
        my_ulonglong n = mysql_stmt_affected_rows(p.h);
        out->affected = n == static_cast<my_ulonglong>(-1) ? 0 : static_cast<int64_t>(n);
      }
      return Status::kOk;
    }
    return fetch(p, out, keep_rows);
  }

  // The text protocol, as the mysql client sends a query: no prepare round
  // trip, and any statement (CREATE VIEW) goes. Rows are read as they come
  // (mysql_use_result), every one of them: a query's time includes its result.
  Status execute_text(const std::string& sql, ResultBuffer* out, int keep_rows) noexcept override {
    if (mysql_real_query(m_, sql.data(), sql.size()) != 0) return fail_session();
    Status s = Status::kOk;
    bool first = true;
    for (;;) {
      MYSQL_RES* res = mysql_use_result(m_);
      if (res) {
        Status r = read_text_rows(res, first ? out : nullptr, keep_rows);
        mysql_free_result(res);
        if (r != Status::kOk && s == Status::kOk) s = r;
      } else if (mysql_field_count(m_) != 0) {
        return fail_session();
      } else if (first && out) {
        out->rows = 0;
        out->columns = 0;
        my_ulonglong n = mysql_affected_rows(m_);
        out->affected = n == static_cast<my_ulonglong>(-1) ? 0 : static_cast<int64_t>(n);
      }
      first = false;
      int more = mysql_next_result(m_);
      if (more > 0) return fail_session();
      if (more < 0) break;
    }
    return s;
  }

  // KILL QUERY from a session of our own: the server stops the statement
  // (1317, query execution was interrupted) and this session lives on.
  bool cancel() noexcept override {
    try {
      MYSQL* k = open_session(target_);
      std::string sql = "KILL QUERY " + std::to_string(thread_id_);
      bool ok = mysql_real_query(k, sql.data(), sql.size()) == 0;
      mysql_close(k);
      return ok;
    } catch (...) {
      return false;
    }
  }

  Status begin() noexcept override { return simple("BEGIN"); }
  Status commit() noexcept override { return simple("COMMIT"); }
  Status rollback() noexcept override { return simple("ROLLBACK"); }
  const std::string& last_error() const noexcept override { return last_error_; }
  Failure last_failure() const noexcept override { return failure_; }

  void run(const std::string& sql) override {
    if (mysql_real_query(m_, sql.data(), sql.size()) != 0) throw_session(sql);
    drain(sql, false);
  }

  // Seconds, fractional (to the microsecond); MySQL has max_execution_time
  // (SELECTs only, ms) instead, and refuses this: named as a bad input.
  void set_statement_timeout(double seconds) override {
    char text[64];
    std::snprintf(text, sizeof text, "SET SESSION max_statement_time = %.6f", seconds);
    try {
      run(text);
    } catch (const Error& e) {
      throw Error(ErrorClass::kBadInput, e.what());
    }
  }

  std::string query_value(const std::string& sql) override {
    if (mysql_real_query(m_, sql.data(), sql.size()) != 0) throw_session(sql);
    std::string value;
    MYSQL_RES* res = mysql_store_result(m_);
    if (!res && mysql_field_count(m_) != 0) throw_session(sql);
    if (res) {
      MYSQL_ROW row = mysql_fetch_row(res);
      if (row && mysql_num_fields(res) > 0 && row[0]) value.assign(row[0], mysql_fetch_lengths(res)[0]);
      mysql_free_result(res);
    }
    drain(sql, true);
    return value;
  }

  void bulk_load(const BulkSpec& spec, const std::function<bool(RowBatch&)>& next) override {
    mariadb::bulk_load(m_, target_, spec, next);
  }

  // "MariaDB 10.11.19-MariaDB-0+deb12u1" or "MySQL 8.0.36": the name as
  // ODBC's SQL_DBMS_NAME gives it, and the server's own version text.
  std::string server_version() override {
    std::string version = mysql_get_server_info(m_);
    return (to_lower(version).find("mariadb") != std::string::npos ? "MariaDB " : "MySQL ") + version;
  }

 private:
  // A parameter's buffers, which the bound MYSQL_BIND points into.
  struct Param {
    int64_t i = 0;
    double d = 0;
    std::vector<char> text;
    unsigned long length = 0;
    my_bool is_null = 0;
    bool bound = false;  // b describes these buffers
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
  struct Prepared {
    MYSQL_STMT* h = nullptr;
    std::vector<Param> params;
    std::vector<MYSQL_BIND> param_binds;
    std::vector<Column> columns;
    std::vector<MYSQL_BIND> result_binds;
    bool bound = false;  // param_binds were handed to the statement
  };

  Target target_;
  MYSQL* m_;
  unsigned long thread_id_ = 0;
  std::vector<std::unique_ptr<Prepared>> stmts_;
  std::string last_error_;
  Failure failure_ = Failure::kOther;

  // Writes v into param's buffers; sets rebind when the bind must change
  // (its type, or a text buffer that moved). False: out of memory.
  static bool set_param(Param& param, MYSQL_BIND& b, const Value& v, bool& rebind) noexcept {
    enum_field_types want;
    switch (v.kind) {
      case Value::Kind::kInt:
        param.i = v.i;
        param.is_null = 0;
        want = MYSQL_TYPE_LONGLONG;
        break;
      case Value::Kind::kDouble:
        param.d = v.d;
        param.is_null = 0;
        want = MYSQL_TYPE_DOUBLE;
        break;
      case Value::Kind::kText:
        want = MYSQL_TYPE_STRING;
        if (param.text.size() < v.s.size() + 1) {
          try {
            param.text.resize(std::max(kMinParamText, v.s.size() * 2));
          } catch (...) {
            return false;
          }
          rebind = true;  // the buffer moved
        }
        std::memcpy(param.text.data(), v.s.data(), v.s.size());
        param.length = static_cast<unsigned long>(v.s.size());
        param.is_null = 0;
        break;
      case Value::Kind::kNull:
      default:
        param.is_null = 1;
        if (param.bound) return true;  // NULL fits whatever is bound
        want = MYSQL_TYPE_NULL;
        break;
    }
    if (param.bound && b.buffer_type == want && !rebind) return true;
    rebind = true;
    param.bound = true;
    std::memset(&b, 0, sizeof b);
    b.buffer_type = want;
    b.is_null = &param.is_null;
    if (want == MYSQL_TYPE_LONGLONG) {
      b.buffer = &param.i;
    } else if (want == MYSQL_TYPE_DOUBLE) {
      b.buffer = &param.d;
    } else if (want == MYSQL_TYPE_STRING) {
      b.buffer = param.text.data();
      b.buffer_length = static_cast<unsigned long>(param.text.size());
      b.length = &param.length;
    }
    return true;
  }

  // Binds each result column to its buffers: integers as 64-bit, floats as
  // doubles, everything else (decimals included, read exactly) as text.
  static void bind_results(Prepared& p) {
    for (size_t c = 0; c < p.columns.size(); ++c) {
      Column& col = p.columns[c];
      MYSQL_BIND& b = p.result_binds[c];
      std::memset(&b, 0, sizeof b);
      b.is_null = &col.is_null;
      b.length = &col.length;
      b.error = &col.error;
      if (is_integer_type(col.type)) {
        b.buffer_type = MYSQL_TYPE_LONGLONG;
        b.buffer = &col.i;
      } else if (is_floating_type(col.type)) {
        b.buffer_type = MYSQL_TYPE_DOUBLE;
        b.buffer = &col.d;
      } else {
        if (col.text.empty()) col.text.resize(kTextChunk);
        b.buffer_type = MYSQL_TYPE_STRING;
        b.buffer = col.text.data();
        b.buffer_length = static_cast<unsigned long>(col.text.size());
      }
    }
  }

  // Reads every row of p's result, keeping up to keep_rows in out.
  Status fetch(Prepared& p, ResultBuffer* out, int keep_rows) noexcept {
    const size_t ncols = p.columns.size();
    int rows = 0;
    for (;;) {
      int rc = mysql_stmt_fetch(p.h);
      if (rc == MYSQL_NO_DATA) break;
      if (rc == 1) return fail_stmt(p.h);
      if (rc == MYSQL_DATA_TRUNCATED && !refetch_truncated(p)) {
        mysql_stmt_free_result(p.h);
        return fail(Status::kFatal, "out of memory reading a row");
      }
      if (out && rows < keep_rows) {
        size_t need = (static_cast<size_t>(rows) + 1) * ncols;
        if (out->cells.size() < need) {
          try {
            out->cells.resize(need);
          } catch (...) {
            mysql_stmt_free_result(p.h);
            return fail(Status::kFatal, "out of memory reading the rows of a statement");
          }
        }
        for (size_t c = 0; c < ncols; ++c) {
          Value& v = out->cells[static_cast<size_t>(rows) * ncols + c];
          const Column& col = p.columns[c];
          const MYSQL_BIND& b = p.result_binds[c];
          if (col.is_null) {
            v.set_null();
          } else if (b.buffer_type == MYSQL_TYPE_LONGLONG) {
            v.set_int(col.i);
          } else if (b.buffer_type == MYSQL_TYPE_DOUBLE) {
            v.set_double(col.d);
          } else {
            try {
              set_from_text(v, col.type, col.text.data(), col.length);
            } catch (...) {
              mysql_stmt_free_result(p.h);
              return fail(Status::kFatal, "out of memory reading the rows of a statement");
            }
          }
        }
      }
      ++rows;
    }
    mysql_stmt_free_result(p.h);
    if (out) {
      out->rows = rows;
      out->columns = static_cast<int>(ncols);
      out->affected = rows;  // as PostgreSQL's command tag counts a SELECT's rows
    }
    return Status::kOk;
  }

  // A row had text longer than its column's buffer: grows the buffer, reads
  // the column again into it, and binds the grown buffers for the next rows.
  bool refetch_truncated(Prepared& p) noexcept {
    bool grown = false;
    for (size_t c = 0; c < p.columns.size(); ++c) {
      Column& col = p.columns[c];
      MYSQL_BIND& b = p.result_binds[c];
      if (!col.error || b.buffer_type != MYSQL_TYPE_STRING) continue;
      try {
        col.text.resize(std::max<size_t>(col.length + 1, col.text.size() * 2));
      } catch (...) {
        return false;
      }
      b.buffer = col.text.data();
      b.buffer_length = static_cast<unsigned long>(col.text.size());
      if (mysql_stmt_fetch_column(p.h, &b, static_cast<unsigned>(c), 0) != 0) return false;
      col.error = 0;
      grown = true;
    }
    return !grown || mysql_stmt_bind_result(p.h, p.result_binds.data()) == 0;
  }

  // Reads the rows of a text-protocol result; out (may be null) keeps up
  // to keep_rows of them.
  Status read_text_rows(MYSQL_RES* res, ResultBuffer* out, int keep_rows) noexcept {
    const unsigned ncols = mysql_num_fields(res);
    const MYSQL_FIELD* fields = mysql_fetch_fields(res);
    int rows = 0;
    while (MYSQL_ROW row = mysql_fetch_row(res)) {
      if (out && rows < keep_rows) {
        const unsigned long* lengths = mysql_fetch_lengths(res);
        size_t need = (static_cast<size_t>(rows) + 1) * ncols;
        try {
          if (out->cells.size() < need) out->cells.resize(need);
          for (unsigned c = 0; c < ncols; ++c) {
            Value& v = out->cells[static_cast<size_t>(rows) * ncols + c];
            if (!row[c])
              v.set_null();
            else
              set_from_text(v, fields[c].type, row[c], lengths[c]);
          }
        } catch (...) {
          return fail(Status::kFatal, "out of memory reading the rows of a query");
        }
      }
      ++rows;
    }
    if (mysql_errno(m_) != 0) return fail_session();  // the result broke off (killed, connection lost)
    if (out) {
      out->rows = rows;
      out->columns = static_cast<int>(ncols);
      out->affected = rows;
    }
    return Status::kOk;
  }

  // Reads and frees what a statement run with mysql_real_query returned;
  // taken: its first result was read already.
  void drain(const std::string& sql, bool taken) {
    for (;;) {
      if (!taken) {
        if (MYSQL_RES* res = mysql_store_result(m_))
          mysql_free_result(res);
        else if (mysql_field_count(m_) != 0)
          throw_session(sql);
      }
      taken = false;
      int more = mysql_next_result(m_);
      if (more > 0) throw_session(sql);
      if (more < 0) return;
    }
  }

  Status simple(const char* sql) noexcept {
    return mysql_real_query(m_, sql, std::strlen(sql)) == 0 ? Status::kOk : fail_session();
  }

  std::string session_message() {
    return scrub(diagnostic(mysql_errno(m_), mysql_sqlstate(m_), mysql_error(m_)), target_.password);
  }
  std::string stmt_message(MYSQL_STMT* h) {
    return scrub(diagnostic(mysql_stmt_errno(h), mysql_stmt_sqlstate(h), mysql_stmt_error(h)),
                 target_.password);
  }

  [[noreturn]] void throw_session(const std::string& sql) {
    std::string why = session_message();
    std::string shown = sql.size() > 200 ? sql.substr(0, 200) + "…" : sql;
    throw Error(ErrorClass::kFatal, target_.redacted() + ": " + why + " [statement: " + shown + "]");
  }

  // Keeps the message of a failure: built only when one happens.
  Status fail(Status s, const char* what) noexcept {
    failure_ = s == Status::kConnectionLost ? Failure::kConnection : Failure::kOther;
    try {
      last_error_ = what;
    } catch (...) {
    }
    return s;
  }
  Status fail_session() noexcept {
    Status s = classify(mysql_errno(m_), mysql_sqlstate(m_));
    failure_ = s == Status::kConnectionLost ? Failure::kConnection
                                            : failure_of_mysql(mysql_errno(m_), mysql_sqlstate(m_));
    try {
      last_error_ = session_message();
    } catch (...) {
    }
    return s;
  }
  Status fail_stmt(MYSQL_STMT* h) noexcept {
    Status s = classify(mysql_stmt_errno(h), mysql_stmt_sqlstate(h));
    failure_ = s == Status::kConnectionLost ? Failure::kConnection
                                            : failure_of_mysql(mysql_stmt_errno(h), mysql_stmt_sqlstate(h));
    try {
      last_error_ = stmt_message(h);
    } catch (...) {
    }
    mysql_stmt_free_result(h);
    return s;
  }
};

// Connector/C's global state, set up once before any thread opens a session.
void init_library() {
  static const bool ok = mysql_library_init(0, nullptr, nullptr) == 0;
  if (!ok) throw Error(ErrorClass::kFatal, "MariaDB Connector/C failed to initialise");
}

}  // namespace

std::unique_ptr<Connection> connect(const Target& target) {
  init_library();
  return std::make_unique<MariaDbConnection>(target);
}

}  // namespace oltap::engine::mariadb
