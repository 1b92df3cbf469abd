#include "mariadb_bulk.h"

#include <errmsg.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "engine/messages.h"
#include "mariadb_errors.h"

namespace oltap::engine::mariadb {
namespace {

// Text of rows per LOAD DATA statement. Each statement is its own
// transaction (autocommit); a few MiB keep the statement count low without
// holding long transactions or much memory.
constexpr size_t kInfileBytes = 4 << 20;
// Multi-row INSERT (the fallback): rows, and bytes of SQL, per statement at
// most (well under the server's max_allowed_packet, 16 MiB by default).
constexpr size_t kValuesRows = 1000;
constexpr size_t kValuesBytes = 1 << 20;

// The rows one LOAD DATA statement sends, and how far the server has read.
struct Feed {
  const std::string* text = nullptr;
  size_t pos = 0;
};

int feed_init(void** ptr, const char* /*file*/, void* userdata) {
  *ptr = userdata;
  return userdata ? 0 : 1;  // no feed: a request oltap did not make
}
int feed_read(void* ptr, char* buf, unsigned int len) {
  Feed& f = *static_cast<Feed*>(ptr);
  const size_t n = std::min<size_t>(len, f.text->size() - f.pos);
  std::memcpy(buf, f.text->data() + f.pos, n);
  f.pos += n;
  return static_cast<int>(n);
}
void feed_end(void*) {}
int feed_error(void* /*ptr*/, char* msg, unsigned int len) {
  std::snprintf(msg, len, "oltap sends only the rows of its own load, never a file");
  return CR_UNKNOWN_ERROR;
}

// LOAD DATA's default format: tab between fields, a newline after each
// row, backslash escapes, \N for NULL (MariaDB's LOAD DATA INFILE page).
void append_field(std::string& out, const Value& v) {
  char buf[kMaxNumberText];
  switch (v.kind) {
    case Value::Kind::kNull:
      out += "\\N";
      return;
    case Value::Kind::kDouble:
      if (!std::isfinite(v.d)) {  // MariaDB has no NaN or infinity
        out += "\\N";
        return;
      }
      [[fallthrough]];
    case Value::Kind::kInt:
      out.append(buf, static_cast<size_t>(v.to_text(buf, sizeof buf)));
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
          case '\0':
            out += "\\0";
            break;
          default:
            out += c;
        }
      }
      return;
  }
}

void append_literal(MYSQL* m, std::string& out, const Value& v, std::string& escaped) {
  char buf[kMaxNumberText];
  switch (v.kind) {
    case Value::Kind::kNull:
      out += "NULL";
      return;
    case Value::Kind::kDouble:
      if (!std::isfinite(v.d)) {
        out += "NULL";
        return;
      }
      [[fallthrough]];
    case Value::Kind::kInt:
      out.append(buf, static_cast<size_t>(v.to_text(buf, sizeof buf)));
      return;
    case Value::Kind::kText:
      escaped.resize(v.s.size() * 2 + 1);
      escaped.resize(mysql_real_escape_string(m, escaped.data(), v.s.data(), v.s.size()));
      out += '\'';
      out += escaped;
      out += '\'';
      return;
  }
}

class Loader {
 public:
  Loader(MYSQL* m, const Target& t, const BulkSpec& spec) : m_(m), target_(t), spec_(spec) {
    std::string cols;
    for (size_t c = 0; c < spec.columns.size(); ++c) cols += (c ? ", " : "") + spec.columns[c];
    load_sql_ = "LOAD DATA LOCAL INFILE 'oltap-rows' INTO TABLE " + spec.table + " CHARACTER SET utf8mb4 (" +
                cols + ")";
    insert_sql_ = "INSERT INTO " + spec.table + " (" + cols + ") VALUES ";
    // The server's local_infile (ON in MariaDB, OFF in MySQL 8 unless set)
    // decides whether it takes LOAD DATA LOCAL at all.
    use_insert_ = !local_infile_on();
    if (!use_insert_) rows_.reserve(kInfileBytes + (64 << 10));
  }

  void add(const RowBatch& batch) {
    const size_t ncols = static_cast<size_t>(batch.columns);
    if (ncols != spec_.columns.size())
      throw Error(ErrorClass::kFatal, "internal: batch has " + std::to_string(ncols) + " columns, not " +
                                          std::to_string(spec_.columns.size()));
    if (use_insert_) return insert(batch);
    for (size_t r = 0; r < batch.rows; ++r) {
      for (size_t c = 0; c < ncols; ++c) {
        if (c) rows_ += '\t';
        append_field(rows_, batch.cells[r * ncols + c]);
      }
      rows_ += '\n';
    }
    pending_rows_ += batch.rows;
    if (rows_.size() >= kInfileBytes) flush();
  }

