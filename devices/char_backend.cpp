// Character backends for the UARTs: stdio, an output file, a Unix socket or nothing, by -serial
// spec.
#include "devices/char_backend.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string_view>
#include <vector>

#include "devices/console_escape.h"

namespace bt86::devices {

namespace {

constexpr const char* kAcceptedSpecs = "stdio, file:PATH, unix:PATH[,server] or none";
constexpr const char* kUnixForm = "unix:PATH, or unix:PATH,server for bt86 to listen";

// Collects output bytes and hands them to a file descriptor a line at a time, so that a
// guest printing one character per OUT costs one write(2) per line, not per byte.
class BufferedWriter {
 public:
  // A socket is written with send(MSG_NOSIGNAL): a vanished peer is an error, not a SIGPIPE.
  BufferedWriter(int fd, bool socket) : fd_(fd), socket_(socket) {}

  void put(uint8_t byte) {
    buffer_.push_back(byte);
    if (byte == '\n' || buffer_.size() >= kFlushThreshold) flush();
  }

  void flush() {
    if (buffer_.empty()) return;
    size_t done = 0;
    while (done < buffer_.size()) {
      const uint8_t* data = buffer_.data() + done;
      const size_t size = buffer_.size() - done;
      const ssize_t n = socket_ ? ::send(fd_, data, size, MSG_NOSIGNAL) : ::write(fd_, data, size);
      if (n < 0 && errno == EINTR) continue;
      // A closed pipe or full disk cannot be reported to the guest; the bytes are dropped.
      if (n <= 0) {
        failed_ = true;
        break;
      }
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

  // True once a write has failed (for a socket: the peer has gone).
  bool failed() const { return failed_; }

  // Drops anything buffered and writes to `fd` from now on.
  void reset(int fd) {
    buffer_.clear();
    fd_ = fd;
    failed_ = false;
  }

 private:
  static constexpr size_t kFlushThreshold = 4096;

  int fd_;
  bool socket_;
  bool failed_ = false;
  std::vector<uint8_t> buffer_;
};

enum class Input { kNothing, kData, kClosed };

// Appends to `into` whatever `fd` has ready now, without blocking, even on a blocking fd.
Input read_ready(int fd, std::deque<uint8_t>& into) {
  pollfd pfd{fd, POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&pfd, 1, 0);
  } while (ready < 0 && errno == EINTR);
  if (ready <= 0) return Input::kNothing;
  if (pfd.revents & POLLNVAL) return Input::kClosed;  // no such descriptor
  uint8_t chunk[256];
  ssize_t n;
  do {
    n = ::read(fd, chunk, sizeof chunk);
  } while (n < 0 && errno == EINTR);
  if (n == 0) return Input::kClosed;
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? Input::kNothing : Input::kClosed;
  into.insert(into.end(), chunk, chunk + n);
  return Input::kData;
}

// The host terminal's mode before raw mode; process-wide, as fd 0 is.
termios g_saved_termios;
volatile sig_atomic_t g_terminal_raw = 0;

// As QEMU's qemu_chr_set_echo_stdio (chardev/char-stdio.c) with signal=off, which is what
// -nographic uses: no echo, no line editing, no CR/NL translation of input, no XON/XOFF,
// Ctrl-C and Ctrl-Z reach the guest, 8-bit characters. Output post-processing stays as it
// was, so the terminal keeps turning "\n" into "\r\n" if it did.
bool enter_raw_mode() {
  if (g_terminal_raw) return false;  // another backend already owns the terminal
  termios tty;
  if (::tcgetattr(STDIN_FILENO, &tty) != 0) return false;
  g_saved_termios = tty;
  tty.c_iflag &= ~(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
  tty.c_oflag |= OPOST;
  tty.c_lflag &= ~(ECHO | ECHONL | ICANON | IEXTEN | ISIG);
  tty.c_cflag &= ~(CSIZE | PARENB);
  tty.c_cflag |= CS8;
  tty.c_cc[VMIN] = 1;
  tty.c_cc[VTIME] = 0;
  static bool atexit_registered = false;
  if (!atexit_registered) {
    atexit_registered = true;
    std::atexit([] { restore_host_terminal(); });
  }
  if (::tcsetattr(STDIN_FILENO, TCSANOW, &tty) != 0) return false;
  g_terminal_raw = 1;
  return true;
}

// Writes a message for the user to fd 2, bypassing stdio's buffer.
void tell_user(const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(STDERR_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// The host's terminal or pipes: output to fd 1, input from fd 0 without ever blocking.
// A terminal on fd 0 is made raw for the backend's life and Ctrl-A is the escape key;
// input from a pipe or file reaches the guest byte for byte.
class StdioBackend final : public CharBackend {
 public:
  StdioBackend() : out_(STDOUT_FILENO, false), console_(::isatty(STDIN_FILENO) == 1) {
    if (console_) owns_terminal_ = enter_raw_mode();
  }
  ~StdioBackend() override {
    out_.flush();
    if (owns_terminal_) restore_host_terminal();
  }
  StdioBackend(const StdioBackend&) = delete;
  StdioBackend& operator=(const StdioBackend&) = delete;

  void write(uint8_t byte) override { out_.put(byte); }

  std::optional<uint8_t> read() override {
    if (pending_.empty()) fill();
    if (pending_.empty()) return std::nullopt;
    const uint8_t byte = pending_.front();
    pending_.pop_front();
    return byte;
  }

  // After end of input (or Ctrl-A x) fd 0 would poll readable forever; stop offering it.
  int poll_fd() const override { return done_ ? -1 : STDIN_FILENO; }

  void flush() override { out_.flush(); }

  void set_quit_handler(std::function<void()> quit) override { quit_ = std::move(quit); }

 private:
  // Takes whatever stdin has ready now, passing a console's bytes through the escape.
  void fill() {
    if (done_) return;
    if (!console_) {
      if (read_ready(STDIN_FILENO, pending_) == Input::kClosed) done_ = true;
      return;
    }
    std::deque<uint8_t> typed;
    if (read_ready(STDIN_FILENO, typed) == Input::kClosed) done_ = true;
    for (uint8_t byte : typed) {
      const EscapeResult r = escape_.feed(byte);
      if (r.guest_byte) pending_.push_back(*r.guest_byte);
      switch (r.action) {
        case EscapeAction::kNone:
          break;
        case EscapeAction::kHelp:
          notify(ConsoleEscape::help_text());
          break;
        case EscapeAction::kUnsupported:
          notify(ConsoleEscape::unsupported_note(r.key));
          break;
        case EscapeAction::kQuit:
          return quit();  // what was typed after it is dropped
      }
    }
  }

  void notify(const std::string& text) {
    out_.flush();  // the guest's partial line first
    tell_user(text);
  }

  void quit() {
    notify("bt86: terminated by Ctrl-A x\n");
    done_ = true;
    if (quit_) return quit_();
    restore_host_terminal();
    std::exit(0);
  }

  BufferedWriter out_;
  const bool console_;  // fd 0 is a terminal
  bool owns_terminal_ = false;
  ConsoleEscape escape_;
  std::function<void()> quit_;
  std::deque<uint8_t> pending_;
  bool done_ = false;
};

// Output to a file created (or truncated) for this run; never any input.
class FileBackend final : public CharBackend {
 public:
  explicit FileBackend(int fd) : fd_(fd), out_(fd, false) {}
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

// A Unix stream socket: a connection bt86 made (client), or one accepted on a listening
// socket (server). A server takes a new client when the last one leaves; a client's
// connection, once closed, is over. Writes block while the peer's buffer is full, as a
// real line's flow control would, so the peer should keep reading.
class UnixSocketBackend final : public CharBackend {
 public:
  // Exactly one of listen_fd (server) and conn_fd (client) is a descriptor, the other -1.
  UnixSocketBackend(int listen_fd, int conn_fd, std::string path)
      : listen_fd_(listen_fd), conn_fd_(conn_fd), path_(std::move(path)), out_(conn_fd, true) {}
  ~UnixSocketBackend() override {
    out_.flush();
    if (conn_fd_ >= 0) ::close(conn_fd_);
    if (listen_fd_ >= 0) {
      ::close(listen_fd_);
      ::unlink(path_.c_str());
    }
  }
  UnixSocketBackend(const UnixSocketBackend&) = delete;
  UnixSocketBackend& operator=(const UnixSocketBackend&) = delete;

  void write(uint8_t byte) override {
    if (conn_fd_ < 0) return;  // nobody to hear it
    out_.put(byte);
    if (out_.failed()) disconnect();
  }

  std::optional<uint8_t> read() override {
    if (pending_.empty()) {
      if (conn_fd_ < 0) accept_client();
      if (conn_fd_ >= 0 && read_ready(conn_fd_, pending_) == Input::kClosed) disconnect();
    }
    if (pending_.empty()) return std::nullopt;
    const uint8_t byte = pending_.front();
    pending_.pop_front();
    return byte;
  }

  // The connection; a server's listening socket while it has none (readable when a client
  // is waiting to be accepted, which the next read() does); -1 for a client that has lost it.
  int poll_fd() const override { return conn_fd_ >= 0 ? conn_fd_ : listen_fd_; }

  void flush() override {
    if (conn_fd_ < 0) return;
    out_.flush();
    if (out_.failed()) disconnect();
  }

 private:
  void accept_client() {
    if (listen_fd_ < 0) return;
    int fd;
    do {
      fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) return;  // nobody waiting (EAGAIN), or a client that already left
    conn_fd_ = fd;
    out_.reset(fd);
  }

  void disconnect() {
    ::close(conn_fd_);
    conn_fd_ = -1;
    out_.reset(-1);
  }

  int listen_fd_;
  int conn_fd_;
  std::string path_;
  BufferedWriter out_;
  std::deque<uint8_t> pending_;
};

// The serial line goes nowhere: output is discarded, no input arrives.
class NullBackend final : public CharBackend {
 public:
  void write(uint8_t) override {}
  std::optional<uint8_t> read() override { return std::nullopt; }
};

struct UnixSpec {
  std::string path;
  bool server = false;
};

// "PATH[,option...]" after "unix:", with QEMU's option spellings.
Result<UnixSpec> parse_unix_spec(std::string_view text) {
  std::vector<std::string> fields;
  for (size_t start = 0;;) {
    const size_t comma = text.find(',', start);
    fields.emplace_back(text.substr(start, comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  UnixSpec spec{fields[0]};
  for (size_t i = 1; i < fields.size(); ++i) {
    const std::string& option = fields[i];
    if (option == "server" || option == "server=on") {
      spec.server = true;
    } else if (option == "server=off") {
      spec.server = false;
    } else if (option == "nowait" || option == "wait=off") {
      // bt86 never waits for a client
    } else if (option == "wait" || option == "wait=on") {
      return fail(
          "serial socket option '%s': bt86 never stops the VM to wait for a client; "
          "use wait=off or leave it out",
          option.c_str());
    } else {
      return fail(
          "serial socket option '%s' is not supported; bt86 accepts server, server=on, "
          "server=off, wait=off and nowait after unix:PATH",
          option.c_str());
    }
  }
  if (spec.path.empty())
    return fail("serial backend 'unix:' names no socket; expected %s", kUnixForm);
  if (spec.path.size() >= sizeof(sockaddr_un::sun_path)) {
    return fail("serial socket path '%s' is too long: %zu bytes, where Unix sockets allow %zu",
                spec.path.c_str(), spec.path.size(), sizeof(sockaddr_un::sun_path) - 1);
  }
  return spec;
}

Result<std::unique_ptr<CharBackend>> open_unix_socket(const UnixSpec& spec) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, spec.path.c_str(), spec.path.size() + 1);
  const auto* sa = reinterpret_cast<const sockaddr*>(&addr);
  const int type = SOCK_STREAM | SOCK_CLOEXEC | (spec.server ? SOCK_NONBLOCK : 0);
  const int fd = ::socket(AF_UNIX, type, 0);
  if (fd < 0) {
    const int err = errno;
    return fail("cannot create a socket for serial '%s': %s", spec.path.c_str(),
                std::strerror(err));
  }
  if (!spec.server) {
    int r;
    do {
      r = ::connect(fd, sa, sizeof addr);
    } while (r < 0 && errno == EINTR);
    if (r < 0) {
      const int err = errno;
      ::close(fd);
      return fail(
          "cannot connect to serial socket '%s': %s (is its server running? "
          "unix:%s,server makes bt86 the server)",
          spec.path.c_str(), std::strerror(err), spec.path.c_str());
    }
    return std::make_unique<UnixSocketBackend>(-1, fd, spec.path);
  }
  // A socket left by an earlier run would make bind fail; anything else at PATH stays.
  struct stat st;
  if (::lstat(spec.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(spec.path.c_str());
  if (::bind(fd, sa, sizeof addr) < 0 || ::listen(fd, 1) < 0) {
    const int err = errno;
    ::close(fd);
    return fail("cannot listen on serial socket '%s': %s", spec.path.c_str(), std::strerror(err));
  }
  return std::make_unique<UnixSocketBackend>(fd, -1, spec.path);
}

}  // namespace

void restore_host_terminal() noexcept {
  if (!g_terminal_raw) return;
  ::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_termios);
  g_terminal_raw = 0;
}

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
  static constexpr std::string_view kUnixPrefix = "unix:";
  if (spec.starts_with(kUnixPrefix)) {
    auto unix_spec = parse_unix_spec(std::string_view(spec).substr(kUnixPrefix.size()));
    if (!unix_spec) return std::unexpected(unix_spec.error());
    return open_unix_socket(*unix_spec);
  }
  return fail("unknown serial backend '%s'; expected %s", spec.c_str(), kAcceptedSpecs);
}

}  // namespace bt86::devices
