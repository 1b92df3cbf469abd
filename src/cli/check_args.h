// What `oltap compare` and `oltap gate` share: sides of several paths, the
// statistics' and thresholds' options, a rules file, and the CI outputs
// (--junit, --markdown, --json) and the HTML page (--html). Private to cli/.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "results/results.h"

namespace oltap::cli {

struct CheckArgs {
  std::vector<std::string> baseline, current;
  std::string max_regression = "5%", alpha = "0.05", max_error_rate = "0%", rules, only;
  std::string junit, markdown, json, html;
  CLI::Option *max_regression_opt = nullptr, *alpha_opt = nullptr, *max_error_rate_opt = nullptr;
};

// Registers the options both commands take (not the sides).
void add_check_options(CLI::App* cmd, CheckArgs& a);
// The options as read (the command line over the rules file over the defaults).
results::GateOptions check_options(const CheckArgs& a);
// The header line saying what the thresholds were read as.
std::string check_header(const CheckArgs& a, const results::GateOptions& o);
// Writes --junit, --markdown, --json and --html (of the two sides); title names the command ("oltap gate").
void write_check_outputs(const CheckArgs& a, const results::Side& baseline, const results::Side& current,
                         const results::Evaluation& e, const std::string& title);

}  // namespace oltap::cli
