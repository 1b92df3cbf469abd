// The HTML report's charts, as specs the page's script draws: throughput and
// latency over time (timeseries.csv; latency.hlog when intervals are merged),
// percentile spectra (latency.hlog), bars per transaction, a sweep's curve,
// query times, and a comparison's changes.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>

#include "csv.h"
#include "html.h"

namespace oltap::results::html {
namespace {

constexpr double kNsPerMs = 1e6;
// HdrHistogram's percentile output: 5 points per halving of 1 - p.
constexpr int kSpectrumTicksPerHalf = 5;
// A latency chart goes logarithmic when its figures span more than this factor.
constexpr double kLogAxisSpan = 20;

double round_to(double v, int decimals) { return rounded(v, decimals); }

// "group/txn", or txn alone when every row is of one group.
std::string key_label(const std::string& group, const std::string& txn, bool one_group) {
  return one_group ? txn : group + "/" + txn;
}

bool one_group(const std::vector<SummaryRow>& rows) {
  std::set<std::string> groups;
  for (const auto& r : rows) groups.insert(r.group);
  return groups.size() <= 1;
}

// The targets of rows, in first-seen order.
std::vector<std::string> targets_of(const std::vector<SummaryRow>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows)
    if (std::find(out.begin(), out.end(), r.target) == out.end()) out.push_back(r.target);
  return out;
}

size_t index_of(const std::vector<std::string>& list, const std::string& v) {
  return static_cast<size_t>(std::find(list.begin(), list.end(), v) - list.begin());
}

bool wide_span(const std::vector<double>& values) {
  double lo = 0, hi = 0;
  for (double v : values)
    if (v > 0) {
      lo = lo == 0 ? v : std::min(lo, v);
      hi = std::max(hi, v);
    }
  return lo > 0 && hi / lo > kLogAxisSpan;
}

// One (group, txn) series of one target over time, merged into buckets.
struct Series {
  std::string group, txn;
  std::vector<const TimeseriesRow*> rows;
  std::vector<size_t> bucket_of;  // per row
  std::vector<double> tps, p50, p99;
  std::vector<int64_t> committed;
};

// The percentiles of each bucket of each series from latency.hlog's interval
// lines: the k-th line of a tag is the k-th interval of its series. False
// (nothing changed) when the lines do not match the series one to one.
bool merged_percentiles(const std::string& hlog, const std::string& target, std::vector<Series>& series,
                        size_t buckets) {
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (size_t i = 0; i < series.size(); ++i) index[{series[i].group, series[i].txn}] = i;
  std::vector<size_t> seen(series.size(), 0);
  std::vector<metrics::Histogram> acc(series.size());
  std::vector<size_t> acc_bucket(series.size(), 0);
  std::vector<std::vector<double>> p50(series.size(), std::vector<double>(buckets, 0)),
      p99(series.size(), std::vector<double>(buckets, 0));
  bool ok = true;
  auto emit = [&](size_t s) {
    if (acc[s].count() == 0) return;
    p50[s][acc_bucket[s]] = acc[s].value_at_quantile(0.50) / kNsPerMs;
    p99[s][acc_bucket[s]] = acc[s].value_at_quantile(0.99) / kNsPerMs;
    acc[s].reset();
  };
  for_each_hlog_entry(hlog, [&](const HlogEntry& e) {
    if (!ok) return;
    auto tag = parse_hlog_tag(e.tag);
    if (!tag || tag->whole_run || tag->service || tag->target != target) return;
    auto it = index.find({tag->group, tag->txn});
    if (it == index.end()) return;
    const size_t s = it->second;
    if (seen[s] >= series[s].rows.size()) {
      ok = false;
      return;
    }
    const size_t b = series[s].bucket_of[seen[s]++];
    if (b != acc_bucket[s]) {
      emit(s);
      acc_bucket[s] = b;
    }
    acc[s].merge_from(e.histogram);
  });
  for (size_t s = 0; s < series.size(); ++s) {
    ok = ok && seen[s] == series[s].rows.size();
    emit(s);
  }
  if (!ok) return false;
  for (size_t s = 0; s < series.size(); ++s) {
    series[s].p50 = p50[s];
    series[s].p99 = p99[s];
  }
  return true;
}

Json to_json(const std::vector<double>& v, int decimals) {
  Json out = Json::array();
  for (double x : v) out.push_back(round_to(x, decimals));
  return out;
}

}  // namespace

