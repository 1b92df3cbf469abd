// The PostgreSQL driver on libpqxx. One pqxx::nontransaction stays open for
// the session so that executing a prepared statement creates no transaction
// object per call; BEGIN/COMMIT are sent as statements, which is what
// pgbench sends too.
#include "postgres_driver.h"

#include <charconv>
#include <pqxx/pqxx>
#include <pqxx/tablewriter>

#include "engine/placeholders.h"

namespace oltap::engine::postgres {
namespace {

// Seconds libpq waits for a server before "could not connect".
constexpr int kConnectTimeoutS = 10;
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
  s += " connect_timeout=" + std::to_string(kConnectTimeoutS) + " application_name=oltap";
  for (const auto& [k, v] : t.options)
    if (k != "dialect") s += " " + k + "=" + quote_conninfo(v);
  return s;
}

// Removes the password from a driver message, in case a driver echoes it.
std::string scrub(std::string msg, const std::string& password) {
  if (password.size() >= 3)
    for (size_t p; (p = msg.find(password)) != std::string::npos;) msg.replace(p, password.size(), "***");
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  for (auto& c : msg)
    if (c == '\n') c = ' ';
  return msg;
}

Status status_of_sqlstate(const std::string& state) {
  if (state == "40001" || state == "40P01") return Status::kRetryable;
  if (state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03")
    return Status::kConnectionLost;
  return Status::kFatal;
}

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
    case Value::Kind::kText:
      for (char c : v.s) {
        switch (c) {
          case '\\':
            out += "\\\\";
            break;
          case '\t':
            out += "\\t";
            break;
          case '\n':
            out += "\\n";
            break;
          case '\r':
            out += "\\r";
            break;
          default:
            out += c;
        }
      }
      return;
  }
}

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const Target& t) : target_(t) {
    try {
      conn_ = std::make_unique<pqxx::connection>(conninfo(t));
    } catch (const std::exception& e) {
      throw Error(ErrorClass::kUnreachable,
                  "cannot connect to " + t.redacted() + ": " + scrub(e.what(), t.password));
    }
    tx_ = std::make_unique<pqxx::nontransaction>(*conn_);
  }

  int prepare(const std::string& sql, std::vector<std::string>& param_names) override {
    Prepared p;
    p.name = "oltap_" + std::to_string(stmts_.size());
    std::string native = translate_placeholders(sql, PlaceholderStyle::kDollar, param_names);
    try {
      conn_->prepare(p.name, native);
      conn_->prepare_now(p.name);  // so a bad statement fails here, before the run starts
    } catch (const std::exception& e) {
      throw Error(ErrorClass::kBadInput, "cannot prepare on " + target_.redacted() + ": " +
                                             scrub(e.what(), target_.password) + " [statement: " + sql + "]");
    }
    p.texts.resize(param_names.size());
    p.ptrs.resize(param_names.size());
    stmts_.push_back(std::move(p));
    return static_cast<int>(stmts_.size() - 1);
  }

  Status execute(int id, const Value* const* params, ResultBuffer* out, int keep_rows) noexcept override {
    Prepared& p = stmts_[id];
    try {
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
      pqxx::result r = ensure_tx().exec_prepared(p.name, pqxx::prepare::make_dynamic_params(p.ptrs));
      if (out) fill(r, *out, keep_rows);
      return Status::kOk;
    } catch (const pqxx::sql_error& e) {
      return fail(status_of_sqlstate(e.sqlstate()), e.what());
    } catch (const pqxx::broken_connection& e) {
      return fail(Status::kConnectionLost, e.what());
    } catch (const std::exception& e) {
      return fail(Status::kFatal, e.what());
    }
  }

  Status begin() noexcept override { return simple(kBegin); }
  Status commit() noexcept override { return simple(kCommit); }
  Status rollback() noexcept override { return simple(kRollback); }
  const std::string& last_error() const noexcept override { return last_error_; }

  void run(const std::string& sql) override {
    try {
      ensure_tx().exec(sql);
    } catch (const std::exception& e) {
      throw Error(ErrorClass::kFatal, target_.redacted() + ": " + scrub(e.what(), target_.password));
    }
  }

  std::string query_value(const std::string& sql) override {
    try {
      pqxx::result r = ensure_tx().exec(sql);
      if (r.empty() || r.columns() == 0 || r[0][0].is_null()) return "";
      return r[0][0].c_str();
    } catch (const std::exception& e) {
      throw Error(ErrorClass::kFatal, target_.redacted() + ": " + scrub(e.what(), target_.password));
    }
  }

  void bulk_load(const std::string& table, const std::vector<std::string>& columns,
                 const std::function<bool(RowBatch&)>& next) override {
    tx_.reset();  // libpqxx allows one transaction object per connection
    try {
      pqxx::work w(*conn_);
      // libpqxx 6.4 keeps stream_to's raw-line writer private; tablewriter's is
      // public and sends our pre-escaped multi-row chunks as they are, which is
      // what makes COPY fast (one message per chunk, no per-field escaping pass).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
      pqxx::tablewriter stream(w, table, columns.begin(), columns.end());
#pragma GCC diagnostic pop
      RowBatch batch;
      std::string chunk;
      chunk.reserve(kCopyChunkBytes + 4096);
      auto flush = [&] {
        if (chunk.empty()) return;
        chunk.pop_back();  // write_raw_line adds the last newline itself
        stream.write_raw_line(chunk);
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
      stream.complete();
      w.commit();
    } catch (const Error&) {
      throw;
    } catch (const std::exception& e) {
      throw Error(ErrorClass::kFatal, "loading " + table + " on " + target_.redacted() + ": " +
                                          scrub(e.what(), target_.password));
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
  inline static const std::string kBegin = "BEGIN", kCommit = "COMMIT", kRollback = "ROLLBACK";

  Target target_;
  std::unique_ptr<pqxx::connection> conn_;
  std::unique_ptr<pqxx::nontransaction> tx_;
  std::vector<Prepared> stmts_;
  std::string last_error_;

  pqxx::nontransaction& ensure_tx() {
    if (!tx_) tx_ = std::make_unique<pqxx::nontransaction>(*conn_);
    return *tx_;
  }

  Status fail(Status s, const char* what) noexcept {
    try {
      last_error_ = scrub(what, target_.password);
    } catch (...) {
    }
    return s;
  }

  Status simple(const std::string& sql) noexcept {
    try {
      ensure_tx().exec(sql);
      return Status::kOk;
    } catch (const pqxx::sql_error& e) {
      return fail(status_of_sqlstate(e.sqlstate()), e.what());
    } catch (const pqxx::broken_connection& e) {
      return fail(Status::kConnectionLost, e.what());
    } catch (const std::exception& e) {
      return fail(Status::kFatal, e.what());
    }
  }

  static void fill(const pqxx::result& r, ResultBuffer& out, int keep_rows) {
    out.rows = static_cast<int>(r.size());
    out.columns = static_cast<int>(r.columns());
    out.affected = r.affected_rows();
    int keep = std::min(out.rows, keep_rows);
    size_t need = static_cast<size_t>(keep) * out.columns;
    if (out.cells.size() < need) out.cells.resize(need);
    for (int row = 0; row < keep; ++row) {
      for (int col = 0; col < out.columns; ++col) {
        const pqxx::field f = r[row][col];
        Value& v = out.cells[static_cast<size_t>(row) * out.columns + col];
        if (f.is_null()) {
          v.set_null();
          continue;
        }
        const char* s = f.c_str();
        size_t n = f.size();
        unsigned oid = r.column_type(col);
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
