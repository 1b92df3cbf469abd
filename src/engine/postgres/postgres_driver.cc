// The PostgreSQL driver on libpqxx. libpqxx opens and owns the session and
// serves everything off the hot path (DDL, checks, COPY); prepared statements
// and BEGIN/COMMIT go to libpq directly on the same session, through the
// handle a connection policy (libpqxx's extension point) hands us. Measured
// against pgbench (scripts/peer-bench.sh), libpqxx's exec_prepared cost about
// 1.5 us of client CPU per statement in parameter strings and result objects;
// the direct path allocates nothing of ours, only libpq's own PGresult.
#include "postgres_driver.h"

#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <pqxx/pqxx>

#include "engine/messages.h"
#include "engine/placeholders.h"

namespace oltap::engine::postgres {
namespace {

// libpq reads a connect_timeout of 1 as 2 (its documented minimum).
constexpr int kLibpqMinConnectTimeoutS = 2;
// Rows per COPY data message during bulk load.
constexpr size_t kCopyChunkBytes = 1 << 20;

// PostgreSQL type oids whose text we turn into numbers when reading rows.
constexpr unsigned kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26;
constexpr unsigned kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

std::string quote_conninfo(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string conninfo(const Target& t) {
  std::string s = "host=" + quote_conninfo(t.host) + " port=" + std::to_string(t.port);
  if (!t.database.empty()) s += " dbname=" + quote_conninfo(t.database);
  if (!t.user.empty()) s += " user=" + quote_conninfo(t.user);
  if (!t.password.empty()) s += " password=" + quote_conninfo(t.password);
  // libpq's connect_timeout bounds each address's whole attempt (TCP,
  // TLS, authentication), not only the TCP handshake.
  s += " connect_timeout=" + std::to_string(std::max(kLibpqMinConnectTimeoutS, t.connect_timeout_s)) +
       " application_name=oltap";
  for (const auto& [k, v] : t.options)
    if (k != "dialect") s += " " + k + "=" + quote_conninfo(v);
  return s;
}

// A server's message as ODBC failures are reported (odbc/connection_string.h's
// format_diagnostic): "SQLSTATE 42P01: ERROR: relation ... does not exist".
// Messages without a SQLSTATE (libpq's own: a broken connection) stay as they are.
std::string with_sqlstate(const char* sqlstate, const std::string& message) {
  if (!sqlstate || !*sqlstate) return message;
  return "SQLSTATE " + std::string(sqlstate) + ": " + message;
}

// The message of an exception from libpqxx, with its SQLSTATE when the
// server gave one (pqxx::sql_error::sqlstate()).
std::string pqxx_message(const std::exception& e) {
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e))
    return with_sqlstate(sql->sqlstate().c_str(), e.what());
  return e.what();
}

Status status_of_sqlstate(const std::string& state) {
  if (state == "40001" || state == "40P01") return Status::kRetryable;
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03")
    return Status::kConnectionLost;
  return Status::kFatal;
}

// The bytes COPY's text format escapes.
constexpr auto kCopySpecial = [] {
  std::array<bool, 256> t{};
  t['\\'] = t['\t'] = t['\n'] = t['\r'] = true;
  return t;
}();

void append_copy_text(std::string& out, const Value& v) {
  char buf[kMaxNumberText];
  switch (v.kind) {
    case Value::Kind::kNull:
      out += "\\N";
      return;
    case Value::Kind::kInt:
    case Value::Kind::kDouble:
      out.append(buf, v.to_text(buf, sizeof buf));
      return;
    case Value::Kind::kText: {
      // Runs of ordinary characters are appended whole; only backslash, tab,
      // newline and carriage return need escaping in COPY's text format.
      const char* p = v.s.data();
      const char* end = p + v.s.size();
      while (p < end) {
        const char* run = p;
        while (p < end && !kCopySpecial[static_cast<unsigned char>(*p)]) ++p;
        out.append(run, static_cast<size_t>(p - run));
        if (p == end) break;
        out += '\\';
        out += *p == '\\' ? '\\' : *p == '\t' ? 't' : *p == '\n' ? 'n' : 'r';
        ++p;
      }
      return;
    }
  }
}

// The libpq handle of the connection being opened on this thread.
thread_local PGconn** t_capture = nullptr;

// connect_direct that also keeps our copy of the libpq handle current: set
// when it connects, cleared when libpqxx drops the connection. The slot is
// taken from t_capture when libpqxx constructs the policy.
class CapturingPolicy : public pqxx::connect_direct {
 public:
  explicit CapturingPolicy(const std::string& opts) : connect_direct(opts), slot_(t_capture) {}
  handle do_startconnect(handle orig) override {
    handle h = connect_direct::do_startconnect(orig);
    if (slot_) *slot_ = h;
    return h;
  }
  handle do_dropconnect(handle orig) noexcept override {
    if (slot_) *slot_ = nullptr;
    return connect_direct::do_dropconnect(orig);
  }
  handle do_disconnect(handle orig) noexcept override {
    if (slot_) *slot_ = nullptr;
    return connect_direct::do_disconnect(orig);
  }

