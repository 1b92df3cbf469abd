// Compiling a workload for one target: slots for names, a dialect's text
// and a statement id per step, what each transaction draws. Runs once per
// target before any client starts.
#include "plan.h"

#include <algorithm>
#include <functional>
#include <set>

namespace oltap::run {
namespace {

// "tpcc.yaml:123": the file's name and the line, short enough for every
// error message of a run.
std::string where(const workload::Mark& m) {
  const size_t slash = m.file.find_last_of('/');
  return (slash == std::string::npos ? m.file : m.file.substr(slash + 1)) + ":" + std::to_string(m.line);
}

}  // namespace

Plan compile_plan(const workload::Spec& spec, const std::string& dialect, engine::Kind kind,
                  const Options& o) {
  Plan plan;
  const std::map<std::string, Value> names = {{"scale", workload::scale_value(o.scale)},
                                              {"shard", Value::of_int(o.shard.index)},
                                              {"shards", Value::of_int(o.shard.count)}};
  std::map<std::string, int>& slot = plan.slot_of;
  for (const auto& p : spec.parameters) {
    int index = static_cast<int>(slot.size());
    plan.cursor_of.push_back(index);
    if (p.dist.kind == workload::Distribution::Kind::kLatest) {
      // "latest" reads the cursor of the sequence it follows (parse checked it is one).
      const workload::Parameter* src = spec.find_parameter(p.dist.source);
      int64_t start = workload::eval_with(src->dist.args[0], names).as_int();
      int64_t step = workload::eval_with(src->dist.args[1], names).as_int();
      int64_t lo = workload::eval_with(p.dist.args[0], names).as_int();
      try {
        plan.params.push_back(workload::Distribution::latest(lo, start, step, p.dist.theta));
      } catch (const Error& e) {
        throw workload::error_at(p.dist.mark, e.what());
      }
      plan.cursor_of.back() = slot.at(p.dist.source);
    } else {
      int64_t c = 0;
      // NURand's C is per run and per A (clause 2.1.6), also for the number of a syllables name.
      const workload::DistSpec& nurand =
          p.dist.kind == workload::Distribution::Kind::kSyllables ? p.dist.inner.at(0) : p.dist;
      if (nurand.kind == workload::Distribution::Kind::kNURand)
        c = workload::nurand_run_constant(o.seed, workload::eval_with(nurand.args[0], names).as_int());
      plan.params.push_back(workload::make_distribution(p.dist, names, c));
    }
    slot[p.name] = index;
  }
  // Names that steps bind (into, loop indexes) get slots after the parameters.
  std::function<void(const std::vector<workload::Step>&)> add_bound =
      [&](const std::vector<workload::Step>& steps) {
        for (const auto& s : steps) {
          for (const auto& n : s.into)
            if (!slot.count(n)) slot[n] = static_cast<int>(slot.size());
          if (s.loop && !s.loop->index.empty() && !slot.count(s.loop->index))
            slot[s.loop->index] = static_cast<int>(slot.size());
          for (const auto& l : s.let)
            if (!slot.count(l.first)) slot[l.first] = static_cast<int>(slot.size());
          add_bound(s.body);
          add_bound(s.else_body);
        }
      };
  for (const auto& t : spec.transactions) add_bound(t.steps);
  auto bind_slots = [&](std::optional<workload::Expr>& e, const std::optional<workload::Expr>& from) {
    if (!from) return;
    e = *from;
    e->resolve([&](const std::string& n) {
      auto it = slot.find(n);
      return it == slot.end() ? -1 : it->second;
    });
  };

  // Statement ids follow the order connect_worker prepares them in: by group,
  // then transaction, then step; a transaction in two groups is compiled once
  // per group so ids stay a simple running count.
  for (const auto& g : spec.groups) {
    GroupPlan gp;
    gp.name = g.name;
    gp.clients = g.clients > 0 ? g.clients : spec.run.clients;
    if (o.clients > 0) gp.clients = o.clients;
    if (auto it = o.group_clients.find(g.name); it != o.group_clients.end()) gp.clients = it->second;
    std::vector<std::pair<std::string, double>> mix = g.mix;
    if (mix.empty())
      for (const auto& t : spec.transactions) mix.emplace_back(t.name, t.weight);
    double sum = 0;
    int local_statement = 0;
    for (const auto& [name, weight] : mix) {
      const workload::Transaction* t = spec.find_transaction(name);
      TxnPlan tp;
      tp.name = t->name;
      std::set<int> draw;
      // A step runs on the targets it has a text for: `sql:` on SQL engines,
      // `redis:` on key-value ones; a transaction needs at least one.
      // Statement ids run depth-first through loops, as connect_worker prepares.
      std::function<void(const std::vector<workload::Step>&, std::vector<StepPlan>&)> compile_steps =
          [&](const std::vector<workload::Step>& steps, std::vector<StepPlan>& out) {
            for (const auto& s : steps) {
              StepPlan sp;
              if (s.loop) {
                sp.is_loop = true;
                bind_slots(sp.count, std::optional<workload::Expr>(s.loop->count));
                sp.index_slot = s.loop->index.empty() ? -1 : slot.at(s.loop->index);
                for (const auto& n : s.loop->redraw) sp.redraw.push_back(slot.at(n));
                bind_slots(sp.when, s.when);
                compile_steps(s.body, sp.body);
                if (!sp.body.empty()) out.push_back(std::move(sp));
                continue;
              }
              if (s.block) {
                sp.is_block = true;
                bind_slots(sp.when, s.when);
                compile_steps(s.body, sp.body);
                compile_steps(s.else_body, sp.else_body);
                if (!sp.body.empty() || !sp.else_body.empty()) out.push_back(std::move(sp));
                continue;
              }
              if (!s.let.empty()) {
                // Engine-neutral: kept on every target.
                for (const auto& [name, e] : s.let) {
                  std::optional<workload::Expr> resolved;
                  bind_slots(resolved, std::optional<workload::Expr>(e));
                  sp.let.emplace_back(slot.at(name), std::move(*resolved));
                }
                bind_slots(sp.when, s.when);
                out.push_back(std::move(sp));
                continue;
              }
              if (kind == engine::Kind::kKeyValue) {
                if (s.redis.empty()) continue;
                sp.command = s.redis;
                for (const auto& arg : sp.command)
                  for (const auto& part : split_template(arg))
                    if (!part.name.empty() && spec.find_parameter(part.name)) draw.insert(slot[part.name]);
              } else {
                if (s.sql.empty()) continue;
                const std::string* text = s.sql.for_dialect(dialect);
                if (!text)
                  throw workload::error_at(s.mark, "transaction '" + t->name + "' has no SQL for dialect '" +
                                                       dialect + "' and no default");
                sp.sql = *text;
                for (const auto& ph : scan_placeholders(sp.sql))
                  if (spec.find_parameter(ph.name)) draw.insert(slot[ph.name]);
              }
              sp.statement = local_statement++;
              sp.where = "step at " + where(s.mark);
              for (const auto& n : s.into) sp.into_slots.push_back(slot[n]);
              sp.into_middle = s.into_row == workload::Step::IntoRow::kMiddle;
              bind_slots(sp.when, s.when);
              bind_slots(sp.rollback_if, s.rollback_if);
              out.push_back(std::move(sp));
            }
          };
      compile_steps(t->steps, tp.steps);
      // Parameters an `if`, `rollback_if` or loop count uses are drawn too.
      std::function<void(const std::vector<workload::Step>&)> draw_expr_params =
          [&](const std::vector<workload::Step>& steps) {
            for (const auto& s : steps) {
              std::vector<const workload::Expr*> exprs = {s.when ? &*s.when : nullptr,
                                                          s.rollback_if ? &*s.rollback_if : nullptr,
                                                          s.loop ? &s.loop->count : nullptr};
              for (const auto& l : s.let) exprs.push_back(&l.second);
              for (const auto* e : exprs)
                if (e)
                  for (const auto& n : e->names())
                    if (spec.find_parameter(n)) draw.insert(slot[n]);
              draw_expr_params(s.body);
              draw_expr_params(s.else_body);
            }
          };
      draw_expr_params(t->steps);
      if (tp.steps.empty())
        throw workload::error_at(
            t->mark, "transaction '" + t->name + "' has no step for a " + dialect + " target (" +
                         (kind == engine::Kind::kKeyValue ? "add `redis:` commands" : "add `sql:`") + ")");
      if (std::all_of(tp.steps.begin(), tp.steps.end(), [](const StepPlan& sp) { return !sp.let.empty(); }))
        throw workload::error_at(t->mark, "transaction '" + t->name + "' has only let steps for a " +
                                              dialect + " target; it needs a statement");
      tp.wrapped =
          t->transaction.value_or(tp.steps.size() > 1 || tp.steps[0].is_loop || tp.steps[0].is_block);
      if (o.think_times) {
        tp.keying_ns = static_cast<int64_t>(t->keying_time_s * 1e9);
        tp.think_mean_ns = t->think_time_s * 1e9;
      }
      tp.draw.assign(draw.begin(), draw.end());
      sum += weight;
      gp.txns.push_back(static_cast<int>(plan.txns.size()));
      gp.cumulative.push_back(sum);
      plan.txns.push_back(std::move(tp));
    }
    plan.groups.push_back(std::move(gp));
  }
  return plan;
}

}  // namespace oltap::run
