// oltap merge: one result folder from the folders of a run's shards, written
// by the RunFolder every run writes with, so report, compare, gate and the
// HTML report read it as any other.
//
// - summary.csv: per (target, group, txn, stage) the counts summed; the
//   percentiles and max from the union of the shards' whole-run histograms
//   (latency.hlog), never averaged; the mean (and the lag's) weighted by the
//   shards' counts; duration_s the wall-clock span from the earliest shard's
//   start of measurement to the latest one's end, so tps = committed /
//   duration_s as in a run.
// - timeseries.csv and latency.hlog: each shard interval goes to the merged
//   interval whose start, on the wall clock, is nearest its own start (the
//   grid of whole intervals from the earliest shard's start of
//   measurement), so shards that began within half an interval of each
//   other line up one to one; counts summed, percentiles from the union of
//   the intervals' histograms.
//
// Memory: the shards' log lines are kept compressed (a few hundred bytes
// each) and decoded one merged interval at a time.
#include "merge.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "csv.h"
#include "hlog_line.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

constexpr double kMsPerS = 1000;
constexpr double kIntervalS = 1;  // the recorder's interval (run::kIntervalNs)

// (target, group, txn, stage): a row's key.
using RowKey = std::tuple<std::string, std::string, std::string, std::string>;

RowKey key_of(const HlogTag& t) { return {t.target, t.group, t.txn, t.stage}; }
RowKey key_of(const SummaryRow& r) { return {r.target, r.group, r.txn, r.stage}; }
RowKey key_of(const TimeseriesRow& r) { return {r.target, r.group, r.txn, r.stage}; }

// A whole-run line of a shard: where its measurement lies on the wall clock.
struct WholeLine {
  int64_t from_ms = 0, to_ms = 0;
  HlogLine latency;
  std::optional<HlogLine> service;
};

// What merge reads of one shard.
struct ShardData {
  int64_t base_ms = 0;  // its latency.hlog's BaseTime
  std::vector<SummaryRow> summary;
  std::map<RowKey, WholeLine> whole;
  std::vector<TimeseriesRow> series;
  // Interval lines per tag, in file order (a timeseries row's line is the
  // next one of its tag: RunFolder writes both in the same order).
  std::map<RowKey, std::vector<HlogLine>> latency, service;
};

int64_t wall_ms(int64_t base_ms, double s) {
  return base_ms + static_cast<int64_t>(std::llround(s * kMsPerS));
}

ShardData read_shard(const ShardFolder& f) {
  ShardData d;
  d.base_ms = hlog_base_unix_ms(f.dir);
  d.summary = read_summary(f.dir);
  d.series = read_timeseries(f.dir);
  scan_hlog_lines(f.dir, [&](const HlogLine& line) {
    const std::optional<HlogTag> tag = parse_hlog_tag(line.tag);
    if (!tag) throw Error(ErrorClass::kBadInput, line.where + ": a tag oltap does not write: " + line.tag);
    if (!tag->whole_run) {
      (tag->service ? d.service : d.latency)[key_of(*tag)].push_back(line);
      return;
    }
    WholeLine& w = d.whole[key_of(*tag)];
    if (tag->service) {
      w.service = line;
      return;
    }
    w.latency = line;
    w.from_ms = wall_ms(d.base_ms, line.start_s);
    w.to_ms = wall_ms(d.base_ms, line.start_s + line.length_s);
  });
  for (const auto& r : d.summary)
    if (!d.whole.count(key_of(r)))
      throw Error(ErrorClass::kBadInput, f.dir + ": latency.hlog has no whole-run histogram of " + r.target +
                                             " " + r.group + "/" + r.txn +
                                             (r.stage.empty() ? "" : " stage " + r.stage));
  return d;
}

// When target's measurement began in shard d: its whole-run lines' start.
std::optional<int64_t> measured_from(const ShardData& d, const std::string& target) {
  std::optional<int64_t> out;
  for (const auto& [k, w] : d.whole)
    if (std::get<0>(k) == target && std::get<3>(k).empty()) out = out ? std::min(*out, w.from_ms) : w.from_ms;
  return out;
}

