// What CI reads from one compare or gate: JUnit XML (a testcase per gated
// row and per comparison-wide check), a compact Markdown table for a job's
// step summary (kept under its size limit), and JSON with every figure.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "csv.h"
#include "gate_eval.h"

namespace oltap::results {
namespace {

// Text as XML character data or an attribute value: the five specials
// escaped, and the characters XML 1.0 cannot hold at all (controls other
// than tab, newline and return) written as '?'.
std::string xml(const std::string& text) {
  std::string out;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      default:
        out += (c < 0x20 && c != '\t' && c != '\r') ? '?' : ch;
    }
  }
  return out;
}

// A Markdown table cell: pipes escaped, no line breaks.
std::string md(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

// The comparison-wide checks, each a testcase whether it failed or not, so a
// passing run shows what was checked.
const char* const kWideChecks[] = {kReasonEmptyBaseline, kReasonIncomplete, kReasonWorkloadChanged,
                                   kReasonSettingsChanged};

std::string metric_lines(const RowEval& r, double alpha) {
  std::string out;
  for (const auto& m : r.metrics)
    if (m.gated)
      out += (m.changed ? "FAIL " + regression_text(m, alpha) : "ok " + m.metric + " " + ok_text(m, alpha)) +
             "\n";
  return out;
}

}  // namespace

std::string junit_xml(const Evaluation& e, const std::string& suite_name) {
  std::string cases;
  size_t tests = 0, failures = 0, skipped = 0;
  for (const char* code : kWideChecks) {
    ++tests;
    std::string failed;
    for (const auto& f : e.findings)
      if (f.row.empty() && f.code == code) failed += f.message + "\n";
    cases += "  <testcase classname=\"oltap.gate\" name=\"" + xml(code) + "\"";
    const bool needs_meta =
        code == std::string(kReasonWorkloadChanged) || code == std::string(kReasonSettingsChanged);
    if (failed.empty() && needs_meta && !e.meta_checked) {
      // Bare summary.csv files: nothing to compare, which is not a pass.
      ++skipped;
      cases += ">\n    <skipped message=\"not checked: no meta.json on both sides\"/>\n  </testcase>\n";
      continue;
    }
    if (failed.empty()) {
      cases += "/>\n";
      continue;
    }
    ++failures;
    cases += ">\n    <failure type=\"" + xml(code) + "\" message=\"" +
             xml(failed.substr(0, failed.find('\n'))) + "\">" + xml(failed) + "</failure>\n  </testcase>\n";
  }
  for (const auto& r : e.rows) {
    if (!r.gated) continue;
    ++tests;
    const std::string classname = "oltap." + (r.workload.empty() ? std::string("rows") : r.workload);
    cases += "  <testcase classname=\"" + xml(classname) + "\" name=\"" + xml(r.key) + "\"";
    std::string body = metric_lines(r, e.options.alpha);
    const Finding* first = nullptr;
    for (const auto& f : r.findings) {
      if (f.code != kReasonRegression) body += (f.fails ? "FAIL " : "") + f.code + ": " + f.message + "\n";
      if (f.fails && !first) first = &f;
    }
    if (first) {
      ++failures;
      cases += ">\n    <failure type=\"" + xml(first->code) + "\" message=\"" + xml(first->message) + "\">" +
               xml(body) + "</failure>\n  </testcase>\n";
    } else if (!r.in_baseline) {
      ++skipped;
      cases += ">\n    <skipped message=\"" + xml(r.findings.empty() ? "" : r.findings.front().message) +
               "\"/>\n  </testcase>\n";
    } else {
      cases += ">\n    <system-out>" + xml(body) + "</system-out>\n  </testcase>\n";
    }
  }
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"" + xml(suite_name) + "\" tests=\"" +
         std::to_string(tests) + "\" failures=\"" + std::to_string(failures) + "\" errors=\"0\" skipped=\"" +
         std::to_string(skipped) + "\">\n" + cases + "</testsuite>\n";
}

