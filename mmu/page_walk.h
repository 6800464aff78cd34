// The guest's 32-bit page-table walk (SDM Vol. 3A 4.3): 4 KiB pages and, with CR4.PSE,
// 4 MiB pages; permissions combined across the PDE and PTE; Accessed and Dirty bits set
// as the processor sets them; the #PF error code of a failed access.
#pragma once

#include <cstdint>
#include <expected>
#include <optional>

#include "mmu/guest_ram.h"

namespace bt86::mmu {

// Entry bits (the same in PDEs and PTEs where both have them).
inline constexpr uint32_t kPtePresent = 1u << 0;
inline constexpr uint32_t kPteWritable = 1u << 1;
inline constexpr uint32_t kPteUser = 1u << 2;
inline constexpr uint32_t kPteAccessed = 1u << 5;
inline constexpr uint32_t kPteDirty = 1u << 6;
inline constexpr uint32_t kPdeLarge = 1u << 7;  // PS, with CR4.PSE
inline constexpr uint32_t kPteGlobal = 1u << 8;

// #PF error code bits.
inline constexpr uint32_t kPfPresent = 1u << 0;  // a protection violation (else not present)
inline constexpr uint32_t kPfWrite = 1u << 1;
inline constexpr uint32_t kPfUser = 1u << 2;

// The paging controls a walk depends on.
struct PagingControls {
  uint32_t cr3 = 0;
  bool pse = false;  // CR4.PSE: PDE.PS selects a 4 MiB page
  bool wp = false;   // CR0.WP: supervisor writes honour R/W
};

enum class AccessKind : uint8_t { kRead, kWrite, kFetch };

// A successful translation of one linear address.
struct PageMapping {
  uint32_t phys = 0;         // physical address of the linear address itself
  bool writable = false;     // the view may write the page (R/W in both levels, or WP off
                             // for supervisor) -- the Dirty bit is a separate matter
  bool user = false;         // U/S set at both levels
  bool global = false;       // G in the leaf entry
  bool dirty = false;        // D in the leaf entry after this access
  bool large = false;        // a 4 MiB page
  bool accessed = true;      // Accessed set in the leaf (peek reports it; walk sets it)
  bool rw = false;           // peek: R/W at both levels (the view's rights are the caller's)
};

// Walks the tables for one access by a user (CPL 3) or supervisor view. On success sets
// the Accessed bits (and Dirty for a write) in guest memory; on failure returns the #PF
// error code (P/W/U; the faulting address is the caller's). A PDE that is present gets
// its Accessed bit even when the PTE then faults, as the processor does. Table entries
// outside guest RAM read as zero (not present).
std::expected<PageMapping, uint32_t> walk(GuestRam& ram, const PagingControls& c,
                                          uint32_t linear, AccessKind kind, bool user);

// What the tables say about `linear` now, for the monitor's own bookkeeping: no Accessed
// or Dirty bits are set and no permission is checked. Nothing if it is not present.
std::optional<PageMapping> peek(const GuestRam& ram, const PagingControls& c, uint32_t linear);

}  // namespace bt86::mmu
