// The workload format's `transactions:`: each transaction's steps (statements,
// Redis commands, lets, loops and if blocks) and the check that every name a
// step uses is defined before it.
#include <set>

#include "parse.h"

namespace oltap::workload {
namespace {

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
        if (!spec.find_parameter(name) && !bound.count(name))
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

// Parameters that failed to read count as bound, so their mistake is not
// reported again at each use.
void check_placeholders(const YamlReader& r, const Spec& spec, const Transaction& t, const YAML::Node& steps,
                        const std::set<std::string>& broken_parameters) {
  std::set<std::string> bound = broken_parameters;
  check_steps(r, spec, t, t.steps, steps, bound);
}

void read_transaction(const YamlReader& r, const YAML::Node& t, Spec& spec, const Problems& problems) {
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
  check_placeholders(r, spec, tx, t["steps"], problems.broken_parameters);
  spec.transactions.push_back(std::move(tx));
}

}  // namespace

void read_transactions(const YamlReader& r, const YAML::Node& list, Spec& spec, Problems& problems) {
  r.expect_seq(list, "transactions");
  if (list.size() == 0) r.fail(list, "transactions must not be empty");
  for (const auto& t : list) {
    const std::string name = t.IsMap() && t["name"] && t["name"].IsScalar() ? t["name"].Scalar() : "";
    // Groups and the headline take a broken transaction as defined.
    if (!problems.attempt([&] { read_transaction(r, t, spec, problems); }))
      problems.broken_transactions.insert(name);
  }
}

}  // namespace oltap::workload
