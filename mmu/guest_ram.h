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
  void write(uint32_t gpa, const void* src, size_t len);

  // Called for every write() so that the translation cache can drop stale code.
  void set_write_hook(std::function<void(uint32_t gpa, size_t len)> hook) { hook_ = std::move(hook); }

 private:
  GuestRam(int fd, uint8_t* base, uint64_t size) : fd_(fd), base_(base), size_(size) {}
  int fd_ = -1;
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  std::function<void(uint32_t, size_t)> hook_;
};

}  // namespace bt86::mmu