void time_charts(Page& page, const std::vector<Source>& sources) {
  // The ALL rows of every target together, when there are several.
  ChartSpec every;
  every.kind = "xy";
  every.title = "Throughput over time, every target (ALL rows)";
  every.x_label = "seconds since the target's measurement began";
  every.y_label = "tx/s";
  std::vector<std::string> all_targets;
  std::vector<ChartSpec> per_target;
  for (const auto& src : sources) {
    if (src.series.empty()) continue;
    const double warmup = src.meta.is_object() && src.meta.contains("settings")
                              ? src.meta["settings"].value("warmup_s", 0.0)
                              : 0.0;
    std::vector<std::string> targets;
    for (const auto& r : src.series)
      if (std::find(targets.begin(), targets.end(), r.target) == targets.end()) targets.push_back(r.target);
    std::set<std::string> groups;
    for (const auto& r : src.series) groups.insert(r.group);
    for (const auto& target : targets) {
      // The series of this target and the timeline they share.
      std::vector<Series> series;
      std::set<double> times;
      for (const auto& r : src.series) {
        if (r.target != target) continue;
        auto it = std::find_if(series.begin(), series.end(),
                               [&](const Series& s) { return s.group == r.group && s.txn == r.txn; });
        if (it == series.end()) {
          series.push_back({r.group, r.txn, {}, {}, {}, {}, {}, {}});
          it = series.end() - 1;
        }
        it->rows.push_back(&r);
        times.insert(r.t_s);
      }
      const std::vector<double> timeline(times.begin(), times.end());
      const size_t per_bucket = (timeline.size() + kMaxPointsPerSeries - 1) / kMaxPointsPerSeries;
      const size_t buckets = (timeline.size() + per_bucket - 1) / std::max<size_t>(per_bucket, 1);
      std::vector<double> x(buckets, 0), span(buckets, 0);
      for (size_t i = 0; i < timeline.size(); ++i) x[i / per_bucket] = timeline[i];
      for (size_t b = 0; b < buckets; ++b) span[b] = x[b] - (b == 0 ? 0 : x[b - 1]);
      for (auto& s : series) {
        s.tps.assign(buckets, 0);
        s.p50.assign(buckets, 0);
        s.p99.assign(buckets, 0);
        s.committed.assign(buckets, 0);
        for (const TimeseriesRow* r : s.rows) {
          const size_t b = static_cast<size_t>(std::lower_bound(timeline.begin(), timeline.end(), r->t_s) -
                                               timeline.begin()) /
                           per_bucket;
          s.bucket_of.push_back(b);
          s.committed[b] += r->committed;
          if (per_bucket == 1) s.tps[b] = r->tps;
          s.p50[b] = std::max(s.p50[b], r->lat_p50_ms);
          s.p99[b] = std::max(s.p99[b], r->lat_p99_ms);
        }
        if (per_bucket > 1)
          for (size_t b = 0; b < buckets; ++b) s.tps[b] = span[b] > 0 ? s.committed[b] / span[b] : 0;
      }
      std::string how;
      if (per_bucket > 1) {
        const bool exact = !src.hlog.empty() && merged_percentiles(src.hlog, target, series, buckets);
        how = "each point merges " + std::to_string(per_bucket) +
              " intervals: their commits over their time; " +
              (exact ? "p50 and p99 of their merged histograms (latency.hlog)"
                     : "p50 and p99 the highest of the intervals'");
      }
      // Stages (and a sweep's rates) marked where they begin; the warm-up before 0.
      ChartSpec tps, lat;
      for (ChartSpec* c : {&tps, &lat}) {
        c->kind = "time";
        c->x_label = "s";
        c->x = to_json(x, 3);
        c->note = how;
        if (warmup > 0)
          c->bands.push_back({{"from", -warmup}, {"to", 0}, {"label", "warm-up (not recorded)"}});
      }
      // The marks follow the ALL series: its offered rate is the stage's whole rate.
      auto all_series =
          std::find_if(series.begin(), series.end(), [](const Series& x) { return x.txn == "ALL"; });
      const Series& first = all_series == series.end() ? series.front() : *all_series;
      std::string stage;
      for (size_t i = 0; i < first.rows.size(); ++i) {
        const TimeseriesRow& r = *first.rows[i];
        if (r.stage == stage) continue;
        stage = r.stage;
        const double at = i == 0 ? 0 : first.rows[i - 1]->t_s;
        std::string label = "stage " + stage;
        if (r.offered_tps > 0) label += " (" + fixed(r.offered_tps, 0) + " tx/s)";
        for (ChartSpec* c : {&tps, &lat}) c->marks.push_back({{"x", at}, {"label", label}});
      }
      tps.title = "Throughput over time: " + target;
      tps.y_label = "tx/s";
      lat.title = "Latency over time: " + target;
      lat.y_label = "ms";
      std::vector<double> all_lat;
      int color = 0;
      for (const auto& s : series) {
        const bool all = s.txn == "ALL";
        const std::string label = key_label(s.group, s.txn, groups.size() <= 1);
        tps.series.push_back(
            {{"label", label}, {"y", to_json(s.tps, 2)}, {"color", color}, {"width", all ? 2.5 : 1.2}});
        // Every transaction's latency is there; only the ALL rows' are shown at first.
        const bool hidden = !all && series.size() > 2;
        lat.series.push_back(
            {{"label", label + " p99"}, {"y", to_json(s.p99, 3)}, {"color", color}, {"hidden", hidden}});
        lat.series.push_back({{"label", label + " p50"},
                              {"y", to_json(s.p50, 3)},
                              {"color", color},
                              {"dash", true},
                              {"hidden", hidden}});
        all_lat.insert(all_lat.end(), s.p99.begin(), s.p99.end());
        all_lat.insert(all_lat.end(), s.p50.begin(), s.p50.end());
        if (all) {
          all_targets.push_back(target);
          every.series.push_back({{"label", target},
                                  {"x", to_json(x, 3)},
                                  {"y", to_json(s.tps, 2)},
                                  {"color", all_targets.size() - 1}});
        }
        ++color;
      }
      lat.y_log = wide_span(all_lat);
      per_target.push_back(std::move(tps));
      per_target.push_back(std::move(lat));
    }
  }
  if (per_target.empty()) return;
  page.heading("Throughput and latency over time");
  page.html("<div class=\"charts\">\n");
  if (every.series.size() > 1) {
    every.note = "Targets run one after the other; each line starts at its own target's measurement.";
    every.wide = true;
    page.chart(every);
  }
  for (const auto& c : per_target) page.chart(c);
  page.html("</div>\n");
}

