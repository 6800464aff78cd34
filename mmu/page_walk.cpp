// 32-bit two-level page walk; see page_walk.h.
#include "mmu/page_walk.h"

namespace bt86::mmu {

namespace {

uint32_t load_entry(const GuestRam& ram, uint32_t addr) {
  if (!ram.contains(addr, 4)) return 0;
  uint32_t e = 0;
  ram.read(addr, &e, 4);
  return e;
}

// Sets `bits` in the entry at `addr` if any is clear. Page-table bits are not code, so
// the write bypasses the code-page hook (a page holding both gets invalidated by the
// guest's own next write anyway).
void set_bits(GuestRam& ram, uint32_t addr, uint32_t entry, uint32_t bits) {
  if ((entry & bits) == bits || !ram.contains(addr, 4)) return;
  entry |= bits;
  std::memcpy(ram.host(addr), &entry, 4);
}

}  // namespace

std::expected<PageMapping, uint32_t> walk(GuestRam& ram, const PagingControls& c,
                                          uint32_t linear, AccessKind kind, bool user) {
  const bool write = kind == AccessKind::kWrite;
  const uint32_t error = (write ? kPfWrite : 0) | (user ? kPfUser : 0);

  const uint32_t pde_addr = (c.cr3 & ~0xFFFu) + (linear >> 22) * 4;
  const uint32_t pde = load_entry(ram, pde_addr);
  if (!(pde & kPtePresent)) return std::unexpected(error);

  const bool large = c.pse && (pde & kPdeLarge);
  uint32_t leaf = pde, leaf_addr = pde_addr, frame = 0, rights = pde;
  if (large) {
    frame = (pde & 0xFFC00000u) | (linear & 0x003FF000u);
  } else {
    set_bits(ram, pde_addr, pde, kPteAccessed);
    leaf_addr = (pde & ~0xFFFu) + ((linear >> 12) & 0x3FF) * 4;
    leaf = load_entry(ram, leaf_addr);
    if (!(leaf & kPtePresent)) return std::unexpected(error);
    frame = leaf & ~0xFFFu;
    rights = pde & leaf;  // U/S and R/W must be set at both levels
  }

  const bool user_page = rights & kPteUser;
  const bool rw = rights & kPteWritable;
  const bool writable = user ? (user_page && rw) : (rw || !c.wp);
  if ((user && !user_page) || (write && !writable))
    return std::unexpected(error | kPfPresent);

  set_bits(ram, leaf_addr, leaf, kPteAccessed | (write ? kPteDirty : 0));
  PageMapping m;
  m.phys = frame | (linear & 0xFFF);
  m.writable = writable;
  m.user = user_page;
  m.global = leaf & kPteGlobal;
  m.dirty = write || (leaf & kPteDirty);
  m.large = large;
  return m;
}

std::optional<PageMapping> peek(const GuestRam& ram, const PagingControls& c, uint32_t linear) {
  const uint32_t pde = load_entry(ram, (c.cr3 & ~0xFFFu) + (linear >> 22) * 4);
  if (!(pde & kPtePresent)) return std::nullopt;
  PageMapping m;
  uint32_t leaf = pde;
  if (c.pse && (pde & kPdeLarge)) {
    m.phys = (pde & 0xFFC00000u) | (linear & 0x003FFFFFu);
    m.large = true;
  } else {
    leaf = load_entry(ram, (pde & ~0xFFFu) + ((linear >> 12) & 0x3FF) * 4);
    if (!(leaf & kPtePresent)) return std::nullopt;
    m.phys = (leaf & ~0xFFFu) | (linear & 0xFFF);
  }
  const uint32_t rights = m.large ? pde : pde & leaf;
  m.global = leaf & kPteGlobal;
  m.user = rights & kPteUser;
  m.rw = rights & kPteWritable;
  m.dirty = leaf & kPteDirty;
  m.accessed = leaf & kPteAccessed;
  return m;
}

}  // namespace bt86::mmu