std::string markdown_report(const Evaluation& e, const std::string& title) {
  std::string out = "### " + title + ": " + (e.pass ? "PASS" : "FAIL") + "\n\n";
  out += "| | row | metric | base | cur | Δ | CI | p | n |\n|---|---|---|--:|--:|--:|---|--:|--:|\n";
  for (const auto& r : e.rows) {
    if (!r.gated) continue;
    if (!r.in_baseline || !r.in_current) {
      out += "| " + std::string(r.in_current ? "🆕" : "❌") + " | " + md(r.key) + " | | | | | | | " +
             std::to_string(r.n_baseline) + "/" + std::to_string(r.n_current) + " |\n";
      continue;
    }
    for (const auto& m : r.metrics) {
      if (!m.gated) continue;
      // A row that fails for a reason of its own (its error rate) marks its
      // metrics that passed with ⚠️: the reason is in the list below the table.
      out += "| " + std::string(m.changed ? "❌" : (r.fails() ? "⚠️" : "✅")) + " | " + md(r.key) + " | " +
             md(metric_label(m.metric)) + " | " + fmt_value(m.metric, m.base_median) + " | " +
             fmt_value(m.metric, m.cur_median) + " | " + fmt_change(m.change) + " | " + fmt_ci(m.ci) + " | " +
             fmt_p(m.test) + " | " + fmt_n(m) + " |\n";
    }
  }
  bool any = false;
  for (const auto& f : e.findings) {
    if (f.code == kReasonRegression) continue;
    if (!any) out += "\n";
    any = true;
    out += "- " + std::string(f.fails ? "**" + f.code + "**" : f.code) +
           (f.row.empty() ? "" : " " + md(f.row)) + ": " + md(f.message) + "\n";
  }
  for (const auto& n : e.notes) out += "- note: " + md(n) + "\n";
  return out + "\n";
}

std::string evaluation_json(const Evaluation& e, const std::string& command) {
  using J = nlohmann::ordered_json;
  auto num = [](const std::optional<double>& v) { return v && std::isfinite(*v) ? J(*v) : J(nullptr); };
  J j;
  j["command"] = command;
  j["verdict"] = e.pass ? "pass" : "fail";
  j["options"] = {{"max_regression", e.options.max_regression},
                  {"alpha", e.options.alpha},
                  {"max_error_rate", e.options.max_error_rate},
                  {"only", e.options.only},
                  {"rules", e.options.rules.file},
                  {"bootstrap_resamples", e.options.resamples},
                  {"bootstrap_seed", e.options.seed}};
  J reasons = J::array();
  for (const auto& f : e.findings)
    reasons.push_back({{"code", f.code}, {"row", f.row}, {"fails", f.fails}, {"message", f.message}});
  j["reasons"] = reasons;
  J rows = J::array();
  for (const auto& r : e.rows) {
    if (!r.gated) continue;
    J codes = J::array();
    for (const auto& f : r.findings) codes.push_back(f.code);
    J metrics = J::array();
    for (const auto& m : r.metrics) {
      J x = {{"metric", m.metric},
             {"higher_is_better", m.higher_is_better},
             {"gated", m.gated},
             {"threshold", m.threshold},
             {"baseline", m.base},
             {"current", m.cur},
             {"baseline_median", m.base_median},
             {"current_median", m.cur_median},
             {"change", num(m.change)},
             {"ci_low", m.ci ? J(m.ci->low) : J(nullptr)},
             {"ci_high", m.ci ? J(m.ci->high) : J(nullptr)},
             {"p", m.test ? J(m.test->p) : J(nullptr)},
             {"test", !m.test         ? "none"
                      : m.test->exact ? "exact"
                                      : "normal"},
             {"threshold_only", m.gated && !m.test_can_decide},
             {"changed", m.changed}};
      metrics.push_back(std::move(x));
    }
    rows.push_back({{"key", r.key},
                    {"case", r.case_name},
                    {"target", r.target},
                    {"group", r.group},
                    {"txn", r.txn},
                    {"stage", r.stage},
                    {"workload", r.workload},
                    {"verdict", r.fails() ? "fail" : "pass"},
                    {"reasons", codes},
                    {"n_baseline", r.n_baseline},
                    {"n_current", r.n_current},
                    {"current_errors", r.cur_errors},
                    {"current_attempted", r.cur_attempted},
                    {"metrics", metrics}});
  }
  j["rows"] = rows;
  j["notes"] = e.notes;
  return j.dump(2) + "\n";
}

bool append_bounded(const std::string& path, const std::string& text, size_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const uintmax_t have = fs::exists(path, ec) ? fs::file_size(path, ec) : 0;
  if (ec) throw Error(ErrorClass::kBadInput, path + ": " + ec.message());
  const std::string note = "\n(oltap: the rest of this report was cut: the summary is limited to " +
                           std::to_string(max_bytes) + " bytes)\n";
  std::string add = text;
  if (have + add.size() > max_bytes) {
    if (have + note.size() > max_bytes) return false;
    const size_t room = max_bytes - have - note.size();
    const size_t cut = room == 0 ? std::string::npos : add.rfind('\n', room - 1);
    add = (cut == std::string::npos ? std::string() : add.substr(0, cut + 1)) + note;
  }
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out << add;
  out.flush();
  if (!out) throw Error(ErrorClass::kFatal, "cannot append to " + path);
  return true;
}

}  // namespace oltap::results