SummaryRow merged_row(const RowKey& key, const std::vector<ShardData>& shards, const std::string& run_id) {
  SummaryRow row;
  metrics::Histogram latency, service;
  bool has_service = false;
  double mean_weighted = 0, lag_weighted = 0;
  int64_t from = INT64_MAX, to = INT64_MIN, counted = 0;
  for (const ShardData& d : shards) {
    auto it = std::find_if(d.summary.begin(), d.summary.end(),
                           [&](const SummaryRow& r) { return key_of(r) == key; });
    if (it == d.summary.end()) continue;
    const SummaryRow& r = *it;
    if (row.target.empty()) {
      row = r;
      row.clients = 0;
      row.committed = row.aborted = row.errors = row.retries = row.late = row.skipped = 0;
      row.offered_tps = row.lag_max_ms = 0;
    }
    row.clients += r.clients;
    row.committed += r.committed;
    row.aborted += r.aborted;
    row.errors += r.errors;
    row.retries += r.retries;
    row.late += r.late;
    row.skipped += r.skipped;
    row.offered_tps += r.offered_tps;
    row.lag_max_ms = std::max(row.lag_max_ms, r.lag_max_ms);
    const WholeLine& w = d.whole.at(key);
    const metrics::Histogram h = decode_hlog_line(w.latency);
    latency.merge_from(h);
    if (w.service) {
      service.merge_from(decode_hlog_line(*w.service));
      has_service = true;
    }
    mean_weighted += r.lat_mean_ms * static_cast<double>(h.count());
    lag_weighted += r.lag_mean_ms * static_cast<double>(h.count());
    counted += h.count();
    from = std::min(from, w.from_ms);
    to = std::max(to, w.to_ms);
  }
  row.run_id = run_id;
  row.incomplete = false;
  row.duration_s = static_cast<double>(to - from) / kMsPerS;
  fill_latency(row, latency);  // tps and tpm too, from the summed commits and the span
  // The shards' means are exact (the histogram's is within half a bucket).
  row.lat_mean_ms = counted > 0 ? mean_weighted / static_cast<double>(counted) : 0;
  row.lag_mean_ms = counted > 0 ? lag_weighted / static_cast<double>(counted) : 0;
  // A closed loop's service time is its latency (the run writes no line of it).
  fill_service(row, has_service ? service : latency);
  return as_written(row);
}

// One merged interval of one row, as it is gathered.
struct Bucket {
  TimeseriesRow row;
  double length_s = 0;
  std::vector<const HlogLine*> latency, service;
  std::map<size_t, double> offered;  // per shard (two of its intervals in one bucket ask for one rate)
  double lag_weighted = 0;
  int64_t counted = 0;
};

}  // namespace

