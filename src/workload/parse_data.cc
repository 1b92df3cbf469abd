// The workload format's `data:` section: what `oltap load` generates, table
// by table, and the checks that need the whole entry (names bound in order,
// Redis key templates, the schema creating the table).
#include <functional>

#include "parse.h"

namespace oltap::workload {
namespace {

Column read_column(const YamlReader& r, const std::string& name, const YAML::Node& n) {
  Column c;
  c.name = name;
  c.mark = r.mark(n);
  if (n.IsNull()) {
    c.kind = Column::Kind::kNull;
    return c;
  }
  if (n.IsScalar()) {  // a bare value is a constant
    c.kind = Column::Kind::kExpr;
    c.expr = Expr::constant(r.value(n));
    return c;
  }
  r.expect_map(n, ("column " + name).c_str());
  if (n["expr"]) {
    r.check_keys(n, {"expr"}, ("column " + name).c_str());
    c.kind = Column::Kind::kExpr;
    c.expr = r.expr(n["expr"], "expr");
    return c;
  }
  if (n["null"]) {
    r.check_keys(n, {"null"}, ("column " + name).c_str());
    c.kind = Column::Kind::kNull;
    return c;
  }
  if (n["permutation"]) {
    // Position `index` of a random permutation of [lo, hi]: TPC-C's O_C_ID.
    r.check_keys(n, {"permutation", "index", "key"}, ("column " + name).c_str());
    c.kind = Column::Kind::kPermutation;
    const YAML::Node& b = n["permutation"];
    if (!b.IsSequence() || b.size() != 2) r.fail(b, "permutation takes [lo, hi], e.g. [1, 3000]");
    c.lo = r.expr(b[0], "permutation");
    c.hi = r.expr(b[1], "permutation");
    if (!n["index"]) r.fail(n, "permutation needs 'index', the 0-based position, e.g. row % 3000");
    c.expr = r.expr(n["index"], "index");
    if (n["key"]) c.key = r.expr(n["key"], "key");
    return c;
  }
  if (n["seq"] && !n["step"]) {
    r.check_keys(n, {"seq"}, ("column " + name).c_str());
    c.kind = Column::Kind::kSequence;
    c.seq_start = r.integer(n["seq"], "seq");
    return c;
  }
  if (n["values"]) {
    // One of a list by position: TPC-H's 25 nations, one row each.
    r.check_keys(n, {"values", "index"}, ("column " + name).c_str());
    c.kind = Column::Kind::kValues;
    r.expect_seq(n["values"], "values");
    if (n["values"].size() == 0) r.fail(n["values"], "values needs at least one value");
    for (const auto& e : n["values"]) c.values.push_back(r.value(e));
    c.expr = n["index"] ? r.expr(n["index"], "index") : Expr::parse("row", r.mark(n["values"]));
    return c;
  }
  if (n["format"]) {
    r.check_keys(n, {"format"}, ("column " + name).c_str());
    c.kind = Column::Kind::kFormat;
    std::vector<TemplatePart> parts;
    try {
      parts = split_template(r.str(n["format"], "format"));
    } catch (const Error& e) {
      r.fail(n["format"], e.what());
    }
    for (const auto& p : parts) {
      Column::FormatPart f;
      f.literal = p.literal;
      f.name = p.name;
      // {name:09}: at least 9 characters, zero-padded.
      if (p.name.find('{') != std::string::npos)
        r.fail(n["format"], "'{" + p.name + "': a '{' is not closed (write {{ for a brace)");
      if (size_t colon = p.name.find(':'); colon != std::string::npos) {
        const std::string width = p.name.substr(colon + 1);
        f.name = trim(p.name.substr(0, colon));
        if (width.size() < 2 || width[0] != '0' ||
            width.find_first_not_of("0123456789") != std::string::npos || width.size() > 3)
          r.fail(n["format"],
                 "'{" + p.name + "}': a width is written :0N, e.g. {id:09} for 9 digits with zeros");
        f.width = std::stoi(width);
      }
      f.name = trim(f.name);
      if (f.name.empty() && !p.name.empty()) r.fail(n["format"], "'{" + p.name + "}' names nothing");
      c.format.push_back(std::move(f));
    }
    return c;
  }
  if (n["date"]) {
    // A start date plus a number of days, written YYYY-MM-DD.
    r.check_keys(n, {"date", "add_days"}, ("column " + name).c_str());
    c.kind = Column::Kind::kDate;
    const std::string from = r.str(n["date"], "date");
    std::optional<int64_t> days = parse_date_days(from);
    if (!days)
      r.fail(n["date"],
             "date takes a start date written YYYY-MM-DD; '" + from + "' is not one (or no such day)");
    c.date_from = *days;
    c.expr = n["add_days"] ? r.expr(n["add_days"], "add_days") : Expr::constant(Value::of_int(0));
    return c;
  }
  if (n["sum"]) {
    // A sum over items: an order's total over its lines (TPC-H's O_TOTALPRICE).
    r.check_keys(n, {"sum", "count", "let"}, ("column " + name).c_str());
    c.kind = Column::Kind::kSum;
    c.expr = r.expr(n["sum"], "sum");
    if (!n["count"]) r.fail(n, "sum needs 'count', the number of items summed, e.g. count: lines");
    c.count = r.expr(n["count"], "count");
    if (n["let"]) {
      r.expect_map(n["let"], "let");
      for (auto it = n["let"].begin(); it != n["let"].end(); ++it) {
        Column inner = read_column(r, r.str(it->first, "a name in let"), it->second);
        if (inner.kind == Column::Kind::kSequence)
          r.fail(it->second, "a sum's let cannot be a seq (it has no row of its own)");
        c.sum_lets.push_back(std::move(inner));
      }
    }
    return c;
  }
  c.kind = Column::Kind::kDist;
  c.dist = read_dist(r, n, "column " + name, true);
  if (n["key"]) c.key = r.expr(n["key"], "key");
  return c;
}

void read_data_entry(const YamlReader& r, const YAML::Node& t, Spec& spec) {
  r.expect_map(t, "a data entry");
  r.check_keys(t, {"table", "rows", "repeat", "let", "columns", "redis", "after_load"}, "a data entry");
  TableData td;
  td.mark = r.mark(t);
  {
    YAML::Node rows_only = YAML::Clone(t);
    rows_only.remove("after_load");
    td.definition = YAML::Dump(rows_only);
  }
  if (!t["table"]) r.fail(t, "a data entry needs 'table'");
  td.table = r.str(t["table"], "table");
  if (t["redis"]) {
    const YAML::Node& rk = t["redis"];
    r.expect_map(rk, "redis");
    r.check_keys(rk, {"key", "value", "index"}, "redis");
    if (!rk["key"]) r.fail(rk, "redis needs 'key', a template such as \"user:{id}\"");
    td.redis_key = r.str(rk["key"], "key");
    if (rk["value"]) td.redis_value = r.str(rk["value"], "value");
    if (rk["index"]) td.redis_index = r.str(rk["index"], "index");
  }
  if (t["after_load"]) td.after_load = read_dialected(r, t["after_load"], "after_load");
  if (!t["rows"]) r.fail(t, "data for " + td.table + " needs 'rows'");
  td.rows = r.expr(t["rows"], "rows");
  td.rows.resolve([](const std::string& n) { return n == "scale" ? 0 : -1; });
  if (!t["columns"]) r.fail(t, "data for " + td.table + " needs 'columns'");
  r.expect_map(t["columns"], "columns");
  // The generator's slots: scale, row (0-based), item (1..repeat; only
  // with repeat), load_time, the lets, then the columns, each seeing
  // those before it.
  std::vector<std::string> earlier = {"scale", "row", "", "load_time"};  // "item" once repeat is read
  auto slot_of = [&](const std::string& n) {
    for (size_t k = 0; k < earlier.size(); ++k)
      if (earlier[k] == n) return static_cast<int>(k);
    return -1;
  };
  // Resolves a column's names and gives it the next slot; a sum's own
  // values get slots too, seen only inside the sum.
  std::function<void(Column&, const char*, const Mark&)> bind = [&](Column& c, const char* what,
                                                                    const Mark& at) {
    for (const auto& other : earlier)
      if (other == c.name)
        throw error_at(
            at, std::string(what) + " '" + c.name + "' of " + td.table + " is defined twice or hides a name");
    auto scale_only = [](const std::string& x) { return x == "scale" ? 0 : -1; };
    switch (c.kind) {
      case Column::Kind::kSum: {
        c.count.resolve(slot_of);  // before the sum's items exist
        const std::string outer_item = earlier[2];
        earlier[2] = "item";
        const size_t first = earlier.size();
        for (auto& l : c.sum_lets) bind(l, "let", l.mark);
        c.expr.resolve(slot_of);
        for (size_t k = first; k < earlier.size(); ++k) earlier[k].clear();
        earlier[2] = outer_item;
        break;
      }
      case Column::Kind::kFormat:
        for (auto& part : c.format) {
          if (part.name.empty()) continue;
          part.slot = slot_of(part.name);
          if (part.slot < 0)
            throw error_at(c.mark, "unknown name '" + part.name + "' in the format of " + c.name +
                                       " (a format sees row, scale, load_time, the lets and the columns "
                                       "before it)");
        }
        break;
      case Column::Kind::kPermutation:
        c.expr.resolve(slot_of);
        c.lo.resolve(scale_only);
        c.hi.resolve(scale_only);
        break;
      case Column::Kind::kExpr:
      case Column::Kind::kValues:
      case Column::Kind::kDate:
        c.expr.resolve(slot_of);
        break;
      case Column::Kind::kDist:
      case Column::Kind::kSequence:
      case Column::Kind::kNull:
        break;
    }
    if (c.key) c.key->resolve(slot_of);
    if (c.dist.number) c.dist.number->resolve(slot_of);
    for (auto& a : c.dist.args) a.resolve(slot_of);
    for (auto& in : c.dist.inner)
      for (auto& a : in.args) a.resolve(slot_of);
    c.slot = static_cast<int>(earlier.size());
    earlier.push_back(c.name);
  };
  auto read_columns = [&](const YAML::Node& map, std::vector<Column>& out, const char* what) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      Column c = read_column(r, r.str(it->first, "a column name"), it->second);
      bind(c, what, r.mark(it->first));
      out.push_back(std::move(c));
    }
  };
  if (t["let"]) {
    r.expect_map(t["let"], "let");
    read_columns(t["let"], td.lets, "let");
  }
  if (t["repeat"]) {
    // `repeat: EXPR`, or `repeat: {count: EXPR, let: {...}}` with values
    // computed for each of the rows made. The count is evaluated once per
    // row, before item exists.
    const YAML::Node& rp = t["repeat"];
    const YAML::Node count = rp.IsMap() ? rp["count"] : rp;
    if (rp.IsMap()) {
      r.check_keys(rp, {"count", "let"}, "repeat");
      if (!count) r.fail(rp, "repeat needs 'count', e.g. count: o_ol_cnt");
    }
    td.repeat = r.expr(count, "repeat");
    td.repeat->resolve(slot_of);
    earlier[2] = "item";
    if (rp.IsMap() && rp["let"]) {
      r.expect_map(rp["let"], "let");
      read_columns(rp["let"], td.item_lets, "let");
    }
  }
  read_columns(t["columns"], td.columns, "column");
  td.slots = static_cast<int>(earlier.size());
  if (!td.redis_key.empty()) {
    auto is_column = [&](const std::string& n) {
      for (const auto& c : td.columns)
        if (c.name == n) return true;
      return false;
    };
    std::vector<TemplatePart> parts;
    try {
      parts = split_template(td.redis_key);
    } catch (const Error& e) {
      r.fail(t["redis"]["key"], e.what());
    }
    for (const auto& part : parts)
      if (!part.name.empty() && !is_column(part.name))
        r.fail(t["redis"]["key"],
               "'{" + part.name + "}' in the key of " + td.table + " is not one of its columns");
    if (!td.redis_value.empty() && !is_column(td.redis_value))
      r.fail(t["redis"]["value"], "value '" + td.redis_value + "' is not a column of " + td.table);
  }
  spec.data.push_back(std::move(td));
}

