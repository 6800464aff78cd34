// A guest address window: 4 GiB of host address space that GS points at.
#pragma once

#include <cstdint>

#include "common/result.h"
#include "mmu/guest_ram.h"

namespace bt86::mmu {

// The window is 4 GiB-aligned, so a host pointer's low 32 bits are the guest address
// (string instructions rely on this), and it is surrounded by PROT_NONE guards large
// enough for any displacement a 32-bit instruction can add after address wrap-around
// (BT with a register bit offset reaches ±256 MiB).
class Window {
 public:
  static constexpr uint64_t kSpan = 1ull << 32;
  static constexpr uint64_t kGuard = 1ull << 30;

  // Paging off: guest-physical memory mapped one to one (RAM read-write, the rest absent).
  static Result<Window> create_identity(const GuestRam& ram);
  // Paging on: nothing mapped; shadow fills map guest pages into it (mmu/shadow.h).
  static Result<Window> create_empty();
  Window() = default;  // no reservation: a placeholder until one is moved in
  Window(Window&&) noexcept;
  Window& operator=(Window&&) noexcept;
  Window(const Window&) = delete;
  ~Window();

  uint64_t base() const { return base_; }
  // The host address range that faults inside this window (guards included).
  bool contains(uint64_t host_addr) const {
    return host_addr >= base_ - kGuard && host_addr < base_ + kSpan + kGuard;
  }
  // The guest address of a host address inside [base, base + 4 GiB); guards give false.
  bool guest_address(uint64_t host_addr, uint32_t* out) const {
    if (host_addr < base_ || host_addr >= base_ + kSpan) return false;
    *out = uint32_t(host_addr - base_);
    return true;
  }

  // Write-protects or re-enables writes to one 4 KiB guest page (code tracking).
  void set_page_writable(uint32_t guest_page_addr, bool writable);
  // Makes [start, start+len) inaccessible (page-aligned): an access faults as outside RAM.
  void make_absent(uint32_t start, uint32_t len);

  // Shadow mappings (page-aligned): `len` bytes of guest RAM from guest-physical `phys`
  // at guest address `linear`, read-only or read-write; unmap() returns the range to
  // PROT_NONE without a backing (the next access faults again).
  void map(const GuestRam& ram, uint32_t linear, uint32_t phys, uint32_t len, bool writable);
  void unmap(uint32_t linear, uint64_t len);
  void protect(uint32_t linear, uint32_t len, bool writable);
  // One page of no memory at all (guest-physical space outside RAM, no device): reads
  // return all ones, as an ISA/PCI bus returns for an unclaimed cycle; writes land in a
  // private page that is discarded when the mapping goes, so they only read back until then.
  void map_open_bus(uint32_t linear_page_addr);

 private:
  Window(uint64_t reservation, uint64_t base) : reservation_(reservation), base_(base) {}
  uint64_t reservation_ = 0;  // start of the whole reserved range
  uint64_t base_ = 0;
};

}  // namespace bt86::mmu
