// Guest RAM as a sparse memfd: untouched pages cost nothing.
#include "mmu/guest_ram.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace bt86::mmu {

Result<GuestRam> GuestRam::create(uint64_t bytes) {
  int fd = memfd_create("bt86-guest-ram", MFD_CLOEXEC);
  if (fd < 0) return fail("cannot create guest RAM: memfd_create: %s", std::strerror(errno));
  if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    int e = errno;
    close(fd);
    return fail("cannot size guest RAM to %llu bytes: %s", (unsigned long long)bytes,
                std::strerror(e));
  }
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, fd, 0);
  if (p == MAP_FAILED) {
    int e = errno;
    close(fd);
    return fail("cannot map guest RAM: %s", std::strerror(e));
  }
  return GuestRam(fd, static_cast<uint8_t*>(p), bytes);
}

GuestRam::GuestRam(GuestRam&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      base_(std::exchange(o.base_, nullptr)),
      size_(std::exchange(o.size_, 0)),
      watched_(std::exchange(o.watched_, nullptr)),
      hook_(std::move(o.hook_)) {}

GuestRam& GuestRam::operator=(GuestRam&& o) noexcept {
  if (this != &o) {
    this->~GuestRam();
    new (this) GuestRam(std::move(o));
  }
  return *this;
}

GuestRam::~GuestRam() {
  if (base_) munmap(base_, size_);
  if (fd_ >= 0) close(fd_);
}

}  // namespace bt86::mmu
