// make_char_backend: spec parsing, the file backend's output, stdio's buffering, input,
// terminal mode and escape, and the Unix socket backend as client and server.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "devices/char_backend.h"

namespace bt86::devices {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A fresh path in a fresh temporary directory, removed at the end of the test.
class TempPath {
 public:
  explicit TempPath(const char* name = "serial.txt") {
    char dir[] = "/tmp/bt86-char-backend-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    dir_ = dir;
    path_ = dir_ + "/" + name;
  }
  ~TempPath() {
    ::unlink(path_.c_str());
    ::rmdir(dir_.c_str());
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_;
  std::string path_;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void send(CharBackend& backend, const std::string& bytes) {
  for (char c : bytes) backend.write(static_cast<uint8_t>(c));
}

// Puts a pipe in place of one of our standard descriptors for the life of the object.
class RedirectedFd {
 public:
  explicit RedirectedFd(int target) : target_(target) {
    REQUIRE(::pipe(pipe_) == 0);
    saved_ = ::dup(target_);
    REQUIRE(saved_ >= 0);
    // stdin reads the pipe's read end; stdout writes its write end.
    REQUIRE(::dup2(target_ == STDIN_FILENO ? pipe_[0] : pipe_[1], target_) == target_);
  }
  ~RedirectedFd() {
    ::dup2(saved_, target_);
    ::close(saved_);
    close_read_end();
    close_write_end();
  }
  int read_end() const { return pipe_[0]; }
  int write_end() const { return pipe_[1]; }
  void close_write_end() {
    if (pipe_[1] >= 0) ::close(pipe_[1]);
    pipe_[1] = -1;
  }
  void close_read_end() {
    if (pipe_[0] >= 0) ::close(pipe_[0]);
    pipe_[0] = -1;
  }

 private:
  int target_;
  int saved_ = -1;
  int pipe_[2] = {-1, -1};
};

// Whatever the pipe holds right now, without waiting.
std::string drain(int fd) {
  std::string out;
  pollfd pfd{fd, POLLIN, 0};
  while (::poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN)) {
    char buf[256];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Reads from fd until `count` bytes have come or a second has passed without any.
std::string receive(int fd, size_t count) {
  std::string out;
  while (out.size() < count) {
    pollfd pfd{fd, POLLIN, 0};
    if (::poll(&pfd, 1, 1000) != 1) break;
    char buf[256];
    const ssize_t n = ::read(fd, buf, std::min(sizeof buf, count - out.size()));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Waits up to a second for fd to become readable.
bool readable_soon(int fd) {
  pollfd pfd{fd, POLLIN, 0};
  return ::poll(&pfd, 1, 1000) == 1;
}

// What the backend hands the guest until `count` bytes have come or input stays quiet.
std::string take(CharBackend& backend, size_t count) {
  std::string out;
  for (int idle = 0; out.size() < count && idle < 100;) {
    if (auto byte = backend.read()) {
      out += static_cast<char>(*byte);
      idle = 0;
    } else {
      ++idle;
      ::usleep(10'000);
    }
  }
  return out;
}

// Reads until the backend polls `fd` (it noticed a hang-up), for at most a second; returns
// what it read meanwhile, and fails the test if it never got there.
std::string reads_until_fd(CharBackend& backend, int fd) {
  std::string out;
  for (int i = 0; i < 100 && backend.poll_fd() != fd; ++i) {
    if (auto byte = backend.read()) out += static_cast<char>(*byte);
    if (backend.poll_fd() != fd) ::usleep(10'000);
  }
  CHECK(backend.poll_fd() == fd);
  return out;
}

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  return addr;
}

int unix_listen(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  const sockaddr_un addr = unix_address(path);
  REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  return fd;
}

int unix_connect(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  const sockaddr_un addr = unix_address(path);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
  return fd;
}

void put(int fd, const std::string& bytes) {
  REQUIRE(::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
}

// A pseudo-terminal whose slave side stands in for fd 0 for the life of the object.
class TerminalOnStdin {
 public:
  TerminalOnStdin() {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(master_ >= 0);
    REQUIRE(::grantpt(master_) == 0);
    REQUIRE(::unlockpt(master_) == 0);
    slave_ = ::open(::ptsname(master_), O_RDWR | O_NOCTTY | O_CLOEXEC);
    REQUIRE(slave_ >= 0);
    saved_ = ::dup(STDIN_FILENO);
    REQUIRE(::dup2(slave_, STDIN_FILENO) == STDIN_FILENO);
  }
  ~TerminalOnStdin() {
    ::dup2(saved_, STDIN_FILENO);
    ::close(saved_);
    ::close(slave_);
    ::close(master_);
  }
  int master() const { return master_; }  // what the user types goes in here
  termios mode() const {
    termios t{};
    REQUIRE(::tcgetattr(slave_, &t) == 0);
    return t;
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  int saved_ = -1;
};

}  // namespace

TEST_CASE("An unknown serial spec is an error that names it and lists the accepted forms",
          "[devices]") {
  for (const std::string spec : {"tcp:localhost:4444", "", "Stdio", "pty"}) {
    auto r = make_char_backend(spec);
    REQUIRE_FALSE(r.has_value());
    const std::string& msg = r.error().message;
    CHECK(contains(msg, "'" + spec + "'"));
    CHECK(contains(msg, "stdio"));
    CHECK(contains(msg, "file:PATH"));
    CHECK(contains(msg, "unix:PATH"));
    CHECK(contains(msg, "none"));
  }
}

TEST_CASE("A file spec without a path is an error", "[devices]") {
  auto r = make_char_backend("file:");
  REQUIRE_FALSE(r.has_value());
  CHECK(contains(r.error().message, "file:"));
}

TEST_CASE("A file backend whose file cannot be created reports the path and the reason",
          "[devices]") {
  const std::string path = "/nonexistent-bt86-dir/serial.txt";
  auto r = make_char_backend("file:" + path);
  REQUIRE_FALSE(r.has_value());
  CHECK(contains(r.error().message, path));
  CHECK(contains(r.error().message, std::strerror(ENOENT)));
}

TEST_CASE("A file backend writes exactly the bytes it was given", "[devices]") {
  TempPath tmp;
  const std::string head = std::string("Hello, COM1\r\nno newline at the end") + '\0' + '\xff';
  {
    auto r = make_char_backend("file:" + tmp.path());
    REQUIRE(r.has_value());
    CharBackend& backend = **r;
    send(backend, head);
    backend.flush();
    CHECK(slurp(tmp.path()) == head);
    CHECK_FALSE(backend.read().has_value());
    send(backend, "tail");
  }  // destruction flushes what is left
  CHECK(slurp(tmp.path()) == head + "tail");
}

TEST_CASE("A file backend truncates an existing file", "[devices]") {
  TempPath tmp;
  {
    std::ofstream old(tmp.path());
    old << "left over from an earlier run\n";
  }
  auto r = make_char_backend("file:" + tmp.path());
  REQUIRE(r.has_value());
  CHECK(slurp(tmp.path()).empty());
  send(**r, "new\n");
  CHECK(slurp(tmp.path()) == "new\n");  // a newline flushes
}

TEST_CASE("The none backend discards output and never has input", "[devices]") {
  auto r = make_char_backend("none");
  REQUIRE(r.has_value());
  send(**r, "into the void\n");
  CHECK_FALSE((*r)->read().has_value());
  CHECK((*r)->poll_fd() == -1);
}

TEST_CASE("The stdio backend writes to fd 1 a line at a time and on flush", "[devices]") {
  std::string after_partial, after_newline, after_flush;
  {
    RedirectedFd out(STDOUT_FILENO);
    auto r = make_char_backend("stdio");
    REQUIRE(r.has_value());
    send(**r, "boot");
    after_partial = drain(out.read_end());
    send(**r, "ing\nlinux");
    after_newline = drain(out.read_end());
    (*r)->flush();
    after_flush = drain(out.read_end());
  }
  CHECK(after_partial.empty());
  CHECK(after_newline == "booting\n");
  CHECK(after_flush == "linux");
}

TEST_CASE("The stdio backend reads fd 0 without blocking and stops polling at end of input",
          "[devices]") {
  RedirectedFd in(STDIN_FILENO);
  auto r = make_char_backend("stdio");
  REQUIRE(r.has_value());
  CharBackend& backend = **r;
  CHECK(backend.poll_fd() == STDIN_FILENO);
  CHECK_FALSE(backend.read().has_value());  // nothing typed yet: must not block

  REQUIRE(::write(in.write_end(), "ok", 2) == 2);
  CHECK(backend.read() == std::optional<uint8_t>('o'));
  CHECK(backend.read() == std::optional<uint8_t>('k'));
  CHECK_FALSE(backend.read().has_value());

  in.close_write_end();
  CHECK_FALSE(backend.read().has_value());
  CHECK(backend.poll_fd() == -1);
}

TEST_CASE("With a pipe on fd 0 the stdio backend passes Ctrl-A and every other byte through",
          "[devices]") {
  RedirectedFd in(STDIN_FILENO);
  auto r = make_char_backend("stdio");
  REQUIRE(r.has_value());
  bool quit = false;
  (*r)->set_quit_handler([&] { quit = true; });
  const std::string bytes = std::string("\x01x\x01h\x03\r") + '\0';
  put(in.write_end(), bytes);
  CHECK(take(**r, bytes.size()) == bytes);
  CHECK_FALSE(quit);
  CHECK((*r)->poll_fd() == STDIN_FILENO);
}

TEST_CASE(
    "On a terminal the stdio backend goes raw, passes Ctrl-C, obeys Ctrl-A and restores "
    "the terminal",
    "[devices]") {
  TerminalOnStdin tty;
  const termios before = tty.mode();
  REQUIRE((before.c_lflag & (ICANON | ECHO | ISIG)) == (ICANON | ECHO | ISIG));  // a cooked pty
  RedirectedFd err(STDERR_FILENO);
  {
    auto r = make_char_backend("stdio");
    REQUIRE(r.has_value());
    CharBackend& backend = **r;
    bool quit = false;
    backend.set_quit_handler([&] { quit = true; });

    const termios raw = tty.mode();
    CHECK((raw.c_lflag & (ICANON | ECHO | ECHONL | ISIG | IEXTEN)) == 0);
    CHECK((raw.c_iflag & (ICRNL | INLCR | IGNCR | IXON | ISTRIP | BRKINT)) == 0);
    CHECK((raw.c_oflag & OPOST) != 0);  // the terminal still turns "\n" into "\r\n"
    CHECK((raw.c_cflag & CSIZE) == CS8);
    CHECK(raw.c_cc[VMIN] == 1);

    // Ctrl-A h prints the help; Ctrl-C and Enter arrive as typed; Ctrl-A a is a Ctrl-A.
    put(tty.master(),
        "\x01h\x03\r\x01"
        "a");
    CHECK(take(backend, 3) == "\x03\r\x01");
    CHECK(contains(drain(err.read_end()), "C-a x"));
    CHECK(drain(tty.master()).empty());  // no echo

    put(tty.master(), "\x01xtyped after quitting");
    std::string after_quit;
    for (int i = 0; i < 100 && !quit; ++i) {
      if (auto byte = backend.read()) after_quit += static_cast<char>(*byte);
      ::usleep(10'000);
    }
    CHECK(quit);
    CHECK(after_quit.empty());
    CHECK(contains(drain(err.read_end()), "bt86: terminated by Ctrl-A x"));
    CHECK(backend.poll_fd() == -1);
    CHECK_FALSE(backend.read().has_value());
  }
  const termios after = tty.mode();
  CHECK(after.c_lflag == before.c_lflag);
  CHECK(after.c_iflag == before.c_iflag);
  CHECK(after.c_oflag == before.c_oflag);
  CHECK(after.c_cflag == before.c_cflag);
}

TEST_CASE("restore_host_terminal puts a raw terminal back and is harmless when repeated",
          "[devices]") {
  TerminalOnStdin tty;
  const termios before = tty.mode();
  auto r = make_char_backend("stdio");
  REQUIRE(r.has_value());
  REQUIRE((tty.mode().c_lflag & ICANON) == 0);
  restore_host_terminal();  // as a fatal-signal path would, before _exit
  CHECK(tty.mode().c_lflag == before.c_lflag);
  restore_host_terminal();
  r->reset();
  CHECK(tty.mode().c_lflag == before.c_lflag);
}

TEST_CASE("Bad unix: specs are errors that say what is wrong", "[devices]") {
  auto message = [](const std::string& spec) {
    auto r = make_char_backend(spec);
    REQUIRE_FALSE(r.has_value());
    return r.error().message;
  };
  CHECK(contains(message("unix:"), "names no socket"));
  CHECK(contains(message("unix:,server"), "names no socket"));
  const std::string bad_option = message("unix:/tmp/bt86-x.sock,server,telnet");
  CHECK(contains(bad_option, "'telnet'"));
  CHECK(contains(bad_option, "server=on"));
  CHECK(contains(bad_option, "wait=off"));
  CHECK(contains(message("unix:/tmp/bt86-x.sock,server,wait=on"), "never stops the VM"));
  CHECK(contains(message("unix:/tmp/bt86-x.sock,server,wait"), "never stops the VM"));
  CHECK(contains(message("unix:/tmp/" + std::string(120, 'a')), "too long"));
}

TEST_CASE("A unix: client that cannot connect names the socket and the reason", "[devices]") {
  TempPath tmp("absent.sock");
  auto r = make_char_backend("unix:" + tmp.path());
  REQUIRE_FALSE(r.has_value());
  CHECK(contains(r.error().message, "cannot connect"));
  CHECK(contains(r.error().message, tmp.path()));
  CHECK(contains(r.error().message, std::strerror(ENOENT)));
}

TEST_CASE("A unix: server that cannot bind names the socket and the reason, and spares files",
          "[devices]") {
  auto nowhere = make_char_backend("unix:/nonexistent-bt86-dir/s.sock,server");
  REQUIRE_FALSE(nowhere.has_value());
  CHECK(contains(nowhere.error().message, "cannot listen"));
  CHECK(contains(nowhere.error().message, "/nonexistent-bt86-dir/s.sock"));
  CHECK(contains(nowhere.error().message, std::strerror(ENOENT)));

  TempPath tmp("precious.txt");
  { std::ofstream(tmp.path()) << "not a socket\n"; }
  auto taken = make_char_backend("unix:" + tmp.path() + ",server");
  REQUIRE_FALSE(taken.has_value());
  CHECK(contains(taken.error().message, std::strerror(EADDRINUSE)));
  CHECK(slurp(tmp.path()) == "not a socket\n");
}

TEST_CASE("A unix: client sends and receives through the socket", "[devices]") {
  TempPath tmp("server.sock");
  const int listener = unix_listen(tmp.path());
  auto r = make_char_backend("unix:" + tmp.path());
  REQUIRE(r.has_value());
  CharBackend& backend = **r;
  const int peer = ::accept(listener, nullptr, nullptr);
  REQUIRE(peer >= 0);
  CHECK(backend.poll_fd() >= 0);

  send(backend, "login: root\n# ");
  CHECK(receive(peer, 12) == "login: root\n");
  CHECK(drain(peer).empty());  // the prompt waits for flush()
  backend.flush();
  CHECK(receive(peer, 2) == "# ");

  CHECK_FALSE(backend.read().has_value());
  put(peer, std::string("ls\r\x01x") + '\0');
  CHECK(take(backend, 6) == std::string("ls\r\x01x") + '\0');  // no escape on sockets

  ::close(peer);
  send(backend, "written after the peer left\n");  // EPIPE, not a SIGPIPE that kills bt86
  CHECK(backend.poll_fd() == -1);                  // the failed write ended the connection
  CHECK(reads_until_fd(backend, -1).empty());
  send(backend, "into a closed socket\n");  // dropped, and no SIGPIPE
  backend.flush();
  ::close(listener);
}

TEST_CASE(
    "A unix: server drops output until a client comes, and takes the next one after it "
    "leaves",
    "[devices]") {
  TempPath tmp("bt86.sock");
  std::string socket_path;
  {
    auto r = make_char_backend("unix:" + tmp.path() + ",server=on,wait=off");
    REQUIRE(r.has_value());
    CharBackend& backend = **r;
    struct stat st;
    REQUIRE(::lstat(tmp.path().c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    const int listening = backend.poll_fd();
    REQUIRE(listening >= 0);

    send(backend, "nobody hears this\n");
    CHECK_FALSE(backend.read().has_value());

    const int first = unix_connect(tmp.path());
    CHECK(readable_soon(listening));          // the machine's poll() wakes for a waiting client
    CHECK_FALSE(backend.read().has_value());  // accepts it
    CHECK(backend.poll_fd() != listening);
    send(backend, "hello\n");
    CHECK(receive(first, 6) == "hello\n");
    put(first, "pwd\r");
    CHECK(take(backend, 4) == "pwd\r");

    ::close(first);
    CHECK(reads_until_fd(backend, listening).empty());  // back to listening

    const int second = unix_connect(tmp.path());
    put(second, "again");
    CHECK(take(backend, 5) == "again");
    send(backend, "welcome back\n");
    CHECK(receive(second, 13) == "welcome back\n");
    ::close(second);
  }
  struct stat st;
  CHECK(::lstat(tmp.path().c_str(), &st) != 0);  // the server removes its socket
}

TEST_CASE("A unix: server replaces a socket left behind by an earlier run", "[devices]") {
  TempPath tmp("stale.sock");
  ::close(unix_listen(tmp.path()));  // the file stays, nobody listens
  auto r = make_char_backend("unix:" + tmp.path() + ",server,nowait");
  REQUIRE(r.has_value());
  const int client = unix_connect(tmp.path());
  put(client, "k");
  CHECK(take(**r, 1) == "k");
  ::close(client);
}

}  // namespace bt86::devices