void error_charts(Page& page, const std::vector<Source>& sources) {
  std::vector<ChartSpec> charts;
  for (const auto& src : sources) {
    // Per target, per interval end: the classes and unknown of its groups' ALL rows.
    std::vector<std::string> targets;
    std::map<std::string, std::map<double, std::array<int64_t, kErrorClasses + 1>>> at;
    for (const auto& r : src.series) {
      if (r.txn != "ALL") continue;
      if (std::find(targets.begin(), targets.end(), r.target) == targets.end()) targets.push_back(r.target);
      auto& counts = at[r.target][r.t_s];
      for (size_t k = 0; k < kErrorClasses; ++k) counts[k] += r.err[k];
      counts[kErrorClasses] += r.unknown;
    }
    for (const auto& target : targets) {
      const auto& intervals = at[target];
      const size_t per_bucket = (intervals.size() + kMaxPointsPerSeries - 1) / kMaxPointsPerSeries;
      const size_t buckets = (intervals.size() + per_bucket - 1) / per_bucket;
      std::vector<double> x(buckets, 0);
      std::vector<std::array<int64_t, kErrorClasses + 1>> sum(buckets,
                                                              std::array<int64_t, kErrorClasses + 1>{});
      std::array<int64_t, kErrorClasses + 1> total{};
      size_t i = 0;
      for (const auto& [t, counts] : intervals) {
        const size_t b = i++ / per_bucket;
        x[b] = t;
        for (size_t k = 0; k <= kErrorClasses; ++k) {
          sum[b][k] += counts[k];
          total[k] += counts[k];
        }
      }
      ChartSpec c;
      c.kind = "time";
      c.title = "Errors over time by class: " + target;
      c.x_label = "s";
      c.y_label = per_bucket == 1 ? "per interval" : "per " + std::to_string(per_bucket) + " intervals";
      c.x = to_json(x, 3);
      c.note =
          "Each point counts what ended in its interval; a class's points add up to its summary.csv figure.";
      for (size_t k = 0; k <= kErrorClasses; ++k) {
        if (total[k] == 0) continue;
        Json y = Json::array();
        for (const auto& b : sum) y.push_back(b[k]);
        const bool unknown = k == kErrorClasses;
        c.series.push_back({{"label", unknown ? std::string("unknown outcome") : error_class_name(k)},
                            {"y", y},
                            {"color", k},
                            {"dash", unknown}});
      }
      if (!c.series.empty()) charts.push_back(std::move(c));
    }
  }
  if (charts.empty()) return;
  page.heading("Errors over time");
  page.html("<div class=\"charts\">\n");
  for (const auto& c : charts) page.chart(c);
  page.html("</div>\n");
}

