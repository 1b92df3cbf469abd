// `oltap report DIR`: a result folder read back and shown as `run` showed
// it, with the targets side by side when there are several and the errors
// by class when there were some; latency
// percentiles from latency.hlog's whole-run histograms when it has one, and
// a sweep's curve from curve.csv. With --html FILE, one self-contained HTML
// page instead (results/html_report.cc), of one folder, several side by
// side, or a suite folder.
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "results/results.h"

namespace oltap::cli {

void add_report(CLI::App& root, Action& action) {
  auto dirs = std::make_shared<std::vector<std::string>>();
  auto html = std::make_shared<std::string>();
  CLI::App* cmd = root.add_subcommand("report", "Show a result folder's summary, targets side by side");
  cmd->add_option("dir", *dirs,
                  "Result folder (or its summary.csv); with --html several side by side, or a suite folder")
      ->required();
  cmd->add_option("--html", *html, "Write one self-contained HTML report (charts and tables) to FILE");
  cmd->callback([&action, dirs, html] {
    action = [dirs, html] {
      if (!html->empty()) {
        const std::string page = results::html_report(*dirs);
        results::write_file_atomic(*html, page);
        note("report: " + *html + " (" + std::to_string((page.size() + 1023) / 1024) + " KB)");
        return kExitOk;
      }
      if (dirs->size() != 1)
        throw Error(ErrorClass::kBadInput, "report shows one folder as text (got " +
                                               std::to_string(dirs->size()) +
                                               "); several are shown side by side with --html FILE");
      const auto dir = std::make_shared<std::string>(dirs->front());
      if (const results::RunState st = results::read_run_state(*dir); st.cut_short()) {
        std::cout << "run " << st.run_id << " of " << st.workload << ": " << results::cut_short_text(st)
                  << "\n";
        if (!st.has_summary) {
          std::cout << "`oltap report " << *dir << " --html FILE` charts the intervals it kept\n";
          return kExitOk;
        }
        std::cout << "summary.csv holds the targets that ended before it:\n";
      }
      auto rows = results::read_summary(*dir);
      results::refill_latency_from_hlog(*dir, rows);
      if (rows.empty()) throw Error(ErrorClass::kBadInput, *dir + ": the summary has no rows");
      bool incomplete = false;
      for (const auto& r : rows) incomplete = incomplete || r.incomplete;
      std::cout << "run " << rows.front().run_id << " of " << rows.front().workload
                << (incomplete
                        ? " (incomplete: a target was interrupted or did not complete; meta.json says which)"
                        : "")
                << "\n\n";
      if (results::is_analytical(rows)) {
        std::cout << results::query_table(rows) << results::query_lines(rows);
        return kExitOk;
      }
      std::cout << results::summary_table(rows) << "\n" << results::side_by_side(rows);
      if (const std::string e = results::error_table(rows); !e.empty()) std::cout << "\n" << e;
      if (auto h = results::read_headlines(*dir); !h.empty()) std::cout << "\n" << results::headline_lines(h);
      // A sweep's folder has its curve too.
      const std::filesystem::path curve = std::filesystem::is_directory(*dir)
                                              ? std::filesystem::path(*dir) / "curve.csv"
                                              : std::filesystem::path(*dir).parent_path() / "curve.csv";
      if (std::filesystem::exists(curve))
        std::cout << "\n" << results::curve_table(results::read_curve(curve.string()));
      return kExitOk;
    };
  });
}

}  // namespace oltap::cli
