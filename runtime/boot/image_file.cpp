// Reads a kernel image file into memory, with one clear message for each way that can fail.
#include "runtime/boot/image_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bt86::boot {

namespace {

// Closes the descriptor on every return path.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<std::vector<uint8_t>> read_image(const std::string& path, const char* what) {
  if (path.empty()) return fail("no %s file name given", what);

  Fd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    return fail("cannot open %s '%s': %s", what, path.c_str(), std::strerror(errno));
  }

  struct stat st {};
  if (fstat(fd.get(), &st) != 0) {
    return fail("cannot stat %s '%s': %s", what, path.c_str(), std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) {
    return fail("%s '%s' is a directory, not a file", what, path.c_str());
  }
  if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > kMaxImageBytes) {
    return fail("%s '%s' is too large: %llu bytes (the limit is %llu MiB)", what, path.c_str(),
                static_cast<unsigned long long>(st.st_size),
                static_cast<unsigned long long>(kMaxImageBytes >> 20));
  }

  // Read to EOF rather than trusting st_size: the file may be a pipe or may change under us.
  // One byte past the limit is enough to know the limit is exceeded.
  std::vector<uint8_t> bytes;
  if (S_ISREG(st.st_mode)) bytes.reserve(static_cast<size_t>(st.st_size));
  constexpr size_t kChunk = 1 << 16;
  for (;;) {
    size_t have = bytes.size();
    if (have > kMaxImageBytes) {
      return fail("%s '%s' is too large: more than %llu MiB", what, path.c_str(),
                  static_cast<unsigned long long>(kMaxImageBytes >> 20));
    }
    bytes.resize(have + kChunk);
    ssize_t n = read(fd.get(), bytes.data() + have, kChunk);
    if (n < 0) {
      if (errno == EINTR) {
        bytes.resize(have);
        continue;
      }
      return fail("cannot read %s '%s': %s", what, path.c_str(), std::strerror(errno));
    }
    bytes.resize(have + static_cast<size_t>(n));
    if (n == 0) break;
  }

  if (bytes.empty()) return fail("%s '%s' is empty", what, path.c_str());
  bytes.shrink_to_fit();
  return bytes;
}

}  // namespace bt86::boot
