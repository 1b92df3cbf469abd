// How the figures of an evaluation are written, shared by the gate's and
// compare's text, the Markdown and the JUnit outputs. Private to results.
#pragma once

#include <string>

#include "results.h"

namespace oltap::results {

// A metric's median as people read it: tps and headlines with 1 or 2
// decimals, latencies in ms with 3, errors whole.
std::string fmt_value(const std::string& metric, double v);
// How the metric is named in tables ("p99 ms").
std::string metric_label(const std::string& metric);
std::string fmt_change(const std::optional<double>& change);  // "+12.9%", "n/a"
std::string fmt_ci(const std::optional<ChangeCi>& ci);        // "[-3.1%, +2.0%]", "-"
std::string fmt_p(const std::optional<MannWhitney>& test);    // "0.0079", "-"
std::string fmt_alpha(double alpha);                          // "0.05"
std::string fmt_n(const MetricCheck& m);                      // "5/5"
// "tps -6.0% (median 1000.0 -> 940.0, past 5.0%, p=0.0079, n=5/5)".
std::string regression_text(const MetricCheck& m, double alpha);
// Why a gated metric passed: "within 5.0%", or beyond it but not significant.
std::string ok_text(const MetricCheck& m, double alpha);

// Whether a row measured anything: a commit, or a query that completed.
inline bool measured(const SummaryRow& r) { return r.committed > 0 || r.status == "ok"; }
// Adds the findings about the comparison as a whole (gate_checks.cc) to e.
void comparison_checks(const Side& base, const Side& cur, Evaluation& e);

}  // namespace oltap::results
