// read_image: the kernel file is read whole, and each way of failing has its own message.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/boot/image_file.h"

using namespace bt86;
using Catch::Contains;

namespace {

// A fresh directory under /tmp, removed with its files at the end of the test.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/bt86-image-test-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    for (const auto& f : files_) unlink(f.c_str());
    rmdir(path_.c_str());
  }
  std::string file(const std::string& name, const std::vector<uint8_t>& bytes) {
    std::string p = path_ + "/" + name;
    FILE* f = std::fopen(p.c_str(), "wb");
    REQUIRE(f != nullptr);
    if (!bytes.empty()) REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    std::fclose(f);
    files_.push_back(p);
    return p;
  }
  std::string sparse(const std::string& name, off_t size) {
    std::string p = file(name, {});
    REQUIRE(truncate(p.c_str(), size) == 0);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

}  // namespace

TEST_CASE("read_image returns the whole file", "[boot]") {
  TempDir dir;
  std::vector<uint8_t> bytes(200000);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 7);
  auto image = boot::read_image(dir.file("k.elf", bytes));
  REQUIRE(image.has_value());
  CHECK(*image == bytes);
}

TEST_CASE("read_image refuses what is not a readable, non-empty, reasonable file", "[boot]") {
  TempDir dir;
  SECTION("a missing file") {
    auto image = boot::read_image(dir.path() + "/nope.elf");
    REQUIRE_FALSE(image.has_value());
    CHECK_THAT(image.error().message, Contains("No such file"));
    CHECK_THAT(image.error().message, Contains("nope.elf"));
  }
  SECTION("a directory") {
    auto image = boot::read_image(dir.path());
    REQUIRE_FALSE(image.has_value());
    CHECK_THAT(image.error().message, Contains("directory"));
  }
  SECTION("an empty file") {
    auto image = boot::read_image(dir.file("empty", {}));
    REQUIRE_FALSE(image.has_value());
    CHECK_THAT(image.error().message, Contains("empty"));
  }
  SECTION("an empty file name") {
    auto image = boot::read_image("");
    REQUIRE_FALSE(image.has_value());
    CHECK_THAT(image.error().message, Contains("no kernel image"));
  }
  SECTION("a file one byte over 256 MiB") {
    auto image = boot::read_image(dir.sparse("big", (256 << 20) + 1));
    REQUIRE_FALSE(image.has_value());
    CHECK_THAT(image.error().message, Contains("too large"));
  }
  SECTION("an unreadable file") {
    std::string p = dir.file("secret", {1, 2, 3});
    REQUIRE(chmod(p.c_str(), 0) == 0);
    if (geteuid() == 0) {
      WARN("running as root: file permissions do not stop reading; skipped");
      return;
    }
    auto image = boot::read_image(p);
    REQUIRE_FALSE(image.has_value());
    CHECK_THAT(image.error().message, Contains("Permission denied"));
  }
}

TEST_CASE("read_image reads a pipe to its end", "[boot]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::vector<uint8_t> bytes(100000, 0x5A);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = write(fds[1], bytes.data() + done, bytes.size() - done);
      if (n <= 0) _exit(1);
      done += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  auto image = boot::read_image("/proc/self/fd/" + std::to_string(fds[0]));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(image.has_value());
  CHECK(*image == bytes);
}
