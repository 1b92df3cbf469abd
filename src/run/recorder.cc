// Interval rows and totals from the clients' cumulative counters (see
// recorder.h). Nothing here allocates after the constructor: the rows and
// their histograms are reused from one interval to the next.
#include "recorder.h"

namespace oltap::run {

Recorder::Recorder(const Plan& plan, const std::vector<std::unique_ptr<Worker>>& workers)
    : plan_(plan), workers_(workers) {
  for (const GroupPlan& g : plan.groups) {
    GroupRows gr;
    gr.first = rows_.size();
    for (size_t k = 0; k < g.txns.size(); ++k) {
      Series s;
      for (const auto& w : workers)
        if (w->group == &g) s.sources.emplace_back(w.get(), static_cast<int>(k));
      s.row = rows_.size();
      series_.push_back(std::move(s));
      IntervalRow& row = rows_.emplace_back();
      row.group = g.name;
      row.txn = plan.txns[g.txns[k]].name;
    }
    gr.all = rows_.size();
    IntervalRow& all = rows_.emplace_back();
    all.group = g.name;
    all.txn = "ALL";
    groups_.push_back(gr);
  }
}

void Recorder::collect(double t_s, double length_s) noexcept {
  length_s_ = length_s;
  errors_so_far_ = 0;
  for (Series& s : series_) {
    s.current.reset();
    int64_t committed = 0, aborted = 0, errors = 0;
    for (const auto& [w, k] : s.sources) {
      const TxnStats& st = w->stats[k];
      st.latency.snapshot_into(s.scratch);
      s.current.merge_from(s.scratch);
      committed += st.committed.load(std::memory_order_relaxed);
      aborted += st.aborted.load(std::memory_order_relaxed);
      errors += st.errors.load(std::memory_order_relaxed);
    }
    IntervalRow& row = rows_[s.row];
    row.latency = s.current;
    row.latency.subtract(s.previous);
    row.committed = committed - s.committed;
    row.aborted = aborted - s.aborted;
    row.errors = errors - s.errors;
    s.committed = committed;
    s.aborted = aborted;
    s.errors = errors;
    s.previous = s.current;  // a copy into its own buckets: no allocation
    errors_so_far_ += errors;
  }
  everything_.reset();
  for (const GroupRows& g : groups_) {
    IntervalRow& all = rows_[g.all];
    all.committed = all.aborted = all.errors = 0;
    all.latency.reset();
    for (size_t r = g.first; r < g.all; ++r) {
      all.committed += rows_[r].committed;
      all.aborted += rows_[r].aborted;
      all.errors += rows_[r].errors;
      all.latency.merge_from(rows_[r].latency);
    }
    everything_.merge_from(all.latency);
  }
  for (IntervalRow& row : rows_) {
    row.t_s = t_s;
    row.length_s = length_s;
  }
}

Progress Recorder::progress(double elapsed_s) const noexcept {
  Progress p;
  p.elapsed_s = elapsed_s;
  int64_t committed = 0;
  for (const GroupRows& g : groups_) committed += rows_[g.all].committed;
  p.tps = length_s_ > 0 ? committed / length_s_ : 0;
  p.p99_ms = everything_.value_at_quantile(0.99) / 1e6;
  p.errors = errors_so_far_;
  return p;
}

std::vector<TxnTotals> Recorder::totals() const {
  std::vector<TxnTotals> out;
  for (const GroupPlan& g : plan_.groups) {
    TxnTotals all;
    all.group = g.name;
    all.txn = "ALL";
    all.clients = g.clients;
    for (size_t k = 0; k < g.txns.size(); ++k) {
      TxnTotals t;
      t.group = g.name;
      t.txn = plan_.txns[g.txns[k]].name;
      t.clients = g.clients;
      for (const auto& w : workers_) {
        if (w->group != &g) continue;
        const TxnStats& st = w->stats[k];
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
      out.push_back(std::move(t));
    }
    out.push_back(std::move(all));
  }
  return out;
}

}  // namespace oltap::run