 private:
  PGconn** slot_;
};
using PqxxConnection = pqxx::basic_connection_base<CapturingPolicy>;

Status status_of_result(PGconn* pg, const PGresult* r) {
  const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  if (PQstatus(pg) == CONNECTION_BAD) return Status::kConnectionLost;
  return state ? status_of_sqlstate(state) : Status::kFatal;
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const Target& t) : target_(t) {
    const auto start = std::chrono::steady_clock::now();
    try {
      t_capture = &pg_;
      conn_ = std::make_unique<PqxxConnection>(conninfo(t));
      t_capture = nullptr;
    } catch (const std::exception& e) {
      t_capture = nullptr;
      throw connect_failure(t, e.what(),
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    // A broken session must surface as kConnectionLost, not be reopened
    // behind our back with a new handle and no prepared statements.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    conn_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    if (!pg_) throw Error(ErrorClass::kFatal, "libpqxx did not hand over the connection to " + t.redacted());
    tx_ = std::make_unique<pqxx::nontransaction>(*conn_);
    cancel_ = PQgetCancel(pg_);
  }

  ~PostgresConnection() override {
    if (cancel_) PQfreeCancel(cancel_);
  }

  int prepare(const std::string& sql, std::vector<std::string>& param_names) override {
    Prepared p;
    p.name = "oltap_" + std::to_string(stmts_.size());
    std::string native = translate_placeholders(sql, PlaceholderStyle::kDollar, param_names);
    PGresult* r = PQprepare(pg_, p.name.c_str(), native.c_str(), 0, nullptr);
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string why =
        ok ? "" : with_sqlstate(PQresultErrorField(r, PG_DIAG_SQLSTATE), PQresultErrorMessage(r));
    PQclear(r);
    if (!ok) {
      // Preparing on the server catches a bad statement before the run starts.
      throw Error(ErrorClass::kBadInput, "cannot prepare on " + target_.redacted() + ": " +
                                             scrub(why.c_str(), target_.password) + " [statement: " + sql +
                                             "]");
    }
    p.texts.resize(param_names.size());
    p.ptrs.resize(param_names.size());
    stmts_.push_back(std::move(p));
    return static_cast<int>(stmts_.size() - 1);
  }

  Status execute(int id, const Value* const* params, ResultBuffer* out, int keep_rows) noexcept override {
    Prepared& p = stmts_[id];
    for (size_t i = 0; i < p.ptrs.size(); ++i) {
      const Value& v = *params[i];
      switch (v.kind) {
        case Value::Kind::kNull:
          p.ptrs[i] = nullptr;
          break;
        case Value::Kind::kText:
          p.ptrs[i] = v.s.c_str();
          break;
        default: {
          int n = v.to_text(p.texts[i].buf, kMaxNumberText - 1);
          p.texts[i].buf[n] = '\0';
          p.ptrs[i] = p.texts[i].buf;
        }
      }
    }
    PGresult* r = PQexecPrepared(pg_, p.name.c_str(), static_cast<int>(p.ptrs.size()), p.ptrs.data(), nullptr,
                                 nullptr, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return fail_result(r);
    if (out) fill(r, *out, keep_rows);
    PQclear(r);
    return Status::kOk;
  }

  // The simple query protocol, as psql sends a query: no prepare round trip,
  // and any statement (CREATE VIEW) goes.
  Status execute_text(const std::string& sql, ResultBuffer* out, int keep_rows) noexcept override {
    PGresult* r = PQexec(pg_, sql.c_str());
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return fail_result(r);
    if (out) {
      try {
        fill(r, *out, keep_rows);
      } catch (...) {  // no memory for the rows
        PQclear(r);
        return fail(Status::kFatal, "out of memory reading the rows of a query");
      }
      if (st == PGRES_COMMAND_OK) out->columns = 0;
    }
    PQclear(r);
    return Status::kOk;
  }

  // PQcancel is safe from any thread: it opens its own connection to the
  // server with the session's cancel key.
  bool cancel() noexcept override {
    char why[256];
    return cancel_ && PQcancel(cancel_, why, sizeof why) == 1;
  }

  Status begin() noexcept override { return simple("BEGIN"); }
  Status commit() noexcept override { return simple("COMMIT"); }
  Status rollback() noexcept override { return simple("ROLLBACK"); }
  const std::string& last_error() const noexcept override { return last_error_; }
  Failure last_failure() const noexcept override { return failure_; }

  void set_statement_timeout(double seconds) override {
    run("SET statement_timeout = " + std::to_string(static_cast<int64_t>(std::ceil(seconds * 1000))));
  }

  void run(const std::string& sql) override {
    try {
      ensure_tx().exec(sql);
    } catch (const std::exception& e) {
      throw Error(ErrorClass::kFatal, target_.redacted() + ": " + scrub(pqxx_message(e), target_.password));
    }
  }

  std::string query_value(const std::string& sql) override {
    try {
      pqxx::result r = ensure_tx().exec(sql);
      if (r.empty() || r.columns() == 0 || r[0][0].is_null()) return "";
      return r[0][0].c_str();
    } catch (const std::exception& e) {
      throw Error(ErrorClass::kFatal, target_.redacted() + ": " + scrub(pqxx_message(e), target_.password));
    }
  }

  std::string dialect() const override { return target_.dialect; }

  bool prefers_whole_tables() const noexcept override { return true; }

  // COPY in text format through libpq, in chunks of about kCopyChunkBytes,
  // each escaped once while it is built.
  void bulk_load(const BulkSpec& spec, const std::function<bool(RowBatch&)>& next) override {
    tx_.reset();  // our own transaction below, not libpqxx's
    std::string sql = "COPY " + spec.table + " (";
    for (size_t i = 0; i < spec.columns.size(); ++i) sql += (i ? ", " : "") + spec.columns[i];
    sql += ") FROM STDIN";
    // FREEZE needs the table emptied in this very transaction.
    if (spec.whole_table) sql += " WITH (FREEZE)";
    auto must = [&](const std::string& stmt) {
      PGresult* r = PQexec(pg_, stmt.c_str());
      ExecStatusType st = PQresultStatus(r);
      if (st != PGRES_COMMAND_OK && st != PGRES_COPY_IN) {
        fail_result(r);
        throw Error(ErrorClass::kFatal,
                    "loading " + spec.table + " on " + target_.redacted() + ": " + last_error_);
      }
      PQclear(r);
    };
    try {
      must("BEGIN");
      if (spec.whole_table) must("TRUNCATE " + spec.table);
      must(sql);
      RowBatch batch;
      std::string chunk;
      chunk.reserve(kCopyChunkBytes + 4096);
      auto flush = [&] {
        if (chunk.empty()) return;
        if (PQputCopyData(pg_, chunk.data(), static_cast<int>(chunk.size())) != 1)
          throw Error(ErrorClass::kFatal, "loading " + spec.table + " on " + target_.redacted() + ": " +
                                              scrub(PQerrorMessage(pg_), target_.password));
        chunk.clear();
      };
      while (next(batch)) {
        for (size_t r = 0; r < batch.rows; ++r) {
          for (int c = 0; c < batch.columns; ++c) {
            if (c) chunk += '\t';
            append_copy_text(chunk, batch.cells[r * batch.columns + c]);
          }
          chunk += '\n';
          if (chunk.size() >= kCopyChunkBytes) flush();
        }
        batch.clear();
      }
      flush();
      if (PQputCopyEnd(pg_, nullptr) != 1)
        throw Error(ErrorClass::kFatal, "loading " + spec.table + " on " + target_.redacted() + ": " +
                                            scrub(PQerrorMessage(pg_), target_.password));
      PGresult* r;
      while ((r = PQgetResult(pg_)) != nullptr) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
          fail_result(r);
          while ((r = PQgetResult(pg_)) != nullptr) PQclear(r);
          throw Error(ErrorClass::kFatal,
                      "loading " + spec.table + " on " + target_.redacted() + ": " + last_error_);
        }
        PQclear(r);
      }
      must("COMMIT");
    } catch (...) {
      // Out of COPY and the transaction, so the connection stays usable.
      if (PQtransactionStatus(pg_) == PQTRANS_ACTIVE) PQputCopyEnd(pg_, "oltap: load stopped");
      PGresult* r;
      while ((r = PQgetResult(pg_)) != nullptr) PQclear(r);
      if (PQtransactionStatus(pg_) != PQTRANS_IDLE) PQclear(PQexec(pg_, "ROLLBACK"));
      throw;
    }
  }

  std::string server_version() override { return "PostgreSQL " + query_value("SHOW server_version"); }

 private:
  struct NumberText {
    char buf[kMaxNumberText];
  };
  struct Prepared {
    std::string name;
    std::vector<NumberText> texts;  // text of numeric parameters, reused per call
    std::vector<const char*> ptrs;  // what libpqxx reads: nullptr is SQL NULL
  };

  Target target_;
  std::unique_ptr<PqxxConnection> conn_;
  PGconn* pg_ = nullptr;        // owned by conn_
  PGcancel* cancel_ = nullptr;  // the session's cancel key, for cancel() from another thread
  std::unique_ptr<pqxx::nontransaction> tx_;
  std::vector<Prepared> stmts_;
  std::string last_error_;
  Failure failure_ = Failure::kOther;

  pqxx::nontransaction& ensure_tx() {
    if (!tx_) tx_ = std::make_unique<pqxx::nontransaction>(*conn_);
    return *tx_;
  }

  // Keeps the message of a failure: built here, when a failure is kept, and
  // never on a statement that succeeds.
  Status fail(Status s, const char* what, const char* sqlstate = nullptr) noexcept {
    failure_ = s == Status::kConnectionLost ? Failure::kConnection
               : sqlstate                   ? failure_of_sqlstate(sqlstate)
                                            : Failure::kOther;
    try {
      last_error_ = scrub(with_sqlstate(sqlstate, what), target_.password);
    } catch (...) {
    }
    return s;
  }

  Status simple(const char* sql) noexcept {
    PGresult* r = PQexec(pg_, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) return fail_result(r);
    PQclear(r);
    return Status::kOk;
  }

  // Classifies a failed result, keeps its message, frees it.
  Status fail_result(PGresult* r) noexcept {
    Status s = status_of_result(pg_, r);
    const char* msg = r ? PQresultErrorMessage(r) : PQerrorMessage(pg_);
    fail(s, msg && *msg ? msg : PQerrorMessage(pg_), r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr);
    PQclear(r);
    return s;
  }

  // Throws std::bad_alloc only, when the kept rows do not fit in memory.
  static void fill(const PGresult* r, ResultBuffer& out, int keep_rows) {
    out.rows = PQntuples(r);
    out.columns = PQnfields(r);
    const char* affected = PQcmdTuples(const_cast<PGresult*>(r));
    out.affected = 0;
    std::from_chars(affected, affected + std::strlen(affected), out.affected);
    int keep = std::min(out.rows, keep_rows);
    size_t need = static_cast<size_t>(keep) * out.columns;
    if (out.cells.size() < need) out.cells.resize(need);
    for (int row = 0; row < keep; ++row) {
      for (int col = 0; col < out.columns; ++col) {
        Value& v = out.cells[static_cast<size_t>(row) * out.columns + col];
        if (PQgetisnull(r, row, col)) {
          v.set_null();
          continue;
        }
        const char* s = PQgetvalue(r, row, col);
        size_t n = static_cast<size_t>(PQgetlength(r, row, col));
        unsigned oid = PQftype(r, col);
        if (oid == kInt8Oid || oid == kInt4Oid || oid == kInt2Oid || oid == kOidOid) {
          v.kind = Value::Kind::kInt;
          std::from_chars(s, s + n, v.i);
        } else if (oid == kFloat4Oid || oid == kFloat8Oid || oid == kNumericOid) {
          v.kind = Value::Kind::kDouble;
          std::from_chars(s, s + n, v.d);
        } else {
          v.kind = Value::Kind::kText;
          v.s.assign(s, n);
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<Connection> connect(const Target& target) {
  return std::make_unique<PostgresConnection>(target);
}

}  // namespace oltap::engine::postgres
