// `oltap export`'s files. github-action-benchmark's custom tools take a JSON
// array of {name, unit, value, range?, extra?} (range a text such as
// "± 12.5"), one direction per file: customBiggerIsBetter (tps, queries per
// hour) or customSmallerIsBetter (latency, ms). Bencher's Metric Format is
// an object {benchmark: {measure: {value, lower_value?, upper_value?}}},
// with its built-in measures throughput (operations per second) and latency
// (nanoseconds). Pure functions; no state.
#include <cmath>
#include <nlohmann/json.hpp>

#include "csv.h"
#include "results.h"

namespace oltap::results {
namespace {

constexpr double kNsPerMs = 1e6;

// The half-width of a suite's min..max, as github-action-benchmark shows a range.
std::optional<std::string> range_text(const ExportValue& v) {
  if (!v.lower || !v.upper) return std::nullopt;
  return "± " + fixed((*v.upper - *v.lower) / 2, 3);
}

nlohmann::ordered_json benchmark_entry(const std::string& name, const std::string& unit, const ExportValue& v,
                                       const std::string& extra) {
  nlohmann::ordered_json e = {{"name", name}, {"unit", unit}, {"value", v.value}};
  if (auto r = range_text(v)) e["range"] = *r;
  if (!extra.empty()) e["extra"] = extra;
  return e;
}

// extra's text: what the value is, then the row's note.
std::string joined(const std::string& what, const std::string& note) {
  return what.empty() ? note : note.empty() ? what : what + "; " + note;
}

// A measure's values times scale; ns from ms are whole (the files keep
// microseconds), so 14.822 ms is 14822000, not 14821999.999999998.
nlohmann::ordered_json bencher_metric(const ExportValue& v, double scale) {
  auto scaled = [&](double x) { return scale == 1 ? x : std::round(x * scale); };
  nlohmann::ordered_json m = {{"value", scaled(v.value)}};
  if (v.lower) m["lower_value"] = scaled(*v.lower);
  if (v.upper) m["upper_value"] = scaled(*v.upper);
  return m;
}

}  // namespace

ExportFormat parse_export_format(const std::string& text) {
  if (text == "github-action-benchmark") return ExportFormat::kBenchmarkBigger;
  if (text == "github-action-benchmark-smaller") return ExportFormat::kBenchmarkSmaller;
  if (text == "bencher") return ExportFormat::kBencher;
  throw Error(ErrorClass::kBadInput, "--format '" + text +
                                         "': expected github-action-benchmark (tps, bigger is better), "
                                         "github-action-benchmark-smaller (latency) or bencher");
}

std::string export_json(const std::vector<ExportRow>& rows, ExportFormat format) {
  nlohmann::ordered_json out =
      format == ExportFormat::kBencher ? nlohmann::ordered_json::object() : nlohmann::ordered_json::array();
  for (const auto& r : rows) {
    switch (format) {
      case ExportFormat::kBenchmarkBigger:
        if (r.tps)
          out.push_back(benchmark_entry(
              r.name, "tps", *r.tps,
              joined(r.latency_ms ? r.latency_is + " " + fixed(r.latency_ms->value, 3) + " ms" : "",
                     r.note)));
        if (r.queries_per_hour)
          out.push_back(benchmark_entry(r.name, "queries/hour", *r.queries_per_hour, r.note));
        break;
      case ExportFormat::kBenchmarkSmaller:
        if (r.latency_ms)
          out.push_back(benchmark_entry(r.name, "ms", *r.latency_ms, joined(r.latency_is, r.note)));
        break;
      case ExportFormat::kBencher: {
        nlohmann::ordered_json measures = nlohmann::ordered_json::object();
        if (r.tps) measures["throughput"] = bencher_metric(*r.tps, 1);
        if (r.latency_ms) measures["latency"] = bencher_metric(*r.latency_ms, kNsPerMs);
        if (r.queries_per_hour) measures["queries-per-hour"] = bencher_metric(*r.queries_per_hour, 1);
        if (!measures.empty()) out[r.name] = std::move(measures);
        break;
      }
    }
  }
  if (out.empty())
    throw Error(ErrorClass::kBadInput,
                "nothing to export in this format (an analytical suite has no tps: use "
                "github-action-benchmark-smaller or bencher)");
  return out.dump(2) + "\n";
}

}  // namespace oltap::results
