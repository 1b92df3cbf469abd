// The YAML workload format, read into a Spec: the top level of a file, and
// the problems of all its entries gathered into one error. The sections'
// readers are in the parse_*.cc files (see parse.h); docs/workload-format.md
// describes each key.
#include "parse.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace oltap::workload {
namespace {

const std::vector<std::string> kDialects = {"default", "postgres", "mysql", "redshift", "sqlite"};

}  // namespace

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

// A duration ("18s", "500ms", or seconds), as `run: duration:` reads it.
double read_duration(const YamlReader& r, const YAML::Node& n, const char* what) {
  const std::string text = r.str(n, what);
  try {
    return parse_duration_s(text);
  } catch (const Error& e) {
    r.fail(n, std::string(what) + ": " + e.what());
  }
}

void Problems::add(const std::string& problem) {
  // The same place and message reached twice (a node read by two checks) is one problem.
  if (std::find(list_.begin(), list_.end(), problem) == list_.end()) list_.push_back(problem);
}

void Problems::throw_if_any() const {
  if (list_.empty()) return;
  // "file:line:col: ..." sorted by line and column, so they read in file order.
  auto place = [&](const std::string& p) {
    int line = 0, col = 0;
    if (p.rfind(file_ + ":", 0) == 0) std::sscanf(p.c_str() + file_.size() + 1, "%d:%d", &line, &col);
    return std::make_tuple(line, col);
  };
  std::vector<std::string> sorted = list_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const std::string& a, const std::string& b) { return place(a) < place(b); });
  std::string all;
  for (const auto& p : sorted) all += (all.empty() ? "" : "\n") + p;
  throw Error(ErrorClass::kBadInput, all);
}

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
  // Each top-level entry, each data entry, parameter, transaction, group and
  // query is read on its own: a problem in one is recorded and the next is
  // read, and all are thrown together at the end.
  Problems problems(file);
  const bool keys_known = problems.attempt([&] {
    r.check_keys(root,
                 {"name", "description", "scale", "schema", "after_load", "data", "parameters",
                  "transactions", "queries", "groups", "run", "headline"},
                 "the workload");
  });
  Spec spec;
  spec.file = file;
  problems.attempt([&] {
    if (!root["name"]) throw error_at(Mark{file, 1, 1}, "the workload needs a 'name'");
    spec.name = r.str(root["name"], "name");
  });
  if (root["description"])
    problems.attempt([&] { spec.description = r.str(root["description"], "description"); });
  if (root["scale"])
    problems.attempt([&] {
      spec.scale = r.number(root["scale"], "scale");
      if (spec.scale <= 0) r.fail(root["scale"], "scale must be above 0");
    });
  bool schema_read = true;
  if (root["schema"])
    schema_read = problems.attempt([&] { spec.schema = read_dialected(r, root["schema"], "schema"); });
  if (root["after_load"])
    problems.attempt([&] { spec.after_load = read_dialected(r, root["after_load"], "after_load"); });
  if (root["data"]) {
    problems.attempt([&] { read_data(r, root["data"], spec, problems); });
    if (schema_read) check_data_tables(spec, problems);
  }
  if (root["parameters"]) problems.attempt([&] { read_parameters(r, root["parameters"], spec, problems); });

  if (root["queries"]) {
    // A workload is transactional (clients in a mix, for a duration) or
    // analytical (streams of queries, each run once): the two share no setting.
    for (const char* key : {"transactions", "parameters", "groups", "headline"})
      if (root[key])
        problems.add(error_at(r.key_mark(root, key),
                              std::string("'") + key +
                                  "' belongs to transactional workloads; this one has 'queries' (a workload "
                                  "has transactions or queries, not both)")
                         .what());
    problems.attempt([&] { read_queries(r, root["queries"], spec, problems); });
  } else if (!root["transactions"] && keys_known) {
    // (An unknown key is likely the missing one misspelt: that is the problem to show.)
    problems.add(
        error_at(r.mark(root), "the workload needs 'transactions' (or 'queries', for an analytical one)")
            .what());
  }
  // When the list itself is unreadable, groups and the headline would only
  // report its transactions as unknown.
  bool transactions_read = true;
  if (root["transactions"] && !root["queries"])
    transactions_read = problems.attempt([&] { read_transactions(r, root["transactions"], spec, problems); });

  if (root["run"])
    problems.attempt([&] { read_run(r, root["run"], static_cast<bool>(root["queries"]), spec); });
  if (root["groups"] && !root["queries"] && transactions_read)
    problems.attempt([&] { read_groups(r, root["groups"], spec, problems); });
  if (spec.groups.empty() && !spec.transactions.empty()) {
    Group g;
    g.name = "default";
    g.mark = r.mark(root);
    spec.groups.push_back(std::move(g));
  }
  // A mix of transactions that did not read may lack the weights it would have.
  if (problems.broken_transactions.empty())
    for (const auto& g : spec.groups) {
      double total = 0;
      if (g.mix.empty())
        for (const auto& t : spec.transactions) total += t.weight;
      for (const auto& [n, w] : g.mix) total += w;
      if (total <= 0)
        problems.add(
            error_at(g.mark, "group '" + g.name + "' has no transaction with a weight above 0").what());
    }
  if (root["headline"] && !root["queries"] && transactions_read)
    problems.attempt([&] { spec.headline = read_headline(r, root["headline"], spec, problems); });
  problems.throw_if_any();
  return spec;
}

}  // namespace oltap::workload
