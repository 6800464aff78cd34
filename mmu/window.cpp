// Reserving, aligning and mapping a guest window.
#include "mmu/window.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/assert.h"

namespace bt86::mmu {

namespace {
// Reserve enough to carve out a 4 GiB-aligned window with a guard on each side.
constexpr uint64_t kReserve = Window::kSpan * 2 + 2 * Window::kGuard;
}  // namespace

Result<Window> Window::create_empty() {
  void* r = mmap(nullptr, kReserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (r == MAP_FAILED) return fail("cannot reserve a guest window: %s", std::strerror(errno));
  uint64_t start = reinterpret_cast<uint64_t>(r);
  uint64_t base = (start + kGuard + kSpan - 1) & ~(kSpan - 1);
  BT_ASSERT(base + kSpan + kGuard <= start + kReserve, "window carve-out");
  return Window(start, base);
}

Result<Window> Window::create_identity(const GuestRam& ram) {
  auto made = create_empty();
  if (!made) return made;
  Window w = std::move(*made);
  const uint64_t base = w.base_;
  void* m = mmap(reinterpret_cast<void*>(base), ram.size(), PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_FIXED, ram.fd(), 0);
  if (m == MAP_FAILED) return fail("cannot map guest RAM into its window: %s", std::strerror(errno));
  return w;
}

Window::Window(Window&& o) noexcept
    : reservation_(std::exchange(o.reservation_, 0)), base_(std::exchange(o.base_, 0)) {}

Window& Window::operator=(Window&& o) noexcept {
  if (this != &o) {
    this->~Window();
    new (this) Window(std::move(o));
  }
  return *this;
}

Window::~Window() {
  if (reservation_) munmap(reinterpret_cast<void*>(reservation_), kReserve);
}

void Window::set_page_writable(uint32_t guest_page_addr, bool writable) {
  void* p = reinterpret_cast<void*>(base_ + (guest_page_addr & ~0xFFFu));
  int rc = mprotect(p, 4096, writable ? PROT_READ | PROT_WRITE : PROT_READ);
  BT_ASSERT(rc == 0, "mprotect guest page 0x%x: %s", guest_page_addr, std::strerror(errno));
}

}  // namespace bt86::mmu

namespace bt86::mmu {

void Window::make_absent(uint32_t start, uint32_t len) {
  if (len == 0) return;
  int rc = mprotect(reinterpret_cast<void*>(base_ + start), len, PROT_NONE);
  BT_ASSERT(rc == 0, "mprotect absent range 0x%x+0x%x: %s", start, len, std::strerror(errno));
}

void Window::map(const GuestRam& ram, uint32_t linear, uint32_t phys, uint32_t len,
                 bool writable) {
  void* p = mmap(reinterpret_cast<void*>(base_ + linear), len,
                 writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED | MAP_FIXED, ram.fd(),
                 off_t(phys));
  BT_ASSERT(p != MAP_FAILED, "map guest 0x%x+0x%x -> 0x%x: %s", linear, len, phys,
            std::strerror(errno));
}

void Window::map_open_bus(uint32_t linear_page_addr) {
  void* p = mmap(reinterpret_cast<void*>(base_ + linear_page_addr), 4096, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  BT_ASSERT(p != MAP_FAILED, "map open bus at guest 0x%x: %s", linear_page_addr,
            std::strerror(errno));
  std::memset(p, 0xFF, 4096);
}

void Window::unmap(uint32_t linear, uint64_t len) {
  if (len == 0) return;
  void* p = mmap(reinterpret_cast<void*>(base_ + linear), len, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
  BT_ASSERT(p != MAP_FAILED, "unmap guest 0x%x+0x%llx: %s", linear, (unsigned long long)len,
            std::strerror(errno));
}

void Window::protect(uint32_t linear, uint32_t len, bool writable) {
  int rc = mprotect(reinterpret_cast<void*>(base_ + linear), len,
                    writable ? PROT_READ | PROT_WRITE : PROT_READ);
  BT_ASSERT(rc == 0, "mprotect guest 0x%x+0x%x: %s", linear, len, std::strerror(errno));
}

}  // namespace bt86::mmu
