// The MariaDB/MySQL driver on MariaDB Connector/C.
//
// Hot path: a statement is prepared on the server once (mysql_stmt_prepare)
// and executed over the binary protocol. Its parameter and result buffers
// belong to the statement and stay bound between executions; they are bound
// again only when a parameter's type changes or a text buffer has to grow,
// so execute() allocates nothing of ours once the buffers have grown.
// BEGIN/COMMIT/ROLLBACK are plain statements: the session stays in
// autocommit, so statements outside a transaction need no switch. Clients
// that share a thread send one statement at a time without blocking
// (mariadb_nonblocking.h) through the same buffers (mariadb_statement.h).
//
// Threading: one thread uses a connection; cancel() may come from another
// and touches only the target and the thread id, on a session of its own.
#include "mariadb_driver.h"

#include <mysql.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "engine/messages.h"
#include "engine/placeholders.h"
#include "mariadb_bulk.h"
#include "mariadb_connect.h"
#include "mariadb_errors.h"
#include "mariadb_nonblocking.h"
#include "mariadb_statement.h"

namespace oltap::engine::mariadb {
namespace {

class MariaDbConnection final : public Connection {
 public:
  explicit MariaDbConnection(const Target& t) : target_(t), m_(open_session(t)), in_flight_(m_) {
    thread_id_ = mysql_thread_id(m_);
  }

  ~MariaDbConnection() override {
    for (auto& p : stmts_) mysql_stmt_close(p->h);
    mysql_close(m_);
  }

  std::string dialect() const override { return target_.dialect.empty() ? "mysql" : target_.dialect; }
  std::string server_dialect() const override { return "mysql"; }

  int prepare(const std::string& sql, std::vector<std::string>& param_names) override {
    auto p = std::make_unique<Statement>();
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
    Statement& p = *stmts_[id];
    if (Outcome b = bind_params(p, params); b != Outcome::kOk) return fail_outcome(b, p);
    if (mysql_stmt_execute(p.h) != 0) return fail_stmt(p.h);
    if (p.columns.empty()) {
      if (out) count_changed_rows(p, *out);
      return Status::kOk;
    }
    Outcome f = fetch_rows(p, out, keep_rows);
    return f == Outcome::kOk ? Status::kOk : fail_outcome(f, p);
  }

  // Clients sharing a thread: one statement at a time, sent without
  // waiting for its reply (mariadb_nonblocking.h). Rows are read and
  // counted, none kept: a shared thread's transactions are one statement
  // without `into`.
  bool can_share_thread() const noexcept override { return true; }
  int socket() const noexcept override { return mysql_get_socket(m_); }
  Status send(int id, const Value* const* params) noexcept override {
    Statement& p = *stmts_[id];
    if (!in_flight_.idle())
      return fail(Status::kFatal, "a statement is already in flight on this connection");
    if (Outcome b = bind_params(p, params); b != Outcome::kOk) return fail_outcome(b, p);
    in_flight_.start(p);
    return Status::kOk;
  }
  Status flush() noexcept override { return Status::kOk; }  // start() has written it
  bool reply_ready() const noexcept override { return in_flight_.done(); }
  Status read_arrived() noexcept override {
    in_flight_.readable();
    return Status::kOk;
  }
  Status try_receive(ResultBuffer* out, int keep_rows, bool& got) noexcept override {
    (void)keep_rows;
    got = in_flight_.done();
    return got ? take_reply(out) : Status::kOk;
  }
  Status receive(ResultBuffer* out, int keep_rows) noexcept override {
    (void)keep_rows;
    if (in_flight_.idle()) return fail(Status::kFatal, "no statement was sent");
    while (!in_flight_.done()) {
      pollfd pfd{mysql_get_socket(m_), POLLIN, 0};
      if (::poll(&pfd, 1, -1) < 0 && errno != EINTR) return fail(Status::kConnectionLost, "poll failed");
      in_flight_.readable();
    }
    return take_reply(out);
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
  Target target_;
  MYSQL* m_;
  unsigned long thread_id_ = 0;
  std::vector<std::unique_ptr<Statement>> stmts_;
  InFlight in_flight_;  // the statement sent without blocking, if any
  std::string last_error_;
  Failure failure_ = Failure::kOther;

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
    // A row read that the server cut off (max_statement_time, 1969) leaves
    // its error on the session only, the statement's saying 0.
    if (mysql_stmt_errno(h) == 0 && mysql_errno(m_) != 0) {
      Status s = fail_session();
      mysql_stmt_free_result(h);
      return s;
    }
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
  Status fail_outcome(Outcome o, Statement& p) noexcept {
    return o == Outcome::kOutOfMemory ? fail(Status::kFatal, "out of memory for a statement's values or rows")
                                      : fail_stmt(p.h);
  }
  // The reply of the statement in flight, which is done.
  Status take_reply(ResultBuffer* out) noexcept {
    Statement* p = nullptr;
    const Outcome o = in_flight_.take(p, out);
    return o == Outcome::kOk ? Status::kOk : fail_outcome(o, *p);
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