void spectrum_charts(Page& page, const std::vector<Source>& sources) {
  struct Line {
    std::string target;
    Json x = Json::array(), y = Json::array();
  };
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::string>, std::vector<Line>> lines;
  std::vector<std::string> targets;
  bool groups_differ = false;
  std::string first_group;
  for (const auto& src : sources) {
    if (src.hlog.empty()) continue;
    for (const auto& [tag, h] : read_whole_run_histograms(src.hlog)) {
      if (tag.service || !tag.stage.empty() || h.count() == 0) continue;
      const std::string& target = src.shown_name(tag.target);
      if (first_group.empty()) first_group = tag.group;
      groups_differ = groups_differ || tag.group != first_group;
      const std::pair<std::string, std::string> key{tag.group, tag.txn};
      if (!lines.count(key)) keys.push_back(key);
      if (std::find(targets.begin(), targets.end(), target) == targets.end()) targets.push_back(target);
      Line line{target};
      const double count = static_cast<double>(h.count());
      for (int k = 0;; ++k) {
        const double tail = std::pow(0.5, static_cast<double>(k) / kSpectrumTicksPerHalf);
        if (1 / tail > count) break;
        line.x.push_back(round_to(1 / tail, 4));
        line.y.push_back(round_to(h.value_at_quantile(1 - tail) / kNsPerMs, 4));
      }
      // The maximum at the last value's place: 1 / (1 - p) = count.
      line.x.push_back(round_to(count, 4));
      line.y.push_back(round_to(static_cast<double>(h.max()) / kNsPerMs, 4));
      lines[key].push_back(std::move(line));
    }
  }
  if (keys.empty()) return;
  // The ALL rows first: the whole workload, then each transaction.
  std::stable_partition(keys.begin(), keys.end(), [](const auto& k) { return k.second == "ALL"; });
  page.heading("Latency percentiles (latency.hlog)");
  page.html("<div class=\"charts\">\n");
  for (const auto& key : keys) {
    ChartSpec c;
    c.kind = "spectrum";
    c.title = "Percentile spectrum: " + key_label(key.first, key.second, !groups_differ);
    c.x_label = "percentile";
    c.y_label = "ms";
    c.x_log = c.y_log = true;
    c.note = "x is 1/(1-p), as HdrHistogram plots it; the last point of a line is its maximum.";
    for (const auto& l : lines[key])
      c.series.push_back(
          {{"label", l.target}, {"x", l.x}, {"y", l.y}, {"color", index_of(targets, l.target)}});
    page.chart(c);
  }
  page.html("</div>\n");
}

void bar_charts(Page& page, const std::vector<SummaryRow>& rows) {
  const std::vector<std::string> targets = targets_of(rows);
  const bool single_group = one_group(rows);
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::pair<std::string, std::pair<std::string, std::string>>, const SummaryRow*> cell;
  for (const auto& r : rows) {
    if (!r.stage.empty()) continue;
    std::pair<std::string, std::string> k{r.group, r.txn};
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    cell[{r.target, k}] = &r;
  }
  if (keys.empty()) return;
  struct Metric {
    const char* title;
    const char* unit;
    double SummaryRow::*field;
    int decimals;
  };
  const Metric metrics[] = {{"Throughput per transaction", "tx/s", &SummaryRow::tps, 2},
                            {"p50 latency per transaction", "ms", &SummaryRow::lat_p50_ms, 3},
                            {"p99 latency per transaction", "ms", &SummaryRow::lat_p99_ms, 3}};
  page.heading("Per transaction, targets side by side");
  page.html("<div class=\"charts\">\n");
  for (const auto& m : metrics) {
    ChartSpec c;
    c.kind = "bar";
    c.title = m.title;
    c.x_label = single_group ? "transaction" : "group/transaction";
    c.y_label = m.unit;
    for (const auto& k : keys) c.x.push_back(key_label(k.first, k.second, single_group));
    std::vector<double> all;
    for (size_t t = 0; t < targets.size(); ++t) {
      Json y = Json::array();
      for (const auto& k : keys) {
        auto it = cell.find({targets[t], k});
        if (it == cell.end()) {
          y.push_back(nullptr);
          continue;
        }
        const double v = it->second->*m.field;
        y.push_back(round_to(v, m.decimals));
        all.push_back(v);
      }
      c.series.push_back({{"label", targets[t]}, {"y", y}, {"color", t}});
    }
    c.y_log = std::string(m.unit) == "ms" && wide_span(all);
    if (c.y_log)
      c.note = "Logarithmic axis: the targets differ by more than " + fixed(kLogAxisSpan, 0) + " times.";
    page.chart(c);
  }
  page.html("</div>\n");
}

