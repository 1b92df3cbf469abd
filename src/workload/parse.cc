// The YAML workload format, read into a Spec. Every check here reports the
// place in the file; docs/workload-format.md describes each key.
#include <cmath>
#include <functional>
#include <set>

#include "yaml_util.h"

namespace oltap::workload {
namespace {

const std::vector<std::string> kDialects = {"default", "postgres", "mysql", "redshift", "sqlite"};

Dialected read_dialected(const YamlReader& r, const YAML::Node& n, const char* what) {
  Dialected d;
  d.mark = r.mark(n);
  if (n.IsScalar()) {
    d.by_dialect["default"] = n.Scalar();
    return d;
  }
  if (!n.IsMap()) r.fail(n, std::string(what) + " must be text, or a mapping of dialect: text");
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string k = r.str(it->first, "a dialect name");
    bool known = false;
    for (const auto& x : kDialects) known = known || x == k;
    if (!known) {
      std::string near = closest_match(k, kDialects);
      r.fail(it->first, "unknown dialect '" + k + "' in " + what +
                            (near.empty() ? " (known: default, postgres, mysql, redshift, sqlite)"
                                          : "; did you mean '" + near + "'?"));
    }
    d.by_dialect[k] = r.str(it->second, what);
  }
  return d;
}

// Distribution keys, one of which makes a mapping a distribution.
const std::vector<std::string> kDistKeys = {"const",  "uniform", "zipfian",   "nurand", "seq",   "string",
                                            "choice", "latest",  "syllables", "text",   "sample"};

std::vector<Expr> read_bounds(const YamlReader& r, const YAML::Node& n, size_t count, const char* what) {
  std::vector<Expr> out;
  if (count == 1 && n.IsScalar()) {
    out.push_back(r.expr(n, what));
    return out;
  }
  if (!n.IsSequence() || n.size() != count)
    r.fail(n, std::string(what) + " takes a list of " + std::to_string(count) + " values, e.g. " +
                  (count == 2 ? "[1, 100]" : "[255, 1, 3000]"));
  for (const auto& e : n) out.push_back(r.expr(e, what));
  return out;
}

// `embed: {text: ORIGINAL, share: 0.1}`, or a list of such, of a string or
// text distribution.
void read_embeds(const YamlReader& r, const YAML::Node& n, DistSpec& d) {
  if (!n["embed"]) return;
  const YAML::Node& list = n["embed"];
  auto one = [&](const YAML::Node& e) {
    r.expect_map(e, "embed (e.g. {text: ORIGINAL, share: 0.1})");
    r.check_keys(e, {"text", "share"}, "embed");
    if (!e["text"] || !e["share"]) r.fail(e, "embed needs 'text' and 'share'");
    TextEmbed em;
    em.text = r.str(e["text"], "text");
    em.share = r.number(e["share"], "share");
    if (em.text.empty()) r.fail(e["text"], "embed's text must not be empty");
    if (em.share < 0 || em.share > 1) r.fail(e["share"], "share must be within [0, 1]");
    d.embeds.push_back(std::move(em));
  };
  if (list.IsSequence()) {
    for (const auto& e : list) one(e);
    double total = 0;
    for (const auto& e : d.embeds) total += e.share;
    if (total > 1) r.fail(list, "the embeds' shares add up to more than 1");
  } else {
    one(list);
  }
}

// A distribution given as a one-key mapping ({uniform: [1, 10]}) plus its options.
// allow_key: a data column, which may also say `key:` beside its distribution.
DistSpec read_dist(const YamlReader& r, const YAML::Node& n, const std::string& owner,
                   bool allow_key = false) {
  DistSpec d;
  d.mark = r.mark(n);
  auto check_keys = [&](const YAML::Node& map, std::initializer_list<const char*> allowed, const char*) {
    std::vector<std::string> names(allowed.begin(), allowed.end());
    if (allow_key) names.push_back("key");
    r.check_keys(map, names, owner.c_str());
  };
  std::string kind;
  for (auto it = n.begin(); it != n.end(); ++it) {
    std::string k = r.str(it->first, "a distribution key");
    for (const auto& dk : kDistKeys)
      if (dk == k) {
        if (!kind.empty())
          r.fail(it->first, owner + " has two distributions: '" + kind + "' and '" + k + "'");
        kind = k;
      }
  }
  if (kind.empty()) {
    std::string first = n.begin() != n.end() ? n.begin()->first.Scalar() : "";
    std::string near = closest_match(first, kDistKeys);
    r.fail(n, owner +
                  " needs a distribution: one of const, uniform, zipfian, nurand, seq, string, choice, "
                  "latest, syllables, text, sample" +
                  (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
  }
  YAML::Node v = n[kind];
  using K = Distribution::Kind;
  if (kind == "const") {
    check_keys(n, {"const"}, owner.c_str());
    d.kind = K::kConst;
    if (v.IsScalar() && v.Tag() != "!") {
      d.args.push_back(r.expr(v, "const"));
    } else {
      d.args.push_back(Expr::constant(r.value(v)));
    }
  } else if (kind == "uniform") {
    check_keys(n, {"uniform", "distinct"}, owner.c_str());
    d.kind = K::kUniform;
    d.args = read_bounds(r, v, 2, "uniform");
    for (const auto& e : v)
      if (e.Scalar().find('.') != std::string::npos) d.kind = K::kUniformReal;
  } else if (kind == "zipfian") {
    check_keys(n, {"zipfian", "theta", "scrambled", "distinct"}, owner.c_str());
    d.kind = K::kZipfian;
    d.args = read_bounds(r, v, 2, "zipfian");
    if (n["theta"]) d.theta = r.number(n["theta"], "theta");
    if (d.theta <= 0) r.fail(n["theta"], "theta must be above 0");
    if (n["scrambled"]) d.scrambled = r.boolean(n["scrambled"], "scrambled");
  } else if (kind == "latest") {
    check_keys(n, {"latest", "lo", "theta"}, owner.c_str());
    d.kind = K::kLatest;
    d.source = r.str(v, "latest (the name of a seq parameter)");
    d.args.push_back(n["lo"] ? r.expr(n["lo"], "lo") : Expr::constant(Value::of_int(1)));
    if (n["theta"]) d.theta = r.number(n["theta"], "theta");
    if (d.theta <= 0) r.fail(n["theta"], "theta must be above 0");
  } else if (kind == "nurand") {
    check_keys(n, {"nurand", "distinct"}, owner.c_str());
    d.kind = K::kNURand;
    d.args = read_bounds(r, v, 3, "nurand ([A, min, max])");
  } else if (kind == "seq") {
    check_keys(n, {"seq", "step"}, owner.c_str());
    d.kind = K::kSequence;
    d.args.push_back(r.expr(v, "seq"));
    d.args.push_back(n["step"] ? r.expr(n["step"], "step") : Expr::constant(Value::of_int(1)));
  } else if (kind == "string") {
    check_keys(n, {"string", "charset", "embed", "suffix"}, owner.c_str());
    d.kind = K::kString;
    if (v.IsScalar()) {
      Expr e = r.expr(v, "string length");
      d.args = {e, e};
    } else {
      d.args = read_bounds(r, v, 2, "string ([min length, max length])");
    }
    d.charset = n["charset"] ? r.str(n["charset"], "charset") : std::string(kAlphaNumeric);
    if (d.charset.empty()) r.fail(n["charset"], "charset must not be empty");
    read_embeds(r, n, d);
    if (n["suffix"]) d.suffix = r.str(n["suffix"], "suffix");
  } else if (kind == "text") {
    check_keys(n, {"text", "embed"}, owner.c_str());
    d.kind = K::kText;
    d.args = read_bounds(r, v, 2, "text ([min length, max length])");
    read_embeds(r, n, d);
  } else if (kind == "sample") {
    check_keys(n, {"sample", "count", "separator"}, owner.c_str());
    d.kind = K::kSample;
    r.expect_seq(v, "sample");
    if (v.size() == 0) r.fail(v, "sample needs at least one option");
    for (const auto& e : v) d.options.push_back(r.value(e));
    if (!n["count"]) r.fail(n, "sample needs 'count', how many different options to join");
    d.count = static_cast<int>(r.integer(n["count"], "count"));
    if (d.count < 1 || static_cast<size_t>(d.count) > v.size())
      r.fail(n["count"], "count must be 1 to the number of options (" + std::to_string(v.size()) + ")");
    if (n["separator"]) d.separator = r.str(n["separator"], "separator");
  } else if (kind == "syllables") {
    check_keys(n, {"syllables", "from", "digits"}, owner.c_str());
    d.kind = K::kSyllables;
    r.expect_map(v, "syllables (the distribution of the number, e.g. {nurand: [255, 0, 999]})");
    if (v["expr"]) {
      // Only data columns evaluate it (parameters are checked where they are read).
      r.check_keys(v, {"expr"}, (owner + "'s syllables number").c_str());
      d.number = r.expr(v["expr"], "expr");
    } else {
      d.inner.push_back(read_dist(r, v, owner + "'s syllables number"));
    }
    if (n["from"]) {
      r.expect_seq(n["from"], "from");
      for (const auto& e : n["from"]) d.syllables.push_back(r.str(e, "a syllable"));
      if (d.syllables.size() != 10) r.fail(n["from"], "from needs ten syllables, one per digit");
    } else {
      // TPC-C clause 4.3.2.3.
      d.syllables = {"BAR", "OUGHT", "ABLE", "PRI", "PRES", "ESE", "ANTI", "CALLY", "ATION", "EING"};
    }
    if (n["digits"]) d.digits = static_cast<int>(r.integer(n["digits"], "digits"));
  } else if (kind == "choice") {
    check_keys(n, {"choice", "weights"}, owner.c_str());
    d.kind = K::kChoice;
    r.expect_seq(v, "choice");
    if (v.size() == 0) r.fail(v, "choice needs at least one option");
    for (const auto& e : v) d.options.push_back(r.value(e));
    if (n["weights"]) {
      r.expect_seq(n["weights"], "weights");
      if (n["weights"].size() != v.size())
        r.fail(n["weights"], "weights has " + std::to_string(n["weights"].size()) +
                                 " entries but choice has " + std::to_string(v.size()));
      for (const auto& w : n["weights"]) {
        double x = r.number(w, "a weight");
        if (x < 0) r.fail(w, "a weight must not be negative");
        d.weights.push_back(x);
      }
    } else {
      d.weights.assign(v.size(), 1.0);
    }
  }
  if (n["distinct"]) {
    if (d.kind != K::kUniform && d.kind != K::kZipfian && d.kind != K::kNURand)
      r.fail(n["distinct"], "distinct applies to uniform, zipfian and nurand");
    d.distinct = r.boolean(n["distinct"], "distinct");
  }
  return d;
}

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

Step read_step(const YamlReader& r, const YAML::Node& n) {
  r.expect_map(n, "a step");
  if (n["loop"]) {
    r.check_keys(n, {"loop", "steps", "if"}, "a loop step");
    const YAML::Node& l = n["loop"];
    r.expect_map(l, "loop");
    r.check_keys(l, {"count", "index", "redraw"}, "loop");
    Step s;
    s.mark = r.mark(n);
    Step::Loop loop;
    if (!l["count"]) r.fail(l, "loop needs 'count', e.g. count: ol_cnt");
    loop.count = r.expr(l["count"], "count");
    if (l["index"]) loop.index = r.str(l["index"], "index");
    if (l["redraw"]) {
      r.expect_seq(l["redraw"], "redraw");
      for (const auto& e : l["redraw"]) loop.redraw.push_back(r.str(e, "a parameter in redraw"));
    }
    s.loop = std::move(loop);
    if (n["if"]) s.when = r.expr(n["if"], "if");
    if (!n["steps"]) r.fail(n, "a loop needs 'steps'");
    r.expect_seq(n["steps"], "steps");
    if (n["steps"].size() == 0) r.fail(n["steps"], "steps must not be empty");
    for (const auto& b : n["steps"]) s.body.push_back(read_step(r, b));
    return s;
  }
  if (n["steps"] || n["else"]) {
    // A block: steps run when `if` holds, the `else` steps when it does not.
    r.check_keys(n, {"if", "steps", "else"}, "an if block");
    Step s;
    s.mark = r.mark(n);
    s.block = true;
    if (!n["if"]) r.fail(n, "a block of steps needs 'if' (steps: and else: go with it)");
    s.when = r.expr(n["if"], "if");
    auto read_list = [&](const char* key, std::vector<Step>& out) {
      if (!n[key]) return;
      r.expect_seq(n[key], key);
      if (n[key].size() == 0) r.fail(n[key], std::string(key) + " must not be empty");
      for (const auto& b : n[key]) out.push_back(read_step(r, b));
    };
    if (!n["steps"]) r.fail(n, "an if block needs 'steps' (else: alone would be `if: not ...`)");
    read_list("steps", s.body);
    read_list("else", s.else_body);
    return s;
  }
  if (n["let"]) {
    r.check_keys(n, {"let", "if"}, "a let step");
    r.expect_map(n["let"], "let (names and their expressions, e.g. {total: \"price * quantity\"})");
    Step s;
    s.mark = r.mark(n);
    for (auto it = n["let"].begin(); it != n["let"].end(); ++it)
      s.let.emplace_back(r.str(it->first, "a name in let"), r.expr(it->second, "a let expression"));
    if (s.let.empty()) r.fail(n["let"], "let needs at least one name");
    if (n["if"]) s.when = r.expr(n["if"], "if");
    return s;
  }
  r.check_keys(n, {"sql", "redis", "into", "into_row", "if", "rollback_if"}, "a step");
  Step s;
  s.mark = r.mark(n);
  if (!n["sql"] && !n["redis"])
    r.fail(n, "a step needs 'sql' (SQL targets) or 'redis' (Redis targets), or both");
  if (n["sql"]) s.sql = read_dialected(r, n["sql"], "sql");
  if (n["redis"]) {
    const YAML::Node& cmd = n["redis"];
    r.expect_seq(cmd, "redis");
    if (cmd.size() == 0) r.fail(cmd, "redis needs a command, e.g. [HGETALL, \"user:{id}\"]");
    for (const auto& a : cmd) s.redis.push_back(r.str(a, "a redis argument"));
  }
  if (n["into"]) {
    const YAML::Node& in = n["into"];
    if (in.IsScalar()) {
      s.into.push_back(in.Scalar());
    } else {
      r.expect_seq(in, "into");
      for (const auto& e : in) s.into.push_back(r.str(e, "a name in into"));
    }
  }
  if (n["if"]) s.when = r.expr(n["if"], "if");
  if (n["rollback_if"]) s.rollback_if = r.expr(n["rollback_if"], "rollback_if");
  if (n["into_row"]) {
    std::string row = r.str(n["into_row"], "into_row");
    if (row == "middle") {
      s.into_row = Step::IntoRow::kMiddle;
    } else if (row != "first") {
      r.fail(n["into_row"], "into_row is first or middle, not '" + row + "'");
    }
    if (s.into.empty()) r.fail(n["into_row"], "into_row needs into");
  }
  return s;
}

// Checks every name a step uses is a parameter or bound before it (by an
// earlier step's `into` or an enclosing loop's index), recursing into loops.
void check_steps(const YamlReader& r, const Spec& spec, const Transaction& t, const std::vector<Step>& list,
                 const YAML::Node& steps, std::set<std::string>& bound) {
  std::vector<std::string> known;
  for (const auto& p : spec.parameters) known.push_back(p.name);
  auto unknown = [&](const YAML::Node& at, const std::string& what, const std::string& name,
                     const std::string& shown_near) {
    std::vector<std::string> cands = known;
    cands.insert(cands.end(), bound.begin(), bound.end());
    std::string near = closest_match(name, cands);
    r.fail(at,
           what + " in transaction '" + t.name +
               "' is neither a parameter nor bound by an earlier step (into, let or a loop index)" +
               (near.empty() ? std::string()
                             : "; did you mean " + shown_near + near + (shown_near == "'{" ? "}'?" : "'?")));
  };
  size_t i = 0;
  for (const auto& s : list) {
    const YAML::Node node = steps[i];
    auto check_expr = [&](const std::optional<Expr>& e, const char* key) {
      if (!e) return;
      for (const auto& name : e->names())
        if (!spec.find_parameter(name) && !bound.count(name))
          unknown(node[key], "'" + name + "' in " + key, name, "'");
    };
    if (s.loop) {
      check_expr(s.when, "if");
      for (const auto& name : s.loop->count.names())
        if (!spec.find_parameter(name) && !bound.count(name))
          unknown(node["loop"]["count"], "'" + name + "' in the count of a loop", name, "'");
      for (const auto& name : s.loop->redraw)
        if (!spec.find_parameter(name))
          r.fail(node["loop"]["redraw"], "redraw names '" + name + "', which is not a parameter");
      if (!s.loop->index.empty()) bound.insert(s.loop->index);
      check_steps(r, spec, t, s.body, node["steps"], bound);
      ++i;
      continue;
    }
    if (s.block) {
      // Names either branch binds count as bound after the block (NULL when
      // their branch did not run), as into's do when no row comes back.
      check_expr(s.when, "if");
      std::set<std::string> other = bound;
      check_steps(r, spec, t, s.body, node["steps"], bound);
      if (!s.else_body.empty()) {
        check_steps(r, spec, t, s.else_body, node["else"], other);
        bound.insert(other.begin(), other.end());
      }
      ++i;
      continue;
    }
    if (!s.let.empty()) {
      check_expr(s.when, "if");
      // Each name is bound for the expressions after it (its own may read its earlier value).
      for (const auto& [name, e] : s.let) {
        for (const auto& used : e.names())
          if (!spec.find_parameter(used) && !bound.count(used))
            unknown(node["let"][name], "'" + used + "' in let " + name, used, "'");
        if (spec.find_parameter(name))
          r.fail(node["let"], "let sets '" + name + "', which is a parameter; pick another name");
        bound.insert(name);
      }
      ++i;
      continue;
    }
    for (const auto& [dialect, text] : s.sql.by_dialect)
      for (const auto& ph : scan_placeholders(text))
        if (!spec.find_parameter(ph.name) && !bound.count(ph.name))
          unknown(node["sql"], "':" + ph.name + "'", ph.name, "':");
    for (const auto& arg : s.redis) {
      std::vector<TemplatePart> parts;
      try {
        parts = split_template(arg);
      } catch (const Error& e) {
        r.fail(node["redis"], e.what());
      }
      for (const auto& part : parts)
        if (!part.name.empty() && !spec.find_parameter(part.name) && !bound.count(part.name))
          unknown(node["redis"], "'{" + part.name + "}'", part.name, "'{");
    }
    // `if` sees what earlier steps bound; `rollback_if` also this step's into.
    check_expr(s.when, "if");
    for (const auto& n : s.into) bound.insert(n);
    check_expr(s.rollback_if, "rollback_if");
    ++i;
  }
}

void check_placeholders(const YamlReader& r, const Spec& spec, const Transaction& t,
                        const YAML::Node& steps) {
  std::set<std::string> bound;
  check_steps(r, spec, t, t.steps, steps, bound);
}

// A duration ("18s", "500ms", or seconds), as `run: duration:` reads it.
double read_duration(const YamlReader& r, const YAML::Node& n, const char* what) {
  const std::string text = r.str(n, what);
  try {
    return parse_duration_s(text);
  } catch (const Error& e) {
    r.fail(n, std::string(what) + ": " + e.what());
  }
}

// `headline:` names one transaction whose commits per minute the workload is
// quoted by; read once transactions and groups are known.
Headline read_headline(const YamlReader& r, const YAML::Node& n, const Spec& spec) {
  r.expect_map(n, "headline");
  r.check_keys(n, {"name", "transaction", "per_scale_max", "include_aborted"}, "headline");
  Headline h;
  h.mark = r.mark(n);
  if (!n["name"]) r.fail(n, "headline needs 'name', what the figure is called (e.g. tpmC)");
  h.name = trim(r.str(n["name"], "name"));
  if (h.name.empty()) r.fail(n["name"], "the headline's name must not be empty");
  if (!n["transaction"])
    r.fail(n, "headline needs 'transaction', the one whose commits per minute it counts");
  h.transaction = r.str(n["transaction"], "transaction");
  if (!spec.find_transaction(h.transaction)) {
    std::vector<std::string> names;
    for (const auto& t : spec.transactions) names.push_back(t.name);
    std::string near = closest_match(h.transaction, names);
    r.fail(n["transaction"], "headline names an unknown transaction '" + h.transaction + "'" +
                                 (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
  }
  bool runs = false;
  for (const auto& g : spec.groups) {
    if (g.mix.empty()) runs = true;
    for (const auto& [name, weight] : g.mix) runs = runs || name == h.transaction;
  }
  if (!runs) r.fail(n["transaction"], "headline transaction '" + h.transaction + "' is in no group's mix");
  if (n["per_scale_max"]) {
    h.per_scale_max = r.number(n["per_scale_max"], "per_scale_max");
    if (!(h.per_scale_max > 0) || !std::isfinite(h.per_scale_max))
      r.fail(n["per_scale_max"], "per_scale_max must be above 0 (the figure's maximum per unit of scale)");
  }
  if (n["include_aborted"]) h.include_aborted = r.boolean(n["include_aborted"], "include_aborted");
  return h;
}

// `queries:`, an analytical workload's list: each a name and its SQL per
// dialect, without parameters (TPC-H's validation values are written into the
// text); `:stream` is the only name a text may use.
void read_queries(const YamlReader& r, const YAML::Node& list, Spec& spec) {
  r.expect_seq(list, "queries");
  if (list.size() == 0) r.fail(list, "queries must not be empty");
  for (const auto& q : list) {
    r.expect_map(q, "a query (name and sql)");
    r.check_keys(q, {"name", "sql", "ordered"}, "a query");
    Query query;
    query.mark = r.mark(q);
    if (!q["name"]) r.fail(q, "a query needs a 'name'");
    query.name = trim(r.str(q["name"], "name"));
    if (query.name.empty()) r.fail(q["name"], "a query's name must not be empty");
    if (query.name == "ALL") r.fail(q["name"], "'ALL' is reserved for the summary's total row");
    if (spec.find_query(query.name)) r.fail(q["name"], "query '" + query.name + "' is defined twice");
    if (!q["sql"]) r.fail(q, "query '" + query.name + "' needs 'sql'");
    query.sql = read_dialected(r, q["sql"], "sql");
    for (const auto& [dialect, text] : query.sql.by_dialect) {
      if (split_statements(text).empty())
        r.fail(q["sql"], "query '" + query.name + "' has no statement" +
                             (dialect == "default" ? std::string() : " for dialect " + dialect));
      for (const auto& ph : scan_placeholders(text))
        if (ph.name != kStreamName && ph.name != kScaleName)
          r.fail(q["sql"], "query '" + query.name + "' uses ':" + ph.name +
                               "', but queries take no parameters (write values into the text; the only "
                               "names are ':" +
                               std::string(kStreamName) +
                               "', the stream's number, and ':" + std::string(kScaleName) + "', the scale)");
    }
    if (q["ordered"]) query.ordered = r.boolean(q["ordered"], "ordered");
    spec.queries.push_back(std::move(query));
  }
}

}  // namespace

Spec parse_spec(const std::string& text, const std::string& file) {
  YamlReader r(file);
  YAML::Node loaded;
  try {
    loaded = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    Mark m{file, e.mark.line + 1, e.mark.column + 1};
    throw error_at(m, e.msg);
  }
  // Read through a const node: yaml-cpp's non-const operator[] may add keys.
  const YAML::Node& root = loaded;
  if (!root.IsMap()) {
    Mark m{file, 1, 1};
    throw error_at(m, "a workload file must be a mapping with at least 'name' and 'transactions'");
  }
  r.check_keys(root,
               {"name", "description", "scale", "schema", "after_load", "data", "parameters", "transactions",
                "queries", "groups", "run", "headline"},
               "the workload");
  Spec spec;
  spec.file = file;
  if (!root["name"]) throw error_at(Mark{file, 1, 1}, "the workload needs a 'name'");
  spec.name = r.str(root["name"], "name");
  if (root["description"]) spec.description = r.str(root["description"], "description");
  if (root["scale"]) {
    spec.scale = r.number(root["scale"], "scale");
    if (spec.scale <= 0) r.fail(root["scale"], "scale must be above 0");
  }
  if (root["schema"]) spec.schema = read_dialected(r, root["schema"], "schema");
  if (root["after_load"]) spec.after_load = read_dialected(r, root["after_load"], "after_load");

  if (root["data"]) {
    r.expect_seq(root["data"], "data");
    for (const auto& t : root["data"]) {
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
            throw error_at(at, std::string(what) + " '" + c.name + "' of " + td.table +
                                   " is defined twice or hides a name");
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
  }

  if (root["parameters"]) {
    r.expect_map(root["parameters"], "parameters");
    for (auto it = root["parameters"].begin(); it != root["parameters"].end(); ++it) {
      Parameter p;
      p.name = r.str(it->first, "a parameter name");
      p.mark = r.mark(it->first);
      if (spec.find_parameter(p.name)) r.fail(it->first, "parameter '" + p.name + "' is defined twice");
      r.expect_map(it->second, ("parameter " + p.name).c_str());
      p.dist = read_dist(r, it->second, "parameter " + p.name);
      if (p.dist.number)
        r.fail(it->second["syllables"],
               "a parameter's syllables number must be a distribution; {expr: ...} "
               "is for data columns");
      if (p.dist.kind == Distribution::Kind::kLatest) {
        const Parameter* src = spec.find_parameter(p.dist.source);
        if (!src || src->dist.kind != Distribution::Kind::kSequence)
          r.fail(it->second["latest"],
                 "latest follows a seq parameter defined before it; '" + p.dist.source + "' is not one");
      }
      for (auto& a : p.dist.args) a.resolve([](const std::string& n) { return n == "scale" ? 0 : -1; });
      for (auto& in : p.dist.inner)
        for (auto& a : in.args) a.resolve([](const std::string& n) { return n == "scale" ? 0 : -1; });
      spec.parameters.push_back(std::move(p));
    }
  }

  if (root["queries"]) {
    // A workload is transactional (clients in a mix, for a duration) or
    // analytical (streams of queries, each run once): the two share no setting.
    for (const char* key : {"transactions", "parameters", "groups", "headline"})
      if (root[key])
        throw error_at(r.key_mark(root, key),
                       std::string("'") + key +
                           "' belongs to transactional workloads; this one has 'queries' (a workload has "
                           "transactions or queries, not both)");
    read_queries(r, root["queries"], spec);
  } else if (!root["transactions"]) {
    throw error_at(r.mark(root), "the workload needs 'transactions' (or 'queries', for an analytical one)");
  }
  if (root["transactions"]) r.expect_seq(root["transactions"], "transactions");
  if (root["transactions"] && root["transactions"].size() == 0)
    r.fail(root["transactions"], "transactions must not be empty");
  for (const auto& t : root["transactions"]) {
    r.expect_map(t, "a transaction");
    r.check_keys(t, {"name", "weight", "steps", "transaction", "keying_time", "think_time"}, "a transaction");
    Transaction tx;
    tx.mark = r.mark(t);
    if (!t["name"]) r.fail(t, "a transaction needs a 'name'");
    tx.name = r.str(t["name"], "name");
    if (tx.name == "ALL") r.fail(t["name"], "'ALL' is reserved for the summary's total row");
    if (spec.find_transaction(tx.name)) r.fail(t["name"], "transaction '" + tx.name + "' is defined twice");
    if (t["weight"]) {
      tx.weight = r.number(t["weight"], "weight");
      if (tx.weight < 0) r.fail(t["weight"], "weight must not be negative");
    }
    if (t["transaction"]) tx.transaction = r.boolean(t["transaction"], "transaction");
    if (t["keying_time"]) tx.keying_time_s = read_duration(r, t["keying_time"], "keying_time");
    if (t["think_time"]) tx.think_time_s = read_duration(r, t["think_time"], "think_time");
    if (!t["steps"]) r.fail(t, "transaction '" + tx.name + "' needs 'steps'");
    r.expect_seq(t["steps"], "steps");
    if (t["steps"].size() == 0) r.fail(t["steps"], "steps must not be empty");
    for (const auto& s : t["steps"]) tx.steps.push_back(read_step(r, s));
    check_placeholders(r, spec, tx, t["steps"]);
    spec.transactions.push_back(std::move(tx));
  }

  if (root["run"]) {
    const YAML::Node& n = root["run"];
    r.expect_map(n, "run");
    r.check_keys(n, {"clients", "duration", "warmup", "transactions", "streams", "query_timeout"}, "run");
    const bool analytical = !spec.queries.empty();
    for (const char* key : {"clients", "duration", "warmup", "transactions"})
      if (analytical && n[key])
        throw error_at(r.key_mark(n, key), std::string("run: '") + key +
                                               "' applies to transactions; a workload of queries takes "
                                               "'streams' and 'query_timeout'");
    for (const char* key : {"streams", "query_timeout"})
      if (!analytical && n[key])
        throw error_at(r.key_mark(n, key),
                       std::string("run: '") + key + "' applies to workloads of queries, not transactions");
    if (n["streams"]) {
      const int64_t streams = r.integer(n["streams"], "streams");
      if (streams < 1 || streams > kMaxStreams)
        r.fail(n["streams"], "streams must be within [1, " + std::to_string(kMaxStreams) + "]");
      spec.run.streams = static_cast<int>(streams);
    }
    if (n["query_timeout"]) {
      spec.run.query_timeout_s = read_duration(r, n["query_timeout"], "query_timeout");
      if (spec.run.query_timeout_s <= 0) r.fail(n["query_timeout"], "query_timeout must be above 0");
    }
    if (n["clients"]) spec.run.clients = static_cast<int>(r.integer(n["clients"], "clients"));
    if (spec.run.clients < 1) r.fail(n["clients"], "clients must be at least 1");
    try {
      if (n["duration"]) spec.run.duration_s = parse_duration_s(r.str(n["duration"], "duration"));
    } catch (const Error& e) {
      r.fail(n["duration"], e.what());
    }
    try {
      if (n["warmup"]) spec.run.warmup_s = parse_duration_s(r.str(n["warmup"], "warmup"));
    } catch (const Error& e) {
      r.fail(n["warmup"], e.what());
    }
    if (n["transactions"]) spec.run.transactions = r.integer(n["transactions"], "transactions");
    if (spec.run.transactions < 0) r.fail(n["transactions"], "transactions must not be negative");
  }

  if (root["groups"]) {
    r.expect_seq(root["groups"], "groups");
    for (const auto& g : root["groups"]) {
      r.expect_map(g, "a group");
      r.check_keys(g, {"name", "clients", "mix"}, "a group");
      Group grp;
      grp.mark = r.mark(g);
      if (!g["name"]) r.fail(g, "a group needs a 'name'");
      grp.name = r.str(g["name"], "name");
      for (const auto& other : spec.groups)
        if (other.name == grp.name) r.fail(g["name"], "group '" + grp.name + "' is defined twice");
      if (g["clients"]) {
        grp.clients = static_cast<int>(r.integer(g["clients"], "clients"));
        if (grp.clients < 1) r.fail(g["clients"], "clients must be at least 1");
      }
      if (g["mix"]) {
        const YAML::Node& mix = g["mix"];
        std::vector<std::string> names;
        for (const auto& t : spec.transactions) names.push_back(t.name);
        auto add = [&](const YAML::Node& key, double w) {
          std::string name = r.str(key, "a transaction name");
          if (!spec.find_transaction(name)) {
            std::string near = closest_match(name, names);
            r.fail(key, "group '" + grp.name + "' names an unknown transaction '" + name + "'" +
                            (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
          }
          grp.mix.emplace_back(name, w);
        };
        if (mix.IsMap()) {
          for (auto it = mix.begin(); it != mix.end(); ++it) {
            double w = r.number(it->second, "a weight");
            if (w < 0) r.fail(it->second, "a weight must not be negative");
            add(it->first, w);
          }
        } else if (mix.IsSequence()) {
          for (const auto& e : mix)
            add(e, spec.find_transaction(r.str(e, "a transaction name"))
                       ? spec.find_transaction(e.Scalar())->weight
                       : 0);
        } else {
          r.fail(mix, "mix must be a list of transaction names or a mapping of name: weight");
        }
      }
      spec.groups.push_back(std::move(grp));
    }
  }
  if (spec.groups.empty() && !spec.transactions.empty()) {
    Group g;
    g.name = "default";
    g.mark = r.mark(root);
    spec.groups.push_back(std::move(g));
  }
  for (const auto& g : spec.groups) {
    double total = 0;
    if (g.mix.empty())
      for (const auto& t : spec.transactions) total += t.weight;
    for (const auto& [n, w] : g.mix) total += w;
    if (total <= 0) throw error_at(g.mark, "group '" + g.name + "' has no transaction with a weight above 0");
  }
  if (root["headline"]) spec.headline = read_headline(r, root["headline"], spec);
  return spec;
}

}  // namespace oltap::workload
