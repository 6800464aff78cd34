// Guest-physical RAM: one memfd, plus the monitor's own read-write view of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

#include "common/result.h"

namespace bt86::mmu {

class GuestRam {
 public:
  static Result<GuestRam> create(uint64_t bytes);
  GuestRam(GuestRam&&) noexcept;
  GuestRam& operator=(GuestRam&&) noexcept;
  GuestRam(const GuestRam&) = delete;
  ~GuestRam();

  uint64_t size() const { return size_; }
  int fd() const { return fd_; }
  bool contains(uint64_t gpa, uint64_t len) const { return gpa <= size_ && len <= size_ - gpa; }

  // The monitor's view. Writes through it bypass code-page tracking: use write() for those
  // that may hit translated code (device DMA, loaders after the first translation).
  uint8_t* host(uint32_t gpa) const { return base_ + gpa; }

  void read(uint32_t gpa, void* dst, size_t len) const { std::memcpy(dst, host(gpa), len); }
  // Calls the write hook when the bytes touch a watched page. Inline, with the bitmap test
  // before any call: the monitor writes guest memory a dozen times per interrupt frame.
  void write(uint32_t gpa, const void* src, size_t len) {
    std::memcpy(host(gpa), src, len);
    if (len != 0 && watched_ && touches_watched(gpa, len)) hook_(gpa, len);
  }

  // `hook` runs after each write() to a page whose bit is set in `watched` (one bit per
  // 4 KiB page, page n in word n / 64), so the translation cache can drop stale code.
  // The bitmap is the caller's and must cover RAM and outlive this object's use of it.
  void set_write_hook(const uint64_t* watched, std::function<void(uint32_t gpa, size_t len)> hook) {
    watched_ = watched;
    hook_ = std::move(hook);
  }

 private:
  GuestRam(int fd, uint8_t* base, uint64_t size) : fd_(fd), base_(base), size_(size) {}
  int fd_ = -1;
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  bool touches_watched(uint32_t gpa, size_t len) const {
    for (uint64_t page = gpa >> 12; page <= (gpa + len - 1) >> 12; ++page)
      if ((watched_[page >> 6] >> (page & 63)) & 1) return true;
    return false;
  }
  const uint64_t* watched_ = nullptr;
  std::function<void(uint32_t, size_t)> hook_;
};

}  // namespace bt86::mmu