void curve_charts(Page& page, const std::vector<CurvePoint>& points) {
  std::vector<std::string> groups, targets;
  for (const auto& p : points) {
    if (p.txn != "ALL") continue;
    if (std::find(groups.begin(), groups.end(), p.group) == groups.end()) groups.push_back(p.group);
    if (std::find(targets.begin(), targets.end(), p.target) == targets.end()) targets.push_back(p.target);
  }
  if (groups.empty()) return;
  page.heading("Latency against throughput (the sweep's curve.csv)");
  page.html("<div class=\"charts\">\n");
  for (const auto& g : groups) {
    ChartSpec curve, rate;
    curve.kind = rate.kind = "xy";
    curve.title = "p99 latency against achieved throughput" + (groups.size() > 1 ? ": " + g : "");
    curve.x_label = rate.y_label = "achieved tx/s";
    curve.y_label = "ms (from the intended start)";
    curve.y_log = true;
    rate.title = "Achieved against offered rate" + (groups.size() > 1 ? ": " + g : "");
    rate.x_label = "offered tx/s";
    double top = 0;
    for (size_t t = 0; t < targets.size(); ++t) {
      std::vector<CurvePoint> mine;
      for (const auto& p : points)
        if (p.txn == "ALL" && p.group == g && p.target == targets[t]) mine.push_back(p);
      std::sort(mine.begin(), mine.end(),
                [](const CurvePoint& a, const CurvePoint& b) { return a.offered_tps < b.offered_tps; });
      if (mine.empty()) continue;
      Json ax = Json::array(), p99 = Json::array(), p50 = Json::array(), off = Json::array();
      for (const auto& p : mine) {
        ax.push_back(round_to(p.achieved_tps, 2));
        p99.push_back(round_to(p.lat_p99_ms, 3));
        p50.push_back(round_to(p.lat_p50_ms, 3));
        off.push_back(round_to(p.offered_tps, 2));
        top = std::max({top, p.offered_tps, p.achieved_tps});
      }
      curve.series.push_back({{"label", targets[t] + " p99"}, {"x", ax}, {"y", p99}, {"color", t}});
      curve.series.push_back({{"label", targets[t] + " p50"},
                              {"x", ax},
                              {"y", p50},
                              {"color", t},
                              {"dash", true},
                              {"hidden", true}});
      rate.series.push_back({{"label", targets[t]}, {"x", off}, {"y", ax}, {"color", t}});
      if (auto k = knee(mine)) {
        for (const auto& p : mine)
          if (p.offered_tps == *k)
            curve.points.push_back({{"x", round_to(p.achieved_tps, 2)},
                                    {"y", round_to(p.lat_p99_ms, 3)},
                                    {"label", "knee " + targets[t] + ": " + fixed(*k, 0) + " tx/s offered"},
                                    {"color", t}});
      }
    }
    rate.series.push_back({{"label", "achieved = offered"},
                           {"x", Json::array({0, round_to(top, 2)})},
                           {"y", Json::array({0, round_to(top, 2)})},
                           {"color", 7},
                           {"dash", true}});
    curve.note = "The knee (a triangle) is the highest rate at which it and every lower rate met the SLO.";
    page.chart(curve);
    page.chart(rate);
  }
  page.html("</div>\n");
}

