// A file a run appends to as it goes (timeseries.csv, latency.hlog).
// Private to results.
//
// Each append() is one write(2) of whole lines, with no stdio buffer in
// between that would hand a line to the kernel in pieces: once append()
// returns, the lines are the kernel's, so a SIGKILL of oltap (or its crash)
// a moment later keeps them, and a kill during the call loses at most the
// lines of that call (a last line without its newline, which the readers
// leave out). Surviving the machine going down is sync()'s job
// (fdatasync(2)), which the folder calls when a target ends, not per
// interval: see RunFolder.
//
// Threading: one thread at a time.
#pragma once

#include <string>
#include <string_view>

namespace oltap::results {

class AppendFile {
 public:
  // Opens path for appending, creating it; truncate empties it first.
  // Throws Error naming the path.
  AppendFile(std::string path, bool truncate);
  ~AppendFile();
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;

  // Whether the file held nothing when it was opened.
  bool was_empty() const { return was_empty_; }
  // Writes text at the end, all of it (a short write is continued).
  // Throws Error(kFatal) naming the file ("disk full?") when it cannot.
  void append(std::string_view text);
  // fdatasync(2): what was appended is on the disk. Throws Error(kFatal).
  void sync();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  bool was_empty_ = true;
};

}  // namespace oltap::results
