// Running a workload on one target: compile the plan, connect every client,
// start them together, merge their histograms once per interval while they
// run, and hand back the totals and the time series.
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <set>
#include <thread>

#include "plan.h"

namespace oltap::run {
namespace {

using Clock = std::chrono::system_clock;

// How often the recorder looks for clients that have finished.
constexpr int64_t kFinishPollNs = 20'000'000;

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// An eventfd that turns readable when the run stops, so a client waiting
// out a keying or think time wakes at once rather than at the end of its
// wait: the run ends on time however long the waits are.
class StopEvent {
 public:
  StopEvent() : fd_(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (fd_ < 0) throw Error(ErrorClass::kFatal, std::string("eventfd: ") + std::strerror(errno));
  }
  ~StopEvent() { close(fd_); }
  StopEvent(const StopEvent&) = delete;
  StopEvent& operator=(const StopEvent&) = delete;
  int fd() const noexcept { return fd_; }
  // Never drained: it stays readable for every waiting client.
  void fire() noexcept {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(fd_, &one, sizeof one);
  }

 private:
  int fd_;
};

}  // namespace

Plan compile_plan(const workload::Spec& spec, const std::string& dialect, engine::Kind kind,
                  const Options& o) {
  Plan plan;
  const std::map<std::string, Value> names = {{"scale", workload::scale_value(o.scale)}};
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

RunResult run_target(const workload::Spec& spec, const engine::Target& target, const Options& o,
                     const std::function<void(const Progress&)>& on_progress) {
  // The first connection tells the dialect (an odbc: target learns it from
  // its driver) before the plan is compiled; it becomes client 0's.
  std::unique_ptr<engine::Connection> first = engine::connect(target);
  RunResult res;
  res.dialect = first->dialect();
  res.server_version = first->server_version();
  Plan plan = compile_plan(spec, res.dialect, first->kind(), o);
  res.target = target.redacted();
  res.engine = target.engine;
  int total_clients = 0;
  for (const auto& g : plan.groups) total_clients += g.clients;
  const bool shared_threads = o.threads > 0 && o.threads < total_clients;
  if (o.pipeline > 1 || shared_threads) {
    const std::string what = o.pipeline > 1 ? "--pipeline" : "--threads";
    if (!first->can_pipeline())
      throw Error(ErrorClass::kBadInput,
                  what + ": " + target.engine + " targets do not pipeline (Redis does)");
    for (const auto& t : plan.txns)
      if (t.steps.size() != 1 || !t.steps[0].into_slots.empty() || t.wrapped || t.steps[0].when ||
          t.steps[0].rollback_if || t.steps[0].is_loop || t.steps[0].is_block)
        throw Error(ErrorClass::kBadInput,
                    what + " needs transactions of one command without `into`, `if` or `rollback_if`; '" +
                        t.name + "' is not");
  }
  if (o.think_times && (o.pipeline > 1 || shared_threads))
    throw Error(ErrorClass::kBadInput,
                "--think-times: each client waits on its own, which clients that pipeline or share a thread "
                "(--pipeline, --threads) cannot; run without those");
  res.warmup_s = o.warmup_s;

  // Workers are created, connected and prepared before any starts, so
  // connection set-up is not part of the measurement.
  std::atomic<bool> stop{false};
  StopEvent stop_event;
  std::vector<std::unique_ptr<Worker>> workers;
  int index = 0;
  for (const auto& g : plan.groups) {
    for (int c = 0; c < g.clients; ++c) {
      auto w = std::make_unique<Worker>();
      w->index = index;
      w->plan = &plan;
      w->group = &g;
      w->target = &target;
      w->rng = workload::Rng(workload::derive_seed(o.seed, static_cast<uint64_t>(index)));
      w->slots.resize(plan.slot_of.size());
      w->cursors.resize(plan.params.size());
      for (auto& cur : w->cursors) cur = {index, 0};
      w->stats = std::make_unique<TxnStats[]>(g.txns.size());
      w->stop = &stop;
      w->stop_fd = stop_event.fd();
      w->transactions = o.transactions;
      w->max_retries = o.max_retries;
      w->pipeline = std::max(1, o.pipeline);
      w->batch.resize(w->pipeline);
      workers.push_back(std::move(w));
      ++index;
    }
  }
  // Sequences are split across every client of the run.
  for (auto& w : workers)
    for (auto& cur : w->cursors) cur.stride = index;

  workers.front()->conn = std::move(first);
  for (auto& w : workers) {
    connect_worker(*w);
    if (stop_requested()) throw Error(ErrorClass::kInterrupted, "interrupted while connecting");
  }

  // Merged cumulative histograms per (group, txn), for the interval deltas.
  struct Series {
    std::string group, txn;
    std::vector<std::pair<Worker*, int>> sources;  // worker and its stats index
    metrics::Histogram previous, current, scratch;
    int64_t prev_errors = 0;
  };
  std::vector<Series> series;
  for (size_t gi = 0; gi < plan.groups.size(); ++gi) {
    const GroupPlan& g = plan.groups[gi];
    for (size_t k = 0; k < g.txns.size(); ++k) {
      Series s;
      s.group = g.name;
      s.txn = plan.txns[g.txns[k]].name;
      for (auto& w : workers)
        if (w->group == &g) s.sources.emplace_back(w.get(), static_cast<int>(k));
      series.push_back(std::move(s));
    }
  }

  const int64_t start = metrics::now_ns();
  const int64_t warmup_ns = static_cast<int64_t>(o.warmup_s * 1e9);
  const int64_t measure_from = start + warmup_ns;
  const int64_t end = measure_from + static_cast<int64_t>(o.duration_s * 1e9);
  res.start_unix_ms = unix_ms();
  std::vector<std::thread> threads;
  // Clients are dealt round-robin to the threads; by default each has its own.
  const size_t nthreads = shared_threads ? static_cast<size_t>(o.threads) : workers.size();
  std::vector<std::vector<Worker*>> per_thread(nthreads);
  for (size_t i = 0; i < workers.size(); ++i) {
    workers[i]->measure_from_ns = measure_from;
    per_thread[i % nthreads].push_back(workers[i].get());
  }
  for (auto& clients : per_thread) threads.emplace_back([&clients] { run_clients(clients); });

  auto all_finished = [&] {
    for (auto& w : workers)
      if (!w->finished.load(std::memory_order_acquire)) return false;
    return true;
  };
  auto collect = [&](double t_s, double length_s, bool record) {
    double tps = 0, p99 = 0;
    int64_t errors = 0;
    metrics::Histogram all;
    int64_t committed_sum = 0;
    for (auto& s : series) {
      s.current.reset();
      int64_t errs = 0;
      for (auto& [w, k] : s.sources) {
        w->stats[k].latency.snapshot_into(s.scratch);
        s.current.merge_from(s.scratch);
        errs += w->stats[k].errors.load(std::memory_order_relaxed);
      }
      IntervalRow row;
      row.t_s = t_s;
      row.length_s = length_s;
      row.group = s.group;
      row.txn = s.txn;
      row.latency = s.current;
      row.latency.subtract(s.previous);
      row.committed = row.latency.count();
      row.errors = errs - s.prev_errors;
      s.prev_errors = errs;
      s.previous = s.current;
      committed_sum += row.committed;
      errors += errs;
      all.merge_from(row.latency);
      if (record) res.series.push_back(std::move(row));
    }
    if (length_s > 0) tps = committed_sum / length_s;
    p99 = all.value_at_quantile(0.99) / 1e6;
    return std::make_tuple(tps, p99, errors);
  };

  // The recorder: wake at each interval boundary, merge, report progress.
  int64_t next_tick = start + kIntervalNs;
  int64_t last_tick = start;
  bool measuring = warmup_ns == 0;
  int64_t last_warm = 0;
  while (true) {
    int64_t now = metrics::now_ns();
    bool time_up = o.transactions == 0 && now >= end;
    if ((stop_requested() || time_up) && !stop.load()) {
      stop.store(true);
      stop_event.fire();
    }
    if (all_finished()) break;
    if (now < next_tick && !stop.load()) {
      // Short naps, so the end of a count-limited run is noticed promptly.
      std::this_thread::sleep_for(
          std::chrono::nanoseconds(std::min({next_tick, end, now + kFinishPollNs}) - now));
      continue;
    }
    if (stop.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    // An interval ended. Intervals during warm-up only feed the progress line.
    // Clients record nothing before measure_from, so the first measured
    // interval starts there from empty histograms.
    if (!measuring && now >= measure_from) {
      measuring = true;
      last_tick = measure_from;
    }
    double length = (now - last_tick) / 1e9;
    auto [tps, p99, errors] = collect((now - measure_from) / 1e9, length, measuring);
    if (!measuring) {
      // During warm-up only the warm-up counters move; show their rate.
      int64_t warm = 0;
      for (auto& w : workers) warm += w->warmup_committed.load(std::memory_order_relaxed);
      tps = length > 0 ? (warm - last_warm) / length : 0;
      last_warm = warm;
    }
    last_tick = now;
    next_tick += kIntervalNs;
    if (on_progress) on_progress(Progress{(now - start) / 1e9, !measuring, tps, p99, errors});
  }
  for (auto& t : threads) t.join();
  // The measured time ends when the last client stopped, not when the
  // recorder noticed.
  int64_t stopped = start;
  for (auto& w : workers) stopped = std::max(stopped, w->finished_at_ns.load());
  res.end_unix_ms = unix_ms();
  res.interrupted = stop_requested();
  res.measured_s = std::max(0.0, (stopped - std::max(measure_from, start)) / 1e9);
  if (measuring || stopped >= measure_from) {
    double length = (stopped - last_tick) / 1e9;
    if (length > 0.05 || res.series.empty())
      collect((stopped - measure_from) / 1e9, length, stopped >= measure_from);
  }

  // Totals per transaction and per group.
  for (const auto& g : plan.groups) {
    TxnTotals all;
    all.group = g.name;
    all.txn = "ALL";
    all.clients = g.clients;
    for (size_t k = 0; k < g.txns.size(); ++k) {
      TxnTotals t;
      t.group = g.name;
      t.txn = plan.txns[g.txns[k]].name;
      t.clients = g.clients;
      for (auto& w : workers) {
        if (w->group != &g) continue;
        TxnStats& st = w->stats[k];
        t.latency.merge_from(st.latency);
        t.committed += st.committed.load();
        t.aborted += st.aborted.load();
        t.errors += st.errors.load();
        t.retries += st.retries.load();
      }
      all.latency.merge_from(t.latency);
      all.committed += t.committed;
      all.aborted += t.aborted;
      all.errors += t.errors;
      all.retries += t.retries;
      res.totals.push_back(std::move(t));
    }
    res.totals.push_back(std::move(all));
  }
  for (auto& w : workers) {
    res.warmup_committed += w->warmup_committed.load();
    for (auto& e : w->errors)
      if (res.sample_errors.size() < 10) res.sample_errors.push_back(e);
  }
  return res;
}

}  // namespace oltap::run
