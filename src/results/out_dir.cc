// Whether a result folder may be written: checked before a run measures
// anything, so a mistyped --out never costs a run nor replaces a baseline.
#include <filesystem>

#include "results.h"

namespace oltap::results {

void check_out_dir(const std::string& dir, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory)
    throw Error(ErrorClass::kBadInput, "--out " + dir + ": " + ec.message());
  if (!fs::exists(st)) return;
  if (!fs::is_directory(st))
    throw Error(ErrorClass::kBadInput, "--out " + dir + " is a file, not a folder; name a new folder");
  if (force) return;
  const bool empty = fs::is_empty(dir, ec);
  if (ec) throw Error(ErrorClass::kBadInput, "--out " + dir + ": " + ec.message());
  if (!empty)
    throw Error(ErrorClass::kBadInput, "--out " + dir +
                                           " already holds files (an earlier run?); name a new folder, or "
                                           "add --force to write over its results");
}

}  // namespace oltap::results
