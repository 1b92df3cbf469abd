// Interval rows, stage totals and run totals from the clients' cumulative
// counters (see recorder.h). Nothing here allocates after the constructor
// but end_stage() and totals(): the rows and their histograms are reused
// from one interval to the next.
#include "recorder.h"

namespace oltap::run {

void closed_loop_service(const metrics::Histogram& latency, metrics::Histogram& service,
                         metrics::Histogram& lag) noexcept {
  service = latency;
  lag.reset();
  lag.add_to_bucket(metrics::Histogram::bucket_index(0), latency.count());
}

Recorder::Recorder(const Plan& plan, const std::vector<std::unique_ptr<Worker>>& workers, bool open,
                   std::vector<std::vector<double>> offered, bool staged)
    : plan_(plan), workers_(workers), open_(open), offered_(std::move(offered)), staged_(staged) {
  for (size_t gi = 0; gi < plan.groups.size(); ++gi) {
    const GroupPlan& g = plan.groups[gi];
    GroupRows gr;
    gr.first = rows_.size();
    for (const auto& w : workers)
      if (w->group == &g) gr.clients.push_back(w.get());
    for (size_t k = 0; k < g.txns.size(); ++k) {
      Series s;
      for (const auto& w : workers)
        if (w->group == &g) s.sources.emplace_back(w.get(), static_cast<int>(k));
      s.row = rows_.size();
      s.group = gi;
      s.seen.resize(std::min(kStatBlocks, plan.stages.size()));
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

void Recorder::read_block(Series& s, size_t b) noexcept {
  Reading& r = s.block;
  r.latency.reset();
  r.committed = r.aborted = r.errors = r.retries = r.late = r.skipped = r.unknown = 0;
  r.failed.fill(0);
  if (open_) {
    r.service.reset();
    r.lag.reset();
  }
  for (const auto& [w, k] : s.sources) {
    const TxnStats& st = w->blocks[b][k];
    st.latency.snapshot_into(s.scratch);
    r.latency.merge_from(s.scratch);
    if (open_) {
      st.service->snapshot_into(s.scratch);
      r.service.merge_from(s.scratch);
      st.lag->snapshot_into(s.scratch);
      r.lag.merge_from(s.scratch);
    }
    r.committed += st.committed.load(std::memory_order_relaxed);
    r.aborted += st.aborted.load(std::memory_order_relaxed);
    r.errors += st.errors.load(std::memory_order_relaxed);
    r.retries += st.retries.load(std::memory_order_relaxed);
    r.late += st.late.load(std::memory_order_relaxed);
    r.skipped += st.skipped.load(std::memory_order_relaxed);
    for (size_t c = 0; c < r.failed.size(); ++c) r.failed[c] += st.failed[c].load(std::memory_order_relaxed);
    r.unknown += st.unknown.load(std::memory_order_relaxed);
  }
}

void Recorder::read(Series& s, size_t stage, bool every_block) noexcept {
  Reading& cur = s.current;
  cur = s.previous;  // copies into its own buckets: no allocation
  const size_t blocks = s.seen.size();
  for (size_t b = 0; b < blocks; ++b) {
    const bool wanted = every_block || b == stage % blocks || (stage > 0 && b == (stage - 1) % blocks);
    if (!wanted) continue;
    read_block(s, b);
    Reading& seen = s.seen[b];
    // A block only grows: what it gained is what it holds now less what it held.
    cur.latency.merge_from(s.block.latency);
    cur.latency.subtract(seen.latency);
    if (open_) {
      cur.service.merge_from(s.block.service);
      cur.service.subtract(seen.service);
      cur.lag.merge_from(s.block.lag);
      cur.lag.subtract(seen.lag);
    }
    cur.committed += s.block.committed - seen.committed;
    cur.aborted += s.block.aborted - seen.aborted;
    cur.errors += s.block.errors - seen.errors;
    cur.retries += s.block.retries - seen.retries;
    cur.late += s.block.late - seen.late;
    cur.skipped += s.block.skipped - seen.skipped;
    for (size_t c = 0; c < cur.failed.size(); ++c) cur.failed[c] += s.block.failed[c] - seen.failed[c];
    cur.unknown += s.block.unknown - seen.unknown;
    seen = s.block;
  }
}

template <typename Out>
void Recorder::difference(const Reading& a, const Reading& b, Out& out) const noexcept {
  out.latency = a.latency;
  out.latency.subtract(b.latency);
  if (open_) {
    out.service = a.service;
    out.service.subtract(b.service);
    out.lag = a.lag;
    out.lag.subtract(b.lag);
  } else {
    closed_loop_service(out.latency, out.service, out.lag);
  }
  out.committed = a.committed - b.committed;
  out.aborted = a.aborted - b.aborted;
  out.errors = a.errors - b.errors;
  out.late = a.late - b.late;
  out.skipped = a.skipped - b.skipped;
  for (size_t c = 0; c < out.failed.size(); ++c) out.failed[c] = a.failed[c] - b.failed[c];
  out.unknown = a.unknown - b.unknown;
  if constexpr (requires { out.retries; }) out.retries = a.retries - b.retries;
}

namespace {

// Adds row's counts and histograms into sum (an ALL row or total).
template <typename Row>
void add_into(Row& sum, const Row& row) noexcept {
  sum.committed += row.committed;
  sum.aborted += row.aborted;
  sum.errors += row.errors;
  sum.late += row.late;
  sum.skipped += row.skipped;
  for (size_t c = 0; c < sum.failed.size(); ++c) sum.failed[c] += row.failed[c];
  sum.unknown += row.unknown;
  sum.offered_tps += row.offered_tps;
  sum.latency.merge_from(row.latency);
  sum.service.merge_from(row.service);
  sum.lag.merge_from(row.lag);
  if constexpr (requires { sum.retries; }) sum.retries += row.retries;
}

template <typename Row>
void clear(Row& sum) noexcept {
  sum.committed = sum.aborted = sum.errors = sum.late = sum.skipped = sum.unknown = 0;
  sum.failed.fill(0);
  sum.offered_tps = 0;
  sum.latency.reset();
  sum.service.reset();
  sum.lag.reset();
  if constexpr (requires { sum.retries; }) sum.retries = 0;
}

}  // namespace

void TxnTotals::add(const TxnTotals& other) noexcept { add_into(*this, other); }

void Recorder::collect(double t_s, double length_s, size_t stage, bool last) noexcept {
  length_s_ = length_s;
  stage_ = stage;
  errors_so_far_ = 0;
  for (Series& s : series_) {
    read(s, stage, last);
    IntervalRow& row = rows_[s.row];
    difference(s.current, s.previous, row);
    row.offered_tps = offered_[stage][s.row];
    s.previous = s.current;  // copies into its own buckets: no allocation
    errors_so_far_ += s.current.errors;
  }
  everything_.reset();
  for (const GroupRows& g : groups_) {
    IntervalRow& all = rows_[g.all];
    clear(all);
    for (size_t r = g.first; r < g.all; ++r) add_into(all, rows_[r]);
    everything_.merge_from(all.latency);
    int connected = 0;
    for (const Worker* w : g.clients) connected += w->connected.load(std::memory_order_relaxed) ? 1 : 0;
    for (size_t r = g.first; r <= g.all; ++r) rows_[r].connected = connected;
  }
  for (IntervalRow& row : rows_) {
    row.t_s = t_s;
    row.length_s = length_s;
    row.stage = staged_ ? static_cast<int>(stage) + 1 : 0;
  }
}

Progress Recorder::progress(double elapsed_s) const noexcept {
  Progress p;
  p.elapsed_s = elapsed_s;
  int64_t committed = 0;
  for (const GroupRows& g : groups_) {
    const IntervalRow& all = rows_[g.all];
    committed += all.committed;
    p.offered_tps += all.offered_tps;
    if (open_) p.lag_max_ms = std::max(p.lag_max_ms, static_cast<double>(all.lag.max()) / 1e6);
  }
  p.tps = length_s_ > 0 ? committed / length_s_ : 0;
  p.p99_ms = everything_.value_at_quantile(0.99) / 1e6;
  p.errors = errors_so_far_;
  p.stage = staged_ ? static_cast<int>(stage_) + 1 : 0;
  return p;
}

void Recorder::mark_stage_start() noexcept {
  for (Series& s : series_) s.stage_start = s.previous;
}

StageTotals Recorder::end_stage(size_t stage, double start_s, double length_s,
                                const std::vector<int>& clients) const {
  StageTotals out;
  out.stage = static_cast<int>(stage) + 1;
  out.start_s = start_s;
  out.length_s = length_s;
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const GroupRows& g = groups_[gi];
    TxnTotals all;
    all.group = plan_.groups[gi].name;
    all.txn = "ALL";
    all.clients = clients[gi];
    for (size_t r = g.first; r < g.all; ++r) {
      const Series& s = series_[r - gi];  // series are rows without the ALL rows before them
      TxnTotals t;
      t.group = all.group;
      t.txn = rows_[r].txn;
      t.clients = clients[gi];
      difference(s.previous, s.stage_start, t);
      t.offered_tps = offered_[stage][r];
      all.add(t);
      out.totals.push_back(std::move(t));
    }
    out.totals.push_back(std::move(all));
  }
  return out;
}

std::vector<TxnTotals> Recorder::totals() const {
  std::vector<TxnTotals> out;
  for (size_t gi = 0; gi < plan_.groups.size(); ++gi) {
    const GroupPlan& g = plan_.groups[gi];
    TxnTotals all;
    all.group = g.name;
    all.txn = "ALL";
    all.clients = g.shard_clients;
    for (size_t k = 0; k < g.txns.size(); ++k) {
      TxnTotals t;
      t.group = g.name;
      t.txn = plan_.txns[g.txns[k]].name;
      t.clients = g.shard_clients;
      for (const auto& w : workers_) {
        if (w->group != &g) continue;
        for (const auto& block : w->blocks) {
          const TxnStats& st = block[k];
          t.latency.merge_from(st.latency);
          if (open_) {
            t.service.merge_from(*st.service);
            t.lag.merge_from(*st.lag);
          }
          t.committed += st.committed.load();
          t.aborted += st.aborted.load();
          t.errors += st.errors.load();
          t.retries += st.retries.load();
          t.late += st.late.load();
          t.skipped += st.skipped.load();
          for (size_t c = 0; c < t.failed.size(); ++c) t.failed[c] += st.failed[c].load();
          t.unknown += st.unknown.load();
        }
      }
      if (!open_) closed_loop_service(t.latency, t.service, t.lag);
      all.add(t);
      out.push_back(std::move(t));
    }
    out.push_back(std::move(all));
  }
  return out;
}

}  // namespace oltap::run
