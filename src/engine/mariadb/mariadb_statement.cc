// A prepared statement's bound buffers; see mariadb_statement.h.
//
// Nothing here allocates once the buffers have grown to the longest value
// seen: a text buffer grows (to twice what it must hold), the rest is fixed.
#include "mariadb_statement.h"

#include <algorithm>
#include <charconv>
#include <cstring>

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

// Writes v into param's buffers; sets rebind when the bind must change
// (its type, or a text buffer that moved). False: out of memory.
bool set_param(Param& param, MYSQL_BIND& b, const Value& v, bool& rebind) noexcept {
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

// A row had text longer than its column's buffer: grows the buffer, reads
// the column again into it, and binds the grown buffers for the next rows.
bool refetch_truncated(Statement& p) noexcept {
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

// Row `row` of the result into out's cells. False: out of memory.
bool keep_row(const Statement& p, ResultBuffer& out, int row) noexcept {
  const size_t ncols = p.columns.size();
  const size_t need = (static_cast<size_t>(row) + 1) * ncols;
  try {
    if (out.cells.size() < need) out.cells.resize(need);
    for (size_t c = 0; c < ncols; ++c) {
      Value& v = out.cells[static_cast<size_t>(row) * ncols + c];
      const Column& col = p.columns[c];
      const MYSQL_BIND& b = p.result_binds[c];
      if (col.is_null)
        v.set_null();
      else if (b.buffer_type == MYSQL_TYPE_LONGLONG)
        v.set_int(col.i);
      else if (b.buffer_type == MYSQL_TYPE_DOUBLE)
        v.set_double(col.d);
      else
        set_from_text(v, col.type, col.text.data(), col.length);
    }
  } catch (...) {
    return false;
  }
  return true;
}

}  // namespace

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

Outcome bind_params(Statement& p, const Value* const* params) noexcept {
  bool rebind = !p.bound;
  for (size_t i = 0; i < p.params.size(); ++i)
    if (!set_param(p.params[i], p.param_binds[i], *params[i], rebind)) return Outcome::kOutOfMemory;
  if (rebind && !p.params.empty() && mysql_stmt_bind_param(p.h, p.param_binds.data()) != 0)
    return Outcome::kStatementFailed;
  p.bound = true;
  return Outcome::kOk;
}

void bind_results(Statement& p) {
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

Outcome fetch_rows(Statement& p, ResultBuffer* out, int keep_rows) noexcept {
  int rows = 0;
  for (;;) {
    int rc = mysql_stmt_fetch(p.h);
    if (rc == MYSQL_NO_DATA) break;
    if (rc == 1) return Outcome::kStatementFailed;
    if ((rc == MYSQL_DATA_TRUNCATED && !refetch_truncated(p)) ||
        (out && rows < keep_rows && !keep_row(p, *out, rows))) {
      mysql_stmt_free_result(p.h);
      return Outcome::kOutOfMemory;
    }
    ++rows;
  }
  mysql_stmt_free_result(p.h);
  if (out) {
    out->rows = rows;
    out->columns = static_cast<int>(p.columns.size());
    out->affected = rows;  // as PostgreSQL's command tag counts a SELECT's rows
  }
  return Outcome::kOk;
}

void count_changed_rows(Statement& p, ResultBuffer& out) noexcept {
  const my_ulonglong n = mysql_stmt_affected_rows(p.h);
  out.rows = 0;
  out.columns = 0;
  out.affected = n == static_cast<my_ulonglong>(-1) ? 0 : static_cast<int64_t>(n);
}

}  // namespace oltap::engine::mariadb
