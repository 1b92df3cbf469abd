// The ODBC driver, on unixODBC: MySQL/MariaDB (mysql://...?driver=odbc),
// Redshift (redshift://) and anything with an ODBC driver (odbc://DSN,
// odbc:<connection string>). Each connection owns its environment handle:
// unixODBC serialises calls per environment for drivers that do not declare
// themselves thread-safe (psqlODBC), and clients must not wait on each other.
//
// Hot path: a statement is prepared once (SQLPrepare); execute() writes the
// parameters into buffers the statement owns and that stay bound between
// calls (SQLBindParameter is called again only when a parameter's type or
// buffer changes), so it allocates nothing of ours once the buffers have
// grown. Transactions switch autocommit off and end with SQLEndTran; see
// begin() for why autocommit comes back lazily.
#include "odbc_driver.h"

#include <sql.h>
#include <sqlext.h>

#include <chrono>
#include <cmath>
#include <cstring>

#include "bounded_connect.h"
#include "connection_string.h"
#include "engine/messages.h"
#include "engine/placeholders.h"
#include "engine/redshift_ddl.h"

namespace oltap::engine::odbc {
namespace {

// Diagnostic records kept per failure (drivers may stack several).
constexpr int kMaxDiagRecords = 3;
// First size of a statement's buffer for reading text columns; it grows to
// the longest value read.
constexpr size_t kTextChunk = 256;
// First size of a text parameter's buffer.
constexpr size_t kMinParamText = 64;
// Bulk load, parameter arrays: rows per SQLExecute.
constexpr size_t kArrayRows = 1000;
// Bulk load, multi-row INSERT: rows, and bytes of SQL, per statement at most.
constexpr size_t kValuesRows = 1000;
constexpr size_t kValuesBytes = 1 << 20;

std::string text_of(const SQLCHAR* s) { return reinterpret_cast<const char*>(s); }

// A failure as ODBC reports it: the first record's SQLSTATE and native code,
// and the message of every record.
struct Diagnostic {
  std::string sqlstate;
  long native = 0;
  std::string message;
};

Diagnostic read_diagnostic(SQLSMALLINT type, SQLHANDLE h) {
  Diagnostic d;
  for (SQLSMALLINT rec = 1; rec <= kMaxDiagRecords; ++rec) {
    SQLCHAR state[SQL_SQLSTATE_SIZE + 1] = {};
    SQLINTEGER native = 0;
    SQLCHAR text[SQL_MAX_MESSAGE_LENGTH + 1] = {};
    SQLSMALLINT len = 0;
    SQLRETURN rc = SQLGetDiagRec(type, h, rec, state, &native, text, sizeof text, &len);
    if (!SQL_SUCCEEDED(rc)) break;
    std::string one = format_diagnostic(text_of(state), text_of(text), native);
    if (rec == 1) {
      d.sqlstate = text_of(state);
      d.native = native;
      d.message = one;
    } else if (one != d.message) {
      d.message += "; " + one;
    }
  }
  if (d.message.empty()) d.message = "the ODBC driver failed without a diagnostic record";
  return d;
}

std::vector<std::string> installed_drivers(SQLHENV env) {
  std::vector<std::string> out;
  SQLCHAR name[256], attrs[1024];
  SQLSMALLINT name_len = 0, attrs_len = 0;
  for (SQLUSMALLINT dir = SQL_FETCH_FIRST;; dir = SQL_FETCH_NEXT) {
    SQLRETURN rc = SQLDrivers(env, dir, name, sizeof name, &name_len, attrs, sizeof attrs, &attrs_len);
    if (!SQL_SUCCEEDED(rc)) break;
    out.push_back(text_of(name));
  }
  return out;
}

std::vector<std::string> data_sources(SQLHENV env) {
  std::vector<std::string> out;
  SQLCHAR name[SQL_MAX_DSN_LENGTH + 1], desc[256];
  SQLSMALLINT name_len = 0, desc_len = 0;
  for (SQLUSMALLINT dir = SQL_FETCH_FIRST;; dir = SQL_FETCH_NEXT) {
    SQLRETURN rc = SQLDataSources(env, dir, name, sizeof name, &name_len, desc, sizeof desc, &desc_len);
    if (!SQL_SUCCEEDED(rc)) break;
    out.push_back(text_of(name));
  }
  return out;
}

std::string get_info(SQLHDBC dbc, SQLUSMALLINT what) {
  SQLCHAR buf[256] = {};
  SQLSMALLINT len = 0;
  if (!SQL_SUCCEEDED(SQLGetInfo(dbc, what, buf, sizeof buf, &len))) return "";
  return text_of(buf);
}

bool is_integer_type(SQLSMALLINT t) {
  return t == SQL_TINYINT || t == SQL_SMALLINT || t == SQL_INTEGER || t == SQL_BIGINT;
}
bool is_floating_type(SQLSMALLINT t) {
  return t == SQL_REAL || t == SQL_FLOAT || t == SQL_DOUBLE || t == SQL_DECIMAL || t == SQL_NUMERIC;
}

// The bulk path of a driver when the target does not ask for one. Measured
// loading 100,000 pgbench_accounts rows, 5 runs each, --jobs 1 / --jobs 2:
// MariaDB Connector/ODBC 3.1 (which sends an array as one bulk command)
// 0.18 / 0.20 s with parameter arrays, 0.26 / 0.25 s with multi-row INSERTs;
// psqlODBC 13 (which runs an array row by row) 1.30 / 0.97 s with arrays,
// 0.41 / 0.24 s with multi-row INSERTs.
BulkMethod default_bulk_method(const std::string& dialect) {
  return dialect == "mysql" ? BulkMethod::kParamArrays : BulkMethod::kMultiRowInsert;
}

class OdbcConnection final : public Connection {
 public:
  explicit OdbcConnection(const Target& t) : target_(t) {
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_)))
      throw Error(ErrorClass::kFatal, "cannot allocate an ODBC environment (is unixODBC installed?)");
    SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env_, &dbc_))) {
      release();
      throw Error(ErrorClass::kFatal, "cannot allocate an ODBC connection handle");
    }
    std::string cs;
    try {
      cs = build_connection_string(t, installed_drivers(env_));
    } catch (...) {
      release();
      throw;
    }
    const auto start = std::chrono::steady_clock::now();
    ConnectOutcome outcome = connect_within(env_, dbc_, cs, t.connect_timeout_s);
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (outcome == ConnectOutcome::kTimedOut) {
      env_ = SQL_NULL_HENV;  // the connecting thread frees them when its call returns
      dbc_ = SQL_NULL_HDBC;
      throw connect_failure(t, "", elapsed);
    }
    if (outcome == ConnectOutcome::kFailed) {
      Diagnostic d = read_diagnostic(SQL_HANDLE_DBC, dbc_);
      std::string why = scrub(d.message, t.password);
      if (d.sqlstate == "IM002") {  // no such DSN, no driver
        std::string known;
        for (const auto& s : data_sources(env_)) known += (known.empty() ? "" : ", ") + s;
        release();
        throw Error(ErrorClass::kBadInput, "cannot connect to " + t.redacted() + ": " + why +
                                               " (data sources: " + (known.empty() ? "none" : known) + ")");
      }
      release();
      throw connect_failure(t, d.message, elapsed);
    }
    connected_ = true;
    dbms_name_ = get_info(dbc_, SQL_DBMS_NAME);
    dbms_version_ = get_info(dbc_, SQL_DBMS_VER);
    dialect_ = !t.dialect.empty() ? t.dialect : dialect_of_dbms(dbms_name_);
    mysql_ = dialect_ == "mysql";
    // A server told to speak Redshift that is not Redshift (the local stack's
    // PostgreSQL warehouse) is given DDL without Redshift's attributes.
    stand_in_ = dialect_ == "redshift" && dialect_of_dbms(dbms_name_) != "redshift";
    const BulkMethod* asked = requested_bulk_method(t);
    bulk_method_ = asked ? *asked : default_bulk_method(dialect_);
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &scratch_))) {
      Diagnostic d = read_diagnostic(SQL_HANDLE_DBC, dbc_);
      release();
      throw Error(ErrorClass::kFatal, t.redacted() + ": " + scrub(d.message, t.password));
    }
  }

  ~OdbcConnection() override { release(); }

  std::string dialect() const override { return dialect_; }

  void set_statement_timeout(double seconds) override {
    query_timeout_s_ = static_cast<SQLULEN>(std::ceil(seconds));
  }

  int prepare(const std::string& sql, std::vector<std::string>& param_names) override {
    auto p = std::make_unique<Prepared>();
    p->sql = sql;
    std::string native = translate_placeholders(sql, PlaceholderStyle::kQuestion, param_names);
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &p->h)))
      throw Error(ErrorClass::kFatal, target_.redacted() + ": " + dbc_message());
    if (query_timeout_s_ > 0 &&
        !SQL_SUCCEEDED(SQLSetStmtAttr(p->h, SQL_ATTR_QUERY_TIMEOUT,
                                      reinterpret_cast<SQLPOINTER>(static_cast<uintptr_t>(query_timeout_s_)),
                                      SQL_IS_UINTEGER))) {
      Diagnostic d = read_diagnostic(SQL_HANDLE_STMT, p->h);
      SQLFreeHandle(SQL_HANDLE_STMT, p->h);
      throw Error(ErrorClass::kBadInput,
                  "the ODBC driver of " + target_.redacted() +
                      " refuses SQL_ATTR_QUERY_TIMEOUT: " + scrub(d.message, target_.password));
    }
    SQLRETURN rc = SQLPrepare(p->h, reinterpret_cast<SQLCHAR*>(native.data()), SQL_NTS);
    // Asking for the result's shape makes drivers that prepare lazily
    // (psqlODBC) describe the statement on the server now, so a bad
    // statement fails here, before the run starts.
    if (SQL_SUCCEEDED(rc)) rc = SQLNumResultCols(p->h, &p->columns);
    if (!SQL_SUCCEEDED(rc)) {
      Diagnostic d = read_diagnostic(SQL_HANDLE_STMT, p->h);
      SQLFreeHandle(SQL_HANDLE_STMT, p->h);
      throw Error(ErrorClass::kBadInput, "cannot prepare on " + target_.redacted() + ": " +
                                             scrub(d.message, target_.password) + " [statement: " + sql +
                                             "]");
    }
    p->params.resize(param_names.size());
    stmts_.push_back(std::move(p));
    return static_cast<int>(stmts_.size() - 1);
  }

  Status execute(int id, const Value* const* params, ResultBuffer* out, int keep_rows) noexcept override {
    Prepared& p = *stmts_[id];
    if (!in_transaction_ && !autocommit_) {
      Status s = set_autocommit(true);
      if (s != Status::kOk) return s;
    }
    for (size_t i = 0; i < p.params.size(); ++i)
      if (!bind(p, static_cast<SQLUSMALLINT>(i + 1), p.params[i], *params[i])) return fail_stmt(p.h);
    SQLRETURN rc = SQLExecute(p.h);
    // SQL_NO_DATA: an UPDATE or DELETE that matched no row.
    if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) return fail_stmt(p.h);
    if (!out) {
      if (p.columns > 0) SQLFreeStmt(p.h, SQL_CLOSE);  // discards the rows unread
      return Status::kOk;
    }
    out->rows = 0;
    out->columns = p.columns;
    out->affected = 0;
    if (p.columns <= 0) {
      SQLLEN n = 0;
      if (rc != SQL_NO_DATA && SQL_SUCCEEDED(SQLRowCount(p.h, &n)) && n > 0) out->affected = n;
      return Status::kOk;
    }
    return fetch(p, *out, keep_rows);
  }

  // Autocommit goes off at begin() but comes back only when a statement
  // runs outside a transaction: with MariaDB Connector/ODBC each switch is a
  // round trip (SET autocommit=...), and a workload of multi-statement
  // transactions would pay two per transaction for nothing (strace: TPC-B
  // sends 6 messages per transaction this way, 8 when restored at once). After COMMIT,
  // autocommit off holds no snapshot or lock: the next transaction starts
  // with its first statement.
  // On the scratch statement, which cancel() stops with SQLCancel from
  // another thread: measured to stop the statement on the server with
  // psqlODBC 13 (57014, canceling statement due to user request) and MariaDB
  // Connector/ODBC 3.1 (1317, query execution was interrupted). Neither
  // honours SQL_ATTR_QUERY_TIMEOUT the same way (MariaDB's ignores it), so a
  // time-out is the caller's watch and this cancel.
  Status execute_text(const std::string& sql, ResultBuffer* out, int keep_rows) noexcept override {
    if (!in_transaction_ && !autocommit_) {
      Status s = set_autocommit(true);
      if (s != Status::kOk) return s;
    }
    SQLRETURN rc =
        SQLExecDirect(scratch_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS);
    if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) return fail_stmt(scratch_);
    SQLSMALLINT columns = 0;
    if (rc != SQL_NO_DATA && !SQL_SUCCEEDED(SQLNumResultCols(scratch_, &columns))) return fail_stmt(scratch_);
    if (!out) {
      // Every row is still read: the time of a query includes its result.
      while (columns > 0 && SQL_SUCCEEDED(rc = SQLFetch(scratch_))) {
      }
      if (columns > 0 && rc != SQL_NO_DATA) return fail_stmt(scratch_);
      SQLFreeStmt(scratch_, SQL_CLOSE);
      return Status::kOk;
    }
    out->rows = 0;
    out->columns = columns;
    out->affected = 0;
    if (columns <= 0) {
      SQLFreeStmt(scratch_, SQL_CLOSE);
      return Status::kOk;
    }
    std::vector<SQLSMALLINT> types;
    try {
      types = column_types(scratch_, columns);
    } catch (...) {
      SQLFreeStmt(scratch_, SQL_CLOSE);
      return Status::kFatal;
    }
    return fetch_rows(scratch_, types, *out, keep_rows);
  }

  bool cancel() noexcept override { return SQL_SUCCEEDED(SQLCancel(scratch_)); }

  Status begin() noexcept override {
    in_transaction_ = true;
    return autocommit_ ? set_autocommit(false) : Status::kOk;
  }
  Status commit() noexcept override { return end_transaction(SQL_COMMIT); }
  Status rollback() noexcept override { return end_transaction(SQL_ROLLBACK); }
  const std::string& last_error() const noexcept override { return last_error_; }
  Failure last_failure() const noexcept override { return failure_; }

  void run(const std::string& sql) override {
    direct(stand_in_ ? strip_redshift_attributes(sql) : sql);
    SQLFreeStmt(scratch_, SQL_CLOSE);
  }

  std::string query_value(const std::string& sql) override {
    direct(sql);
    std::string out;
    SQLSMALLINT columns = 0;
    SQLRETURN rc = SQLNumResultCols(scratch_, &columns);
    if (SQL_SUCCEEDED(rc) && columns > 0) {
      rc = SQLFetch(scratch_);
      if (SQL_SUCCEEDED(rc)) {
        Value v;
        rc = read_text(scratch_, 1, v, text_chunk_);
        if (SQL_SUCCEEDED(rc) && v.kind == Value::Kind::kText) out = v.s;
      }
    }
    if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) throw_stmt(scratch_, sql);
    SQLFreeStmt(scratch_, SQL_CLOSE);
    return out;
  }

  void bulk_load(const BulkSpec& spec, const std::function<bool(RowBatch&)>& next) override {
    if (in_transaction_) throw Error(ErrorClass::kFatal, "internal: bulk_load inside a transaction");
    std::string insert = "INSERT INTO " + spec.table + " (";
    for (size_t c = 0; c < spec.columns.size(); ++c) insert += (c ? ", " : "") + spec.columns[c];
    insert += ") VALUES ";
    try {
      if (bulk_method_ == BulkMethod::kParamArrays)
        load_arrays(spec, insert, next);
      else
        load_values(spec, insert, next);
    } catch (...) {
      SQLEndTran(SQL_HANDLE_DBC, dbc_, SQL_ROLLBACK);
      set_autocommit(true);
      throw;
    }
    set_autocommit(true);
  }

  std::string stand_in_note() const override {
    if (!stand_in_) return "";
    return "the server is " + dbms_name_ +
           ", not Redshift: CREATE TABLE statements run without Redshift's DISTSTYLE, DISTKEY, SORTKEY, "
           "ENCODE and "
           "BACKUP attributes, and after_load runs the " +
           server_dialect() + " text (keys and indexes for the server that is there)";
  }

  std::string server_dialect() const override { return stand_in_ ? dialect_of_dbms(dbms_name_) : dialect_; }

  // SQL_DBMS_NAME and the server's own version where the dialect has a way
  // to ask: SQL_DBMS_VER is reformatted by drivers (psqlODBC turns 15.18
  // into "15.0.18"); else SQL_DBMS_VER.
  std::string server_version() override {
    std::string version;
    const char* ask = mysql_                                             ? "SELECT VERSION()"
                      : dialect_ == "postgres" || dialect_ == "redshift" ? "SHOW server_version"
                                                                         : nullptr;
    if (ask) {
      try {
        version = query_value(ask);
      } catch (const Error&) {
        version.clear();
      }
      if (size_t sp = version.find(' '); sp != std::string::npos) version.resize(sp);
    }
    if (version.empty()) version = dbms_version_;
    return version.empty() ? dbms_name_ : dbms_name_ + " " + version;
  }

 private:
  // A parameter's buffers; bound once and rebound only when its C type or
  // text buffer changes, since ODBC reads bound buffers at SQLExecute time.
  struct Param {
    SQLSMALLINT c_type = 0;  // bound C type; 0 until the first bind
    SQLLEN indicator = 0;    // length of text, or SQL_NULL_DATA
    int64_t i = 0;
    double d = 0;
    std::vector<char> text;
  };
  struct Prepared {
    SQLHSTMT h = SQL_NULL_HSTMT;
    std::string sql;
    SQLSMALLINT columns = 0;
    std::vector<SQLSMALLINT> column_types;  // SQL types, read at the first fetch
    std::vector<Param> params;
  };

  Target target_;
  SQLHENV env_ = SQL_NULL_HENV;
  SQLHDBC dbc_ = SQL_NULL_HDBC;
  SQLHSTMT scratch_ = SQL_NULL_HSTMT;  // run(), query_value(), multi-row INSERTs
  bool connected_ = false;
  std::string dbms_name_, dbms_version_, dialect_;
  bool stand_in_ = false;
  bool mysql_ = false;
  BulkMethod bulk_method_ = BulkMethod::kMultiRowInsert;
  bool autocommit_ = true;       // the session's setting as we last made it
  bool in_transaction_ = false;  // between begin() and commit()/rollback()
  std::vector<std::unique_ptr<Prepared>> stmts_;
  std::vector<char> text_chunk_ = std::vector<char>(kTextChunk);
  std::string last_error_;
  Failure failure_ = Failure::kOther;
  SQLULEN query_timeout_s_ = 0;  // SQL_ATTR_QUERY_TIMEOUT of the statements prepared; 0: none

  void release() noexcept {
    for (auto& p : stmts_)
      if (p->h) SQLFreeHandle(SQL_HANDLE_STMT, p->h);
    stmts_.clear();
    if (scratch_) SQLFreeHandle(SQL_HANDLE_STMT, scratch_);
    scratch_ = SQL_NULL_HSTMT;
    if (connected_) SQLDisconnect(dbc_);
    connected_ = false;
    if (dbc_) SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
    dbc_ = SQL_NULL_HDBC;
    if (env_) SQLFreeHandle(SQL_HANDLE_ENV, env_);
    env_ = SQL_NULL_HENV;
  }

  std::string dbc_message() { return scrub(read_diagnostic(SQL_HANDLE_DBC, dbc_).message, target_.password); }

  // Keeps the message of a failure on handle h and classifies it.
  Status fail(SQLSMALLINT type, SQLHANDLE h) noexcept {
    try {
      Diagnostic d = read_diagnostic(type, h);
      Status s = classify(d.sqlstate, d.native, mysql_);
      if (s == Status::kFatal) {
        // A driver may report a broken socket with a generic SQLSTATE.
        SQLUINTEGER dead = SQL_CD_FALSE;
        if (SQL_SUCCEEDED(SQLGetConnectAttr(dbc_, SQL_ATTR_CONNECTION_DEAD, &dead, 0, nullptr)) &&
            dead == SQL_CD_TRUE)
          s = Status::kConnectionLost;
      }
      failure_ = s == Status::kConnectionLost ? Failure::kConnection
                 : mysql_                     ? failure_of_mysql(d.native, d.sqlstate)
                                              : failure_of_sqlstate(d.sqlstate);
      last_error_ = scrub(d.message, target_.password);
      return s;
    } catch (...) {
      failure_ = Failure::kOther;
      return Status::kFatal;
    }
  }
  Status fail_stmt(SQLHSTMT h) noexcept {
    Status s = fail(SQL_HANDLE_STMT, h);
    SQLFreeStmt(h, SQL_CLOSE);
    return s;
  }

  [[noreturn]] void throw_stmt(SQLHSTMT h, const std::string& sql) {
    Diagnostic d = read_diagnostic(SQL_HANDLE_STMT, h);
    SQLFreeStmt(h, SQL_CLOSE);
    std::string shown = sql.size() > 200 ? sql.substr(0, 200) + "…" : sql;
    throw Error(ErrorClass::kFatal, target_.redacted() + ": " + scrub(d.message, target_.password) +
                                        " [statement: " + shown + "]");
  }

  // Runs sql on the scratch handle, in autocommit unless a transaction is
  // open; throws Error on failure. The caller closes the cursor.
  void direct(const std::string& sql) {
    if (!in_transaction_ && !autocommit_ && set_autocommit(true) != Status::kOk)
      throw Error(ErrorClass::kFatal, target_.redacted() + ": " + last_error_);
    SQLRETURN rc =
        SQLExecDirect(scratch_, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())), SQL_NTS);
    if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) throw_stmt(scratch_, sql);
  }

  Status set_autocommit(bool on) noexcept {
    SQLRETURN rc = SQLSetConnectAttr(
        dbc_, SQL_ATTR_AUTOCOMMIT,
        reinterpret_cast<SQLPOINTER>(static_cast<uintptr_t>(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF)),
        SQL_IS_UINTEGER);
    if (!SQL_SUCCEEDED(rc)) return fail(SQL_HANDLE_DBC, dbc_);
    autocommit_ = on;
    return Status::kOk;
  }

  Status end_transaction(SQLSMALLINT how) noexcept {
    in_transaction_ = false;
    if (autocommit_) return Status::kOk;  // begin() failed: nothing is open
    SQLRETURN rc = SQLEndTran(SQL_HANDLE_DBC, dbc_, how);
    return SQL_SUCCEEDED(rc) ? Status::kOk : fail(SQL_HANDLE_DBC, dbc_);
  }

  // Writes v into parameter n's buffers, binding them when their type or
  // place changed; false when the driver refused the binding.
  static bool bind(Prepared& p, SQLUSMALLINT n, Param& b, const Value& v) noexcept {
    SQLSMALLINT want;
    switch (v.kind) {
      case Value::Kind::kInt:
        b.i = v.i;
        b.indicator = 0;
        want = SQL_C_SBIGINT;
        break;
      case Value::Kind::kDouble:
        b.d = v.d;
        b.indicator = 0;
        want = SQL_C_DOUBLE;
        break;
      case Value::Kind::kText:
        want = SQL_C_CHAR;
        if (b.text.size() < v.s.size() + 1) {
          try {
            b.text.resize(std::max(kMinParamText, v.s.size() * 2));
          } catch (...) {
            return false;
          }
          b.c_type = 0;  // the buffer moved
        }
        std::memcpy(b.text.data(), v.s.data(), v.s.size());
        b.text[v.s.size()] = '\0';
        b.indicator = static_cast<SQLLEN>(v.s.size());
        break;
      case Value::Kind::kNull:
      default:
        b.indicator = SQL_NULL_DATA;
        if (b.c_type) return true;  // NULL fits whatever is bound
        if (b.text.empty()) b.text.resize(kMinParamText);
        want = SQL_C_CHAR;
        break;
    }
    if (b.c_type == want) return true;
    SQLRETURN rc;
    if (want == SQL_C_SBIGINT)
      rc = SQLBindParameter(p.h, n, SQL_PARAM_INPUT, SQL_C_SBIGINT, SQL_BIGINT, 0, 0, &b.i, 0, &b.indicator);
    else if (want == SQL_C_DOUBLE)
      rc = SQLBindParameter(p.h, n, SQL_PARAM_INPUT, SQL_C_DOUBLE, SQL_DOUBLE, 0, 0, &b.d, 0, &b.indicator);
    else
      rc = SQLBindParameter(p.h, n, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, b.text.size() - 1, 0,
                            b.text.data(), static_cast<SQLLEN>(b.text.size()), &b.indicator);
    if (!SQL_SUCCEEDED(rc)) return false;
    b.c_type = want;
    return true;
  }

  // Reads column col of the current row as text into v (NULL as null),
  // however long it is.
  static SQLRETURN read_text(SQLHSTMT h, SQLUSMALLINT col, Value& v, std::vector<char>& chunk) noexcept {
    v.kind = Value::Kind::kText;
    v.s.clear();
    for (;;) {
      SQLLEN ind = 0;
      SQLRETURN rc = SQLGetData(h, col, SQL_C_CHAR, chunk.data(), static_cast<SQLLEN>(chunk.size()), &ind);
      if (rc == SQL_NO_DATA) return SQL_SUCCESS;  // everything was read
      if (!SQL_SUCCEEDED(rc)) return rc;
      if (ind == SQL_NULL_DATA) {
        v.set_null();
        return SQL_SUCCESS;
      }
      size_t got = (ind == SQL_NO_TOTAL || static_cast<size_t>(ind) >= chunk.size())
                       ? chunk.size() - 1
                       : static_cast<size_t>(ind);
      try {
        v.s.append(chunk.data(), got);
      } catch (...) {
        return SQL_ERROR;
      }
      if (rc == SQL_SUCCESS) return rc;  // SQL_SUCCESS_WITH_INFO: truncated, more to read
    }
  }

  // The SQL type of each result column (SQL_VARCHAR when the driver cannot say).
  static std::vector<SQLSMALLINT> column_types(SQLHSTMT h, SQLSMALLINT columns) {
    std::vector<SQLSMALLINT> types(static_cast<size_t>(columns));
    for (SQLSMALLINT c = 0; c < columns; ++c) {
      SQLCHAR name[1];
      SQLSMALLINT name_len = 0, type = 0, digits = 0, nullable = 0;
      SQLULEN size = 0;
      if (!SQL_SUCCEEDED(
              SQLDescribeCol(h, c + 1, name, sizeof name, &name_len, &type, &size, &digits, &nullable)))
        type = SQL_VARCHAR;
      types[c] = type;
    }
    return types;
  }

  Status fetch(Prepared& p, ResultBuffer& out, int keep_rows) noexcept {
    if (p.column_types.empty()) {
      try {
        p.column_types = column_types(p.h, p.columns);
      } catch (...) {
        SQLFreeStmt(p.h, SQL_CLOSE);
        return Status::kFatal;
      }
    }
    return fetch_rows(p.h, p.column_types, out, keep_rows);
  }

  // Reads every row of the open cursor of h, keeping up to keep_rows in out
  // (integers and decimals as numbers, the rest as text), and closes it.
  Status fetch_rows(SQLHSTMT h, const std::vector<SQLSMALLINT>& column_types, ResultBuffer& out,
                    int keep_rows) noexcept {
    const size_t columns = column_types.size();
    int rows = 0;
    for (;;) {
      SQLRETURN rc = SQLFetch(h);
      if (rc == SQL_NO_DATA) break;
      if (!SQL_SUCCEEDED(rc)) return fail_stmt(h);
      if (rows < keep_rows) {
        size_t need = (static_cast<size_t>(rows) + 1) * columns;
        if (out.cells.size() < need) {
          try {
            out.cells.resize(need);
          } catch (...) {
            SQLFreeStmt(h, SQL_CLOSE);
            return Status::kFatal;
          }
        }
        for (size_t c = 0; c < columns; ++c) {
          Value& v = out.cells[static_cast<size_t>(rows) * columns + c];
          SQLUSMALLINT col = static_cast<SQLUSMALLINT>(c + 1);
          SQLLEN ind = 0;
          SQLSMALLINT type = column_types[c];
          if (is_integer_type(type)) {
            rc = SQLGetData(h, col, SQL_C_SBIGINT, &v.i, 0, &ind);
            v.kind = Value::Kind::kInt;
          } else if (is_floating_type(type)) {
            rc = SQLGetData(h, col, SQL_C_DOUBLE, &v.d, 0, &ind);
            v.kind = Value::Kind::kDouble;
          } else {
            rc = read_text(h, col, v, text_chunk_);
          }
          if (!SQL_SUCCEEDED(rc)) return fail_stmt(h);
          if (ind == SQL_NULL_DATA) v.set_null();
        }
      }
      ++rows;
    }
    out.rows = rows;
    out.affected = rows;  // as PostgreSQL's command tag counts a SELECT's rows
    SQLFreeStmt(h, SQL_CLOSE);
    return Status::kOk;
  }

  // The C type a batch column is sent as: text if any cell is text, else
  // double if any is a double, else integer (NULLs fit all).
  static SQLSMALLINT column_c_type(const RowBatch& b, size_t first, size_t n, int col, size_t& text_width) {
    bool text = false, dbl = false;
    text_width = 1;
    char buf[kMaxNumberText];
    for (size_t r = first; r < first + n; ++r) {
      const Value& v = b.cells[r * b.columns + col];
      if (v.kind == Value::Kind::kText) {
        text = true;
        text_width = std::max(text_width, v.s.size() + 1);
      } else if (v.kind != Value::Kind::kNull) {
        dbl = dbl || v.kind == Value::Kind::kDouble;
        text_width = std::max(text_width, static_cast<size_t>(v.to_text(buf, sizeof buf)) + 1);
      }
    }
    return text ? SQL_C_CHAR : dbl ? SQL_C_DOUBLE : SQL_C_SBIGINT;
  }

  // Parameter arrays: one prepared INSERT, kArrayRows rows of column-wise
  // bound parameters per SQLExecute, one transaction per batch.
  void load_arrays(const BulkSpec& spec, std::string insert, const std::function<bool(RowBatch&)>& next) {
    const size_t ncols = spec.columns.size();
    for (size_t c = 0; c < ncols; ++c) insert += c ? ", ?" : "(?";
    insert += ")";
    SQLHSTMT h = SQL_NULL_HSTMT;
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &h)))
      throw Error(ErrorClass::kFatal, target_.redacted() + ": " + dbc_message());
    struct Freer {
      SQLHSTMT h;
      ~Freer() { SQLFreeHandle(SQL_HANDLE_STMT, h); }
    } freer{h};
    if (!SQL_SUCCEEDED(SQLPrepare(h, reinterpret_cast<SQLCHAR*>(insert.data()), SQL_NTS)))
      throw_stmt(h, insert);
    SQLSetStmtAttr(h, SQL_ATTR_PARAM_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_PARAM_BIND_BY_COLUMN), 0);
    struct Column {
      std::vector<int64_t> ints;
      std::vector<double> doubles;
      std::vector<char> text;
      std::vector<SQLLEN> ind;
    };
    std::vector<Column> cols(ncols);
    std::vector<SQLUSMALLINT> row_status(kArrayRows);
    SQLULEN processed = 0;
    SQLSetStmtAttr(h, SQL_ATTR_PARAM_STATUS_PTR, row_status.data(), 0);
    SQLSetStmtAttr(h, SQL_ATTR_PARAMS_PROCESSED_PTR, &processed, 0);
    if (set_autocommit(false) != Status::kOk)
      throw Error(ErrorClass::kFatal, target_.redacted() + ": " + last_error_);
    RowBatch batch;
    char num[kMaxNumberText];
    while (next(batch)) {
      if (static_cast<size_t>(batch.columns) != ncols)
        throw Error(ErrorClass::kFatal, "internal: batch has " + std::to_string(batch.columns) +
                                            " columns, not " + std::to_string(ncols));
      for (size_t first = 0; first < batch.rows; first += kArrayRows) {
        size_t n = std::min(kArrayRows, batch.rows - first);
        for (size_t c = 0; c < ncols; ++c) {
          Column& col = cols[c];
          size_t width = 0;
          SQLSMALLINT type = column_c_type(batch, first, n, static_cast<int>(c), width);
          col.ind.resize(n);
          SQLPOINTER data;
          SQLLEN stride = 0;
          if (type == SQL_C_SBIGINT) {
            col.ints.resize(n);
            data = col.ints.data();
          } else if (type == SQL_C_DOUBLE) {
            col.doubles.resize(n);
            data = col.doubles.data();
          } else {
            col.text.resize(n * width);
            data = col.text.data();
            stride = static_cast<SQLLEN>(width);
          }
          for (size_t r = 0; r < n; ++r) {
            const Value& v = batch.cells[(first + r) * ncols + c];
            if (v.kind == Value::Kind::kNull) {
              col.ind[r] = SQL_NULL_DATA;
            } else if (type == SQL_C_SBIGINT) {
              col.ints[r] = v.i;
              col.ind[r] = 0;
            } else if (type == SQL_C_DOUBLE) {
              col.doubles[r] = v.kind == Value::Kind::kDouble ? v.d : static_cast<double>(v.i);
              col.ind[r] = 0;
            } else {
              const char* s = v.kind == Value::Kind::kText ? v.s.data() : num;
              size_t len =
                  v.kind == Value::Kind::kText ? v.s.size() : static_cast<size_t>(v.to_text(num, sizeof num));
              std::memcpy(col.text.data() + r * width, s, len);
              col.text[r * width + len] = '\0';
              col.ind[r] = static_cast<SQLLEN>(len);
            }
          }
          SQLSMALLINT sql_type = type == SQL_C_SBIGINT  ? SQL_BIGINT
                                 : type == SQL_C_DOUBLE ? SQL_DOUBLE
                                                        : SQL_VARCHAR;
          if (!SQL_SUCCEEDED(SQLBindParameter(h, static_cast<SQLUSMALLINT>(c + 1), SQL_PARAM_INPUT, type,
                                              sql_type, type == SQL_C_CHAR ? width - 1 : 0, 0, data, stride,
                                              col.ind.data())))
            throw_stmt(h, insert);
        }
        SQLSetStmtAttr(h, SQL_ATTR_PARAMSET_SIZE, reinterpret_cast<SQLPOINTER>(n), 0);
        SQLRETURN rc = SQLExecute(h);
        bool row_failed = false;
        for (size_t r = 0; SQL_SUCCEEDED(rc) && r < std::min<size_t>(processed, n); ++r)
          row_failed = row_failed || row_status[r] == SQL_PARAM_ERROR;
        if (!SQL_SUCCEEDED(rc) || row_failed) throw_stmt(h, "loading " + spec.table + ": " + insert);
      }
      if (!SQL_SUCCEEDED(SQLEndTran(SQL_HANDLE_DBC, dbc_, SQL_COMMIT)))
        throw Error(ErrorClass::kFatal,
                    "loading " + spec.table + " on " + target_.redacted() + ": " + dbc_message());
      batch.clear();
    }
  }

  // Multi-row INSERT text: up to kValuesRows rows (kValuesBytes of SQL) per
  // statement, one transaction per batch.
  void load_values(const BulkSpec& spec, const std::string& insert,
                   const std::function<bool(RowBatch&)>& next) {
    if (set_autocommit(false) != Status::kOk)
      throw Error(ErrorClass::kFatal, target_.redacted() + ": " + last_error_);
    std::string sql;
    sql.reserve(kValuesBytes + 4096);
    RowBatch batch;
    auto flush = [&] {
      SQLRETURN rc = SQLExecDirect(scratch_, reinterpret_cast<SQLCHAR*>(sql.data()),
                                   static_cast<SQLINTEGER>(sql.size()));
      if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) throw_stmt(scratch_, "loading " + spec.table + ": " + sql);
      SQLFreeStmt(scratch_, SQL_CLOSE);
    };
    while (next(batch)) {
      const size_t ncols = static_cast<size_t>(batch.columns);
      size_t in_statement = 0;
      for (size_t r = 0; r < batch.rows; ++r) {
        if (in_statement == 0) sql = insert;
        sql += in_statement ? ",(" : "(";
        for (size_t c = 0; c < ncols; ++c) {
          if (c) sql += ',';
          append_sql_literal(sql, batch.cells[r * ncols + c], dialect_);
        }
        sql += ')';
        if (++in_statement == kValuesRows || sql.size() >= kValuesBytes) {
          flush();
          in_statement = 0;
        }
      }
      if (in_statement) flush();
      if (!SQL_SUCCEEDED(SQLEndTran(SQL_HANDLE_DBC, dbc_, SQL_COMMIT)))
        throw Error(ErrorClass::kFatal,
                    "loading " + spec.table + " on " + target_.redacted() + ": " + dbc_message());
      batch.clear();
    }
  }
};

}  // namespace

std::unique_ptr<Connection> connect(const Target& target) { return std::make_unique<OdbcConnection>(target); }

}  // namespace oltap::engine::odbc