void query_charts(Page& page, const std::vector<SummaryRow>& rows) {
  std::vector<std::string> targets, keys;
  std::set<std::string> streams;
  for (const auto& r : rows)
    if (r.txn != "ALL" && !r.status.empty()) streams.insert(r.group);
  const bool several = streams.size() > 1;
  std::map<std::pair<std::string, std::string>, const SummaryRow*> cell;
  bool repeated = false;
  for (const auto& r : rows) {
    if (r.txn == "ALL" || r.status.empty()) continue;
    const std::string k = several ? r.group + "/" + r.txn : r.txn;
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    if (std::find(targets.begin(), targets.end(), r.target) == targets.end()) targets.push_back(r.target);
    cell[{r.target, k}] = &r;
    repeated = repeated || r.committed + r.errors > 1;
  }
  if (keys.empty()) return;
  page.heading("Query times");
  page.html("<div class=\"charts\">\n");
  ChartSpec c;
  c.kind = "bar";
  c.title = repeated ? "Each query's median time per target" : "Each query's time per target";
  c.x_label = several ? "stream/query" : "query";
  c.y_label = "ms";
  c.y_log = true;
  c.note = "Logarithmic axis; a query that failed or timed out has no bar.";
  for (const auto& k : keys) c.x.push_back(k);
  for (size_t t = 0; t < targets.size(); ++t) {
    Json y = Json::array();
    for (const auto& k : keys) {
      auto it = cell.find({targets[t], k});
      y.push_back(it == cell.end() || it->second->committed == 0 ? Json(nullptr)
                                                                 : Json(round_to(it->second->lat_p50_ms, 3)));
    }
    c.series.push_back({{"label", targets[t]}, {"y", y}, {"color", t}});
  }
  page.chart(c);
  ChartSpec g;
  g.kind = "bar";
  g.title = "Geometric mean of the query times, and queries per hour";
  g.x_label = "target";
  g.y_label = "geometric mean, s";
  Json geo = Json::array(), qph = Json::array();
  for (const auto& f : query_figures(rows)) {
    g.x.push_back(f.target);
    std::optional<double> gm = f.streams.empty() ? std::nullopt : f.streams.front().geomean_s;
    geo.push_back(gm ? Json(round_to(*gm, 6)) : Json(nullptr));
    qph.push_back(round_to(f.queries_per_hour, 2));
  }
  g.series.push_back({{"label", "geometric mean (s)"}, {"y", geo}, {"color", 0}});
  g.note = "Queries per hour are in the table below.";
  page.chart(g);
  page.html("</div>\n");
}

void delta_charts(Page& page, const Evaluation& e) {
  std::vector<std::string> metrics;
  for (const auto& r : e.rows)
    for (const auto& m : r.metrics)
      if (m.metric != "errors" && std::find(metrics.begin(), metrics.end(), m.metric) == metrics.end())
        metrics.push_back(m.metric);
  if (metrics.empty()) return;
  page.heading("Current against baseline");
  page.html("<div class=\"charts\">\n");
  for (const auto& name : metrics) {
    ChartSpec c, sides;
    c.kind = sides.kind = "bar";
    c.title = "Change of " + name + ", current against baseline";
    c.x_label = sides.x_label = "row";
    c.y_label = "%";
    sides.title = name + ": baseline and current medians";
    sides.y_label = name == "tps" ? "tx/s" : (name.size() > 1 && name[0] == 'p' ? "ms" : name);
    Json change = Json::array(), verdicts = Json::array(), lo = Json::array(), hi = Json::array(),
         base = Json::array(), cur = Json::array();
    bool any_ci = false;
    for (const auto& r : e.rows) {
      if (!r.gated || !r.in_baseline || !r.in_current) continue;
      for (const auto& m : r.metrics) {
        if (m.metric != name) continue;
        c.x.push_back(r.key);
        sides.x.push_back(r.key);
        change.push_back(m.change ? Json(round_to(*m.change * 100, 2)) : Json(nullptr));
        verdicts.push_back(verdict(m, e.options));
        lo.push_back(m.ci ? Json(round_to(m.ci->low * 100, 2)) : Json(nullptr));
        hi.push_back(m.ci ? Json(round_to(m.ci->high * 100, 2)) : Json(nullptr));
        any_ci = any_ci || m.ci.has_value();
        base.push_back(round_to(m.base_median, 3));
        cur.push_back(round_to(m.cur_median, 3));
      }
    }
    if (c.x.empty()) continue;
    c.series.push_back({{"label", "change %"}, {"y", change}, {"verdicts", verdicts}, {"overlay", true}});
    if (any_ci) c.series.push_back({{"label", "interval"}, {"lo", lo}, {"hi", hi}});
    c.note =
        std::string(
            "Red: worse beyond noise; amber: past the threshold but within noise; green: better; blue-grey: "
            "within the threshold.") +
        (any_ci ? " The thin bar is the bootstrap interval of the change." : "");
    sides.series.push_back({{"label", "baseline"}, {"y", base}, {"color", 8}});
    sides.series.push_back({{"label", "current"}, {"y", cur}, {"color", 0}});
    page.chart(c);
    page.chart(sides);
  }
  page.html("</div>\n");
}

}  // namespace oltap::results::html
