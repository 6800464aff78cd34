// Character backends for the UARTs: stdio, an output file, or nothing, chosen by a -serial spec.
#include "devices/char_backend.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <vector>

namespace bt86::devices {

namespace {

constexpr const char* kAcceptedSpecs = "stdio, file:PATH or none";

// Collects output bytes and hands them to a file descriptor a line at a time, so that a
// guest printing one character per OUT costs one write(2) per line, not per byte.
class BufferedWriter {
 public:
  explicit BufferedWriter(int fd) : fd_(fd) {}

  void put(uint8_t byte) {
    buffer_.push_back(byte);
    if (byte == '\n' || buffer_.size() >= kFlushThreshold) flush();
  }

  void flush() {
    size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      // A closed pipe or full disk cannot be reported to the guest; the bytes are dropped.
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlushThreshold = 4096;

  int fd_;
  std::vector<uint8_t> buffer_;
};

// The host's terminal or pipes: output to fd 1, input from fd 0 without ever blocking.
// The terminal's mode is left as it is (no raw mode): line editing and echo stay the host's.
class StdioBackend final : public CharBackend {
 public:
  StdioBackend() : out_(STDOUT_FILENO) {}
  ~StdioBackend() override { out_.flush(); }

  void write(uint8_t byte) override { out_.put(byte); }

  std::optional<uint8_t> read() override {
    if (pending_.empty()) fill();
    if (pending_.empty()) return std::nullopt;
    const uint8_t byte = pending_.front();
    pending_.pop_front();
    return byte;
  }

  // After end of input fd 0 would poll readable forever; stop offering it.
  int poll_fd() const override { return eof_ ? -1 : STDIN_FILENO; }

  void flush() override { out_.flush(); }

 private:
  // Reads whatever stdin has ready now, if anything.
  void fill() {
    if (eof_) return;
    pollfd pfd{STDIN_FILENO, POLLIN, 0};
    int ready;
    do {
      ready = ::poll(&pfd, 1, 0);
    } while (ready < 0 && errno == EINTR);
    if (ready <= 0) return;
    if (pfd.revents & POLLNVAL) {  // no stdin at all
      eof_ = true;
      return;
    }
    uint8_t chunk[256];
    ssize_t n;
    do {
      n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
      eof_ = true;
      return;
    }
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) eof_ = true;
      return;
    }
    pending_.insert(pending_.end(), chunk, chunk + n);
  }

  BufferedWriter out_;
  std::deque<uint8_t> pending_;
  bool eof_ = false;
};

// Output to a file created (or truncated) for this run; never any input.
class FileBackend final : public CharBackend {
 public:
  explicit FileBackend(int fd) : fd_(fd), out_(fd) {}
  ~FileBackend() override {
    out_.flush();
    ::close(fd_);
  }
  FileBackend(const FileBackend&) = delete;
  FileBackend& operator=(const FileBackend&) = delete;

  void write(uint8_t byte) override { out_.put(byte); }
  std::optional<uint8_t> read() override { return std::nullopt; }
  void flush() override { out_.flush(); }

 private:
  int fd_;
  BufferedWriter out_;
};

// The serial line goes nowhere: output is discarded, no input arrives.
class NullBackend final : public CharBackend {
 public:
  void write(uint8_t) override {}
  std::optional<uint8_t> read() override { return std::nullopt; }
};

}  // namespace

Result<std::unique_ptr<CharBackend>> make_char_backend(const std::string& spec) {
  if (spec == "stdio") return std::make_unique<StdioBackend>();
  if (spec == "none") return std::make_unique<NullBackend>();
  static constexpr std::string_view kFilePrefix = "file:";
  if (spec.starts_with(kFilePrefix)) {
    const std::string path = spec.substr(kFilePrefix.size());
    if (path.empty()) {
      return fail("serial backend 'file:' names no file; expected %s", kAcceptedSpecs);
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int err = errno;
      return fail("cannot open serial output file '%s': %s", path.c_str(), std::strerror(err));
    }
    return std::make_unique<FileBackend>(fd);
  }
  return fail("unknown serial backend '%s'; expected %s", spec.c_str(), kAcceptedSpecs);
}

}  // namespace bt86::devices