// A table name as the schema's CREATE TABLE and a data entry may both write
// it: SQL folds unquoted names, and a schema-qualified name matches its table.
std::string table_key(const std::string& name) {
  std::string n = to_lower(name);
  if (size_t dot = n.rfind('.'); dot != std::string::npos) n = n.substr(dot + 1);
  return n;
}

}  // namespace

void check_data_tables(const Spec& spec, Problems& problems) {
  for (const auto& td : spec.data) {
    // No schema at all: `oltap load` says so for SQL targets, and key-value
    // targets need none.
    if (spec.schema.empty()) continue;
    // Every dialect's schema must create it, as `oltap load` on that dialect
    // fills only what its schema made.
    for (const auto& entry : spec.schema.by_dialect) {
      const std::string& dialect = entry.first;
      const std::vector<std::string> tables = spec.tables(dialect);
      bool found = false;
      for (const auto& t : tables) found = found || table_key(t) == table_key(td.table);
      if (found) continue;
      std::string made;
      for (const auto& t : tables) made += (made.empty() ? "" : ", ") + t;
      problems.add(
          error_at(td.mark, "data for '" + td.table + "': the schema" +
                                (spec.schema.by_dialect.size() > 1 ? " for dialect " + dialect : "") +
                                " creates no such table (it creates " +
                                (made.empty() ? std::string("none") : made) + ")")
              .what());
    }
  }
}

void read_data(const YamlReader& r, const YAML::Node& list, Spec& spec, Problems& problems) {
  r.expect_seq(list, "data");
  for (const auto& t : list) problems.attempt([&] { read_data_entry(r, t, spec); });
}

}  // namespace oltap::workload