MergeOutcome merge_runs(const MergeRequest& request) {
  const std::vector<ShardFolder> folders = check_shards(request.dirs);
  check_out_dir(request.out, request.force);
  std::vector<ShardData> shards;
  for (const auto& f : folders) shards.push_back(read_shard(f));

  MergeOutcome outcome;
  outcome.out = request.out;
  const std::string run_id = fs::path(request.out).filename().string();
  // The rows in the first shard's order, then any only a later shard has.
  std::vector<RowKey> keys;
  for (const auto& d : shards)
    for (const auto& r : d.summary)
      if (std::find(keys.begin(), keys.end(), key_of(r)) == keys.end()) keys.push_back(key_of(r));
  for (const auto& k : keys) outcome.summary.push_back(merged_row(k, shards, run_id));

  // Where each target's measurement began: the earliest shard's start.
  Meta& meta = outcome.meta;
  meta = folders.front().meta;
  std::map<std::string, int64_t> t0;
  for (size_t i = 0; i < meta.targets.size(); ++i) {
    Meta::TargetInfo& ti = meta.targets[i];
    int64_t end_ms = INT64_MIN;
    ti.warmup_committed = 0;
    ti.sample_errors.clear();
    ti.client.reset();
    for (size_t s = 0; s < shards.size(); ++s) {
      const Meta::TargetInfo& st = folders[s].meta.targets.at(i);
      const std::optional<int64_t> from = measured_from(shards[s], ti.name());
      if (from) {
        t0[ti.name()] = t0.count(ti.name()) ? std::min(t0[ti.name()], *from) : *from;
        end_ms = std::max<int64_t>(end_ms, *from + std::llround(st.measured_s * kMsPerS));
      }
      ti.start_utc = std::min(ti.start_utc, st.start_utc);
      ti.end_utc = std::max(ti.end_utc, st.end_utc);
      ti.warmup_committed += st.warmup_committed;
      for (const auto& e : st.sample_errors)
        ti.sample_errors.push_back("shard " + std::to_string(s) + ": " + e);
    }
    ti.measured_s = t0.count(ti.name()) ? static_cast<double>(end_ms - t0[ti.name()]) / kMsPerS : 0;
  }
  meta.run_id = run_id;
  meta.command_line = request.command_line;
  meta.status = "complete";
  meta.incomplete = false;
  meta.shard.reset();
  meta.merged_from.clear();
  for (size_t s = 0; s < folders.size(); ++s) {
    const Meta& m = folders[s].meta;
    meta.merged_from.push_back({fs::absolute(folders[s].dir).lexically_normal().string(), m.run_id,
                                folders[s].hostname, m.targets.empty() ? "" : m.targets.front().start_utc,
                                m.status, m.shard});
  }

  int64_t start_ms = INT64_MAX;
  for (const auto& d : shards) start_ms = std::min(start_ms, d.base_ms);
  RunFolder folder(request.out, request.force, /*series=*/true, start_ms);

  // The series, target by target, interval by interval.
  for (const auto& ti : meta.targets) {
    if (!t0.count(ti.name())) continue;
    const int64_t from = t0[ti.name()];
    std::map<int64_t, std::vector<RowKey>> order;  // per merged interval, its rows in first-seen order
    std::map<std::pair<int64_t, RowKey>, Bucket> buckets;
    for (size_t s = 0; s < shards.size(); ++s) {
      const ShardData& d = shards[s];
      std::map<RowKey, size_t> next;  // the next interval line of each tag
      for (const TimeseriesRow& r : d.series) {
        if (r.target != ti.name()) continue;
        const RowKey k = key_of(r);
        const size_t n = next[k]++;
        const auto lat = d.latency.find(k);
        if (lat == d.latency.end() || n >= lat->second.size())
          throw Error(ErrorClass::kBadInput, folders[s].dir + ": timeseries.csv has more intervals of " +
                                                 r.group + "/" + r.txn + " than latency.hlog");
        const HlogLine& line = lat->second[n];
        const double offset_s = static_cast<double>(wall_ms(d.base_ms, line.start_s) - from) / kMsPerS;
        const int64_t at = static_cast<int64_t>(std::llround(offset_s / kIntervalS));
        Bucket& b = buckets[{at, k}];
        if (b.latency.empty()) {
          order[at].push_back(k);
          b.row = r;
          b.row.committed = b.row.errors = b.row.aborted = b.row.late = b.row.skipped = 0;
          b.row.lag_max_ms = 0;
          b.row.err.fill(0);
          b.row.unknown = 0;
          b.row.connected = -1;  // none known, as in a file written before the column
        }
        b.row.committed += r.committed;
        b.row.errors += r.errors;
        b.row.aborted += r.aborted;
        b.row.late += r.late;
        b.row.skipped += r.skipped;
        for (size_t c = 0; c < kErrorClasses; ++c) b.row.err[c] += r.err[c];
        b.row.unknown += r.unknown;
        if (r.connected >= 0) b.row.connected = std::max(b.row.connected, 0) + r.connected;
        b.row.lag_max_ms = std::max(b.row.lag_max_ms, r.lag_max_ms);
        b.offered[s] = std::max(b.offered[s], r.offered_tps);
        b.length_s = std::max(b.length_s, line.length_s);
        b.latency.push_back(&line);
        if (const auto svc = d.service.find(k); svc != d.service.end() && n < svc->second.size())
          b.service.push_back(&svc->second[n]);
        const int64_t count = r.committed + r.aborted;
        b.lag_weighted += r.lag_mean_ms * static_cast<double>(count);
        b.counted += count;
      }
    }
    std::vector<RunFolder::Interval> rows;
    std::vector<metrics::Histogram> lat, svc;
    for (const auto& [at, ks] : order) {
      rows.clear();
      lat.assign(ks.size(), metrics::Histogram());
      svc.assign(ks.size(), metrics::Histogram());
      for (size_t i = 0; i < ks.size(); ++i) {
        Bucket& b = buckets.at({at, ks[i]});
        for (const HlogLine* l : b.latency) lat[i].merge_from(decode_hlog_line(*l));
        for (const HlogLine* l : b.service) svc[i].merge_from(decode_hlog_line(*l));
        const metrics::Histogram& service = b.service.empty() ? lat[i] : svc[i];
        TimeseriesRow& t = b.row;
        t.t_s = static_cast<double>(at) * kIntervalS + b.length_s;
        t.tps = b.length_s > 0 ? static_cast<double>(t.committed) / b.length_s : 0;
        t.lat_p50_ms = lat[i].value_at_quantile(0.50) / 1e6;
        t.lat_p95_ms = lat[i].value_at_quantile(0.95) / 1e6;
        t.lat_p99_ms = lat[i].value_at_quantile(0.99) / 1e6;
        t.svc_p50_ms = service.value_at_quantile(0.50) / 1e6;
        t.svc_p99_ms = service.value_at_quantile(0.99) / 1e6;
        t.lag_mean_ms = b.counted > 0 ? b.lag_weighted / static_cast<double>(b.counted) : 0;
        t.offered_tps = 0;
        for (const auto& [s, o] : b.offered) t.offered_tps += o;
        rows.push_back({t, b.length_s, &lat[i], b.service.empty() ? nullptr : &svc[i]});
      }
      folder.append_intervals(rows, from);
      outcome.intervals += static_cast<int64_t>(rows.size());
    }
  }

  // The whole run's histograms, each row's from its earliest shard's start.
  for (const SummaryRow& row : outcome.summary) {
    metrics::Histogram latency, service;
    bool has_service = false;
    int64_t from = INT64_MAX;
    for (const ShardData& d : shards) {
      const auto it = d.whole.find(key_of(row));
      if (it == d.whole.end()) continue;
      latency.merge_from(decode_hlog_line(it->second.latency));
      if (it->second.service) {
        service.merge_from(decode_hlog_line(*it->second.service));
        has_service = true;
      }
      from = std::min(from, it->second.from_ms);
    }
    folder.append_whole_run(row, latency, has_service ? &service : nullptr, from);
  }
  folder.write_summary(outcome.summary, meta);
  return outcome;
}

}  // namespace oltap::results
