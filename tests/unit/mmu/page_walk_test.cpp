// mmu::walk against the rules of SDM Vol. 3A 4.3 (32-bit paging), 4.6 (access rights:
// U/S and R/W combined over both levels, CR0.WP), 4.7 (#PF error code P/W/U) and 4.8
// (Accessed and Dirty), on hand-built tables in a small guest RAM.
#include <catch2/catch.hpp>

#include "mmu/page_walk.h"

using namespace bt86::mmu;

namespace {

constexpr uint32_t kDir = 0x1000, kTable = 0x2000;
constexpr uint32_t P = kPtePresent, W = kPteWritable, U = kPteUser;

struct Tables {
  GuestRam ram = std::move(*GuestRam::create(8u << 20));
  uint32_t entry(uint32_t addr) {
    uint32_t e = 0;
    ram.read(addr, &e, 4);
    return e;
  }
  void set(uint32_t addr, uint32_t e) { ram.write(addr, &e, 4); }
  uint32_t pde(uint32_t lin) { return kDir + (lin >> 22) * 4; }
  uint32_t pte(uint32_t lin) { return kTable + ((lin >> 12) & 0x3FF) * 4; }
  // Maps linear `lin` to frame `phys` with PDE flags `dir` and PTE flags `leaf`.
  void map(uint32_t lin, uint32_t phys, uint32_t dir, uint32_t leaf) {
    set(pde(lin), kTable | dir);
    set(pte(lin), phys | leaf);
  }
};

PagingControls controls(bool wp = false, bool pse = false) { return {kDir, pse, wp}; }

}  // namespace

TEST_CASE("not present: the error code has P clear and W/U of the access", "[mmu]") {
  Tables t;
  CHECK(walk(t.ram, controls(), 0x00400123, AccessKind::kRead, false).error() == 0);
  CHECK(walk(t.ram, controls(), 0x00400123, AccessKind::kWrite, false).error() == kPfWrite);
  CHECK(walk(t.ram, controls(), 0x00400123, AccessKind::kWrite, true).error() ==
        (kPfWrite | kPfUser));
  // PDE present, PTE not: the PDE is used (Accessed set), the access still faults.
  t.set(t.pde(0x00400000), kTable | P | W);
  CHECK(walk(t.ram, controls(), 0x00400123, AccessKind::kFetch, true).error() == kPfUser);
  CHECK((t.entry(t.pde(0x00400000)) & kPteAccessed) != 0);
}

TEST_CASE("a translation sets Accessed, and Dirty only on a write to the leaf", "[mmu]") {
  Tables t;
  t.map(0x00400000, 0x00300000, P | W, P | W);
  auto r = walk(t.ram, controls(), 0x00400ABC, AccessKind::kRead, false);
  REQUIRE(r);
  CHECK(r->phys == 0x00300ABC);
  CHECK_FALSE(r->dirty);
  CHECK((t.entry(t.pte(0x00400000)) & (kPteAccessed | kPteDirty)) == kPteAccessed);
  REQUIRE(walk(t.ram, controls(), 0x00400ABC, AccessKind::kWrite, false));
  CHECK((t.entry(t.pte(0x00400000)) & kPteDirty) != 0);
  CHECK((t.entry(t.pde(0x00400000)) & kPteDirty) == 0);  // 4 KiB: the PDE has no D
}

TEST_CASE("user accesses need U/S at both levels, writes R/W at both", "[mmu]") {
  Tables t;
  t.map(0x00400000, 0x00300000, P | W, P | W | U);  // PDE supervisor
  CHECK(walk(t.ram, controls(), 0x00400000, AccessKind::kRead, true).error() ==
        (kPfPresent | kPfUser));
  t.map(0x00400000, 0x00300000, P | U, P | W | U);  // PDE read-only
  CHECK(walk(t.ram, controls(), 0x00400000, AccessKind::kRead, true));
  CHECK(walk(t.ram, controls(), 0x00400000, AccessKind::kWrite, true).error() ==
        (kPfPresent | kPfWrite | kPfUser));
  // A failed access does not set the leaf's Accessed bit.
  t.set(t.pte(0x00400000), 0x00300000 | P | W);
  (void)walk(t.ram, controls(), 0x00400000, AccessKind::kRead, true);
  CHECK((t.entry(t.pte(0x00400000)) & kPteAccessed) == 0);
}

TEST_CASE("supervisor writes to read-only pages depend on CR0.WP", "[mmu]") {
  Tables t;
  t.map(0x00400000, 0x00300000, P | W, P);
  auto no_wp = walk(t.ram, controls(false), 0x00400000, AccessKind::kWrite, false);
  REQUIRE(no_wp);
  CHECK(no_wp->writable);
  CHECK(walk(t.ram, controls(true), 0x00400000, AccessKind::kWrite, false).error() ==
        (kPfPresent | kPfWrite));
  auto read = walk(t.ram, controls(true), 0x00400000, AccessKind::kRead, false);
  REQUIRE(read);
  CHECK_FALSE(read->writable);
}

TEST_CASE("4 MiB pages only with CR4.PSE; their PDE takes A and D", "[mmu]") {
  Tables t;
  t.set(t.pde(0x00800000), 0x00400000 | P | W | kPdeLarge);
  auto big = walk(t.ram, controls(false, true), 0x00812345, AccessKind::kWrite, false);
  REQUIRE(big);
  CHECK(big->large);
  CHECK(big->phys == 0x00412345);
  CHECK((t.entry(t.pde(0x00800000)) & (kPteAccessed | kPteDirty)) ==
        (kPteAccessed | kPteDirty));
  // Without PSE the PS bit is ignored: the PDE points at a page table (here at 0x400000,
  // all zeros: not present).
  CHECK(walk(t.ram, controls(false, false), 0x00812345, AccessKind::kRead, false).error() == 0);
}

TEST_CASE("the global bit comes from the leaf entry", "[mmu]") {
  Tables t;
  t.map(0x00400000, 0x00300000, P | W, P | W | kPteGlobal);
  auto r = walk(t.ram, controls(), 0x00400000, AccessKind::kRead, false);
  REQUIRE(r);
  CHECK(r->global);
}

TEST_CASE("peek reports an entry without setting Accessed or Dirty", "[mmu]") {
  Tables t;
  t.map(0x00400000, 0x00300000, P | W | U, P | U);
  auto p = peek(t.ram, controls(), 0x00400123);
  REQUIRE(p);
  CHECK(p->phys == 0x00300123);
  CHECK_FALSE(p->accessed);
  CHECK_FALSE(p->rw);  // R/W clear in the PTE
  CHECK(p->user);
  CHECK((t.entry(t.pde(0x00400000)) & kPteAccessed) == 0);
  CHECK((t.entry(t.pte(0x00400000)) & kPteAccessed) == 0);
  CHECK_FALSE(peek(t.ram, controls(), 0x00800000));  // PDE not present
}