  void finish() {
    if (!use_insert_) flush();
  }

 private:
  MYSQL* m_;
  const Target& target_;
  const BulkSpec& spec_;
  std::string load_sql_, insert_sql_;
  std::string rows_;  // LOAD DATA text of the rows not yet sent
  size_t pending_rows_ = 0;
  bool use_insert_ = false;
  std::string sql_, escaped_;

  std::string server_message() const {
    return scrub(diagnostic(mysql_errno(m_), mysql_sqlstate(m_), mysql_error(m_)), target_.password);
  }
  [[noreturn]] void fail(const std::string& why, const std::string& stmt) const {
    std::string shown = stmt.size() > 200 ? stmt.substr(0, 200) + "…" : stmt;
    throw Error(ErrorClass::kFatal, "loading " + spec_.table + " on " + target_.redacted() + ": " + why +
                                        " [statement: " + shown + "]");
  }

  void flush() {
    if (pending_rows_ == 0) return;
    Feed feed{&rows_, 0};
    mysql_set_local_infile_handler(m_, feed_init, feed_read, feed_end, feed_error, &feed);
    const int rc = mysql_real_query(m_, load_sql_.data(), load_sql_.size());
    guard_local_infile(m_);
    if (rc != 0) fail(server_message(), load_sql_);
    // LOCAL makes the server skip a row it refuses, with a warning: a load
    // that stored fewer rows than it sent, or warned, failed.
    const my_ulonglong stored = mysql_affected_rows(m_);
    if (stored != pending_rows_ || mysql_warning_count(m_) != 0) {
      std::string warning = first_warning();
      fail(std::to_string(pending_rows_) + " rows sent, " + std::to_string(stored) + " stored" +
               (warning.empty() ? "" : ": " + warning),
           load_sql_);
    }
    rows_.clear();
    pending_rows_ = 0;
  }

  bool local_infile_on() {
    const char q[] = "SELECT @@local_infile";
    if (mysql_real_query(m_, q, sizeof q - 1) != 0) return false;
    bool on = false;
    if (MYSQL_RES* res = mysql_store_result(m_)) {
      if (MYSQL_ROW row = mysql_fetch_row(res); row && row[0]) on = std::strcmp(row[0], "1") == 0;
      mysql_free_result(res);
    }
    return on;
  }

  std::string first_warning() {
    if (mysql_real_query(m_, "SHOW WARNINGS LIMIT 1", 21) != 0) return "";
    std::string out;
    if (MYSQL_RES* res = mysql_store_result(m_)) {
      if (MYSQL_ROW row = mysql_fetch_row(res); row && mysql_num_fields(res) >= 3 && row[2])
        out = scrub(row[2], target_.password);
      mysql_free_result(res);
    }
    return out;
  }

  void must(const std::string& stmt) {
    if (mysql_real_query(m_, stmt.data(), stmt.size()) != 0) {
      std::string why = server_message();
      mysql_real_query(m_, "ROLLBACK", 8);
      fail(why, stmt);
    }
  }

  // Multi-row INSERT of one batch, in one transaction.
  void insert(const RowBatch& batch) {
    const size_t ncols = static_cast<size_t>(batch.columns);
    must("BEGIN");
    size_t in_statement = 0;
    for (size_t r = 0; r < batch.rows; ++r) {
      if (in_statement == 0) sql_ = insert_sql_;
      sql_ += in_statement ? ",(" : "(";
      for (size_t c = 0; c < ncols; ++c) {
        if (c) sql_ += ',';
        append_literal(m_, sql_, batch.cells[r * ncols + c], escaped_);
      }
      sql_ += ')';
      if (++in_statement == kValuesRows || sql_.size() >= kValuesBytes) {
        must(sql_);
        in_statement = 0;
      }
    }
    if (in_statement) must(sql_);
    must("COMMIT");
  }
};

}  // namespace

void guard_local_infile(MYSQL* m) noexcept {
  mysql_set_local_infile_handler(m, feed_init, feed_read, feed_end, feed_error, nullptr);
}

void bulk_load(MYSQL* m, const Target& target, const BulkSpec& spec,
               const std::function<bool(RowBatch&)>& next) {
  Loader loader(m, target, spec);
  RowBatch batch;
  while (next(batch)) {
    loader.add(batch);
    batch.clear();
  }
  loader.finish();
}

}  // namespace oltap::engine::mariadb
