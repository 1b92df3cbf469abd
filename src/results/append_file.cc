// AppendFile (append_file.h): whole lines handed to the kernel in one
// write(2) per call.
#include "append_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/common.h"

namespace oltap::results {

AppendFile::AppendFile(std::string path, bool truncate) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0644);
  if (fd_ < 0) throw Error(ErrorClass::kBadInput, "cannot open " + path_ + ": " + std::strerror(errno));
  struct stat st {};
  was_empty_ = ::fstat(fd_, &st) != 0 || st.st_size == 0;
}

AppendFile::~AppendFile() {
  if (fd_ >= 0) ::close(fd_);
}

void AppendFile::append(std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd_, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw Error(ErrorClass::kFatal,
                  "cannot write " + path_ + " (disk full?): " + std::strerror(n < 0 ? errno : ENOSPC));
    text.remove_prefix(static_cast<size_t>(n));
  }
}

void AppendFile::sync() {
  if (::fdatasync(fd_) != 0)
    throw Error(ErrorClass::kFatal, "cannot write " + path_ + " to the disk: " + std::strerror(errno));
}

}  // namespace oltap::results
