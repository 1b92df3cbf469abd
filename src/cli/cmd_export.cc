// `oltap export DIR --format F [--out FILE]`: a result folder's or a suite
// folder's figures as a CI benchmark dashboard reads them (results'
// export_rows and export_json), to stdout or a file.
#include <iostream>

#include "cli.h"
#include "results/results.h"

namespace oltap::cli {
namespace {

struct ExportArgs {
  std::string dir, format, out;
};

}  // namespace

void add_export(CLI::App& root, Action& action) {
  auto a = std::make_shared<ExportArgs>();
  CLI::App* cmd = root.add_subcommand(
      "export", "Write a result or suite folder's figures for github-action-benchmark or Bencher");
  cmd->add_option("dir", a->dir, "Result folder (or its summary.csv), or a suite folder (suite.csv)")
      ->required();
  cmd->add_option("--format", a->format,
                  "github-action-benchmark (customBiggerIsBetter: tps, queries per hour), "
                  "github-action-benchmark-smaller (customSmallerIsBetter: p99 ms, a query's median ms) or "
                  "bencher (Bencher Metric Format: throughput, latency in ns, queries-per-hour)")
      ->required();
  cmd->add_option("-o,--out", a->out, "File to write (default: stdout)");
  cmd->callback([&action, a] {
    action = [a] {
      const results::ExportFormat format = results::parse_export_format(a->format);
      const std::string text = results::export_json(results::export_rows(a->dir), format);
      if (a->out.empty() || a->out == "-")
        std::cout << text;
      else
        results::write_file_atomic(a->out, text);
      return kExitOk;
    };
  });
}

}  // namespace oltap::cli
