// The workload format's distributions (of parameters and generated columns)
// and the `parameters:` section. docs/workload-format.md describes each key.
#include "parse.h"

namespace oltap::workload {
namespace {

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

}  // namespace

// A distribution given as a one-key mapping ({uniform: [1, 10]}) plus its options.
// allow_key: a data column, which may also say `key:` beside its distribution.
DistSpec read_dist(const YamlReader& r, const YAML::Node& n, const std::string& owner, bool allow_key) {
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

void read_parameters(const YamlReader& r, const YAML::Node& map, Spec& spec, Problems& problems) {
  r.expect_map(map, "parameters");
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string name = it->first.IsScalar() ? it->first.Scalar() : "";
    const bool ok = problems.attempt([&] {
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
        if ((!src && !problems.broken_parameters.count(p.dist.source)) ||
            (src && src->dist.kind != Distribution::Kind::kSequence))
          r.fail(it->second["latest"],
                 "latest follows a seq parameter defined before it; '" + p.dist.source + "' is not one");
      }
      // A parameter's bounds may use the run's scale and which shard of how
      // many the run is (oltap run --shard; 0 and 1 on one host).
      auto run_name = [](const std::string& n) {
        return n == "scale" ? 0 : n == "shard" ? 1 : n == "shards" ? 2 : -1;
      };
      for (auto& a : p.dist.args) a.resolve(run_name);
      for (auto& in : p.dist.inner)
        for (auto& a : in.args) a.resolve(run_name);
      spec.parameters.push_back(std::move(p));
    });
    // Later checks take it as defined, so one mistake is reported once.
    if (!ok) problems.broken_parameters.insert(name);
  }
}

}  // namespace oltap::workload
