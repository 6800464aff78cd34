// make_char_backend: spec parsing, the file backend's output, stdio's buffering and input.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
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
  TempPath() {
    char dir[] = "/tmp/bt86-char-backend-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    dir_ = dir;
    path_ = dir_ + "/serial.txt";
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

}  // namespace bt86::devices
