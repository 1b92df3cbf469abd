// The options and CI outputs compare and gate share.
#include "check_args.h"

#include <fmt/format.h>

#include <cstdlib>
#include <iostream>

#include "cli.h"

namespace oltap::cli {
namespace {

// GitHub's limit on a job's step summary.
constexpr size_t kStepSummaryMax = 1024 * 1024;

double share(const std::string& text, const char* flag) {
  try {
    return parse_percent(text);
  } catch (const Error& e) {
    throw Error(ErrorClass::kBadInput, std::string(flag) + ": " + e.what());
  }
}

}  // namespace

void add_check_options(CLI::App* cmd, CheckArgs& a) {
  a.max_regression_opt = cmd->add_option(
      "--max-regression", a.max_regression,
      "Allowed regression of a row's median: 5%, or the fraction 0.05 for 5% (a bare 1 or more is refused as "
      "ambiguous; default 5%)");
  a.alpha_opt =
      cmd->add_option("--alpha", a.alpha,
                      "Significance level of the Mann-Whitney U test a change must pass too (default 0.05)");
  a.max_error_rate_opt = cmd->add_option(
      "--max-error-rate", a.max_error_rate,
      "Errors allowed per row of the current side, of its attempted transactions (default 0%)");
  cmd->add_option("--rules", a.rules,
                  "gate.yaml: thresholds per row pattern and metric (README: Gating in CI)");
  cmd->add_option("--only", a.only, "Gate only the rows whose transaction matches this glob (--only ALL)");
  cmd->add_option("--junit", a.junit,
                  "Write JUnit XML: a testcase per gated row and per comparison-wide check");
  cmd->add_option(
      "--markdown", a.markdown,
      "Write a Markdown table; '-' appends it to $GITHUB_STEP_SUMMARY when set (kept under 1 MiB), "
      "else prints it");
  cmd->add_option("--json", a.json, "Write the verdict, rows, reasons, p-values and samples as JSON");
  cmd->add_option(
      "--html", a.html,
      "Also write the comparison, its verdict and reasons as one self-contained HTML report to FILE");
}

results::GateOptions check_options(const CheckArgs& a) {
  results::GateOptions o;
  if (!a.rules.empty()) o.rules = results::read_gate_rules(a.rules);
  o.max_regression = a.max_regression_opt->count() || !o.rules.max_regression
                         ? share(a.max_regression, "--max-regression")
                         : *o.rules.max_regression;
  o.max_error_rate = a.max_error_rate_opt->count() || !o.rules.max_error_rate
                         ? share(a.max_error_rate, "--max-error-rate")
                         : *o.rules.max_error_rate;
  if (a.alpha_opt->count() || !o.rules.alpha) {
    char* end = nullptr;
    o.alpha = std::strtod(a.alpha.c_str(), &end);
    if (a.alpha.empty() || *end != '\0' || !(o.alpha > 0 && o.alpha < 1))
      throw Error(ErrorClass::kBadInput,
                  "--alpha " + a.alpha + ": expected a number between 0 and 1, such as 0.05");
  } else {
    o.alpha = *o.rules.alpha;
  }
  o.only = a.only;
  return o;
}

std::string check_header(const CheckArgs& a, const results::GateOptions& o) {
  std::string from = a.max_regression_opt->count() || !o.rules.max_regression
                         ? "--max-regression " + a.max_regression
                         : a.rules;
  return "max regression: " + format_percent(o.max_regression) + " (" + from + ") · alpha " +
         fmt::format("{:g}", o.alpha) + " · max error rate " + format_percent(o.max_error_rate) +
         (o.only.empty() ? "" : " · only " + o.only) + (a.rules.empty() ? "" : " · rules " + a.rules) + "\n";
}

void write_check_outputs(const CheckArgs& a, const results::Side& baseline, const results::Side& current,
                         const results::Evaluation& e, const std::string& title) {
  if (!a.html.empty()) {
    const std::string page = results::html_compare_report(baseline, current, e);
    results::write_file_atomic(a.html, page);
    note("report: " + a.html + " (" + std::to_string((page.size() + 1023) / 1024) + " KB)");
  }
  if (!a.junit.empty()) results::write_file_atomic(a.junit, results::junit_xml(e, title));
  if (!a.json.empty())
    results::write_file_atomic(a.json, results::evaluation_json(e, redacted_command_line()));
  if (a.markdown.empty()) return;
  const std::string text = results::markdown_report(e, title);
  if (a.markdown != "-") {
    results::write_file_atomic(a.markdown, text);
    return;
  }
  const char* summary = std::getenv("GITHUB_STEP_SUMMARY");
  if (!summary || !*summary) {
    std::cout << text;
    return;
  }
  if (!results::append_bounded(summary, text, kStepSummaryMax))
    note("--markdown -: $GITHUB_STEP_SUMMARY is already near its 1 MiB limit: the table was not added");
}

}  // namespace oltap::cli
