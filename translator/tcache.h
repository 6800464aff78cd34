// The translation cache: host code arena, block index, chaining, invalidation, flushing.
#pragma once

#include <boost/container/small_vector.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "runtime/vcpu.h"
#include "translator/block.h"
#include "translator/decode.h"
#include "translator/insn_table.h"

namespace bt86::translator {

// An instruction a block leaves to the monitor, decoded when the block was translated: the
// exit names it (VcpuState::exit_slot), so the monitor neither fetches nor decodes it again.
// The block's bytes stay those of the instruction while the block exists (writes to them
// invalidate it), and sites live until the cache is flushed, like the blocks.
struct MonitorSite {
  Insn in;
  Kind kind = Kind::Undef;
  int mode_vector = -1;  // the exception the block's mode makes it raise first, or -1
};
inline constexpr uint32_t kNoMonitorSite = ~0u;

struct TCacheStats {
  uint64_t blocks = 0, insns = 0, guest_bytes = 0, host_bytes = 0;
  uint64_t links = 0, unlinks = 0, invalidated_blocks = 0, invalidated_pages = 0, flushes = 0;
};

class TCache {
 public:
  // `bytes` of dual-mapped code memory (asmjit JitAllocator): an RX view that runs and an
  // RW view the emitter writes. Everything lives in one arena, within rel32 reach.
  static Result<std::unique_ptr<TCache>> create(size_t bytes, runtime::VcpuState* vcpu);
  ~TCache();

  // --- Arena. The glue is carved once at the start and survives flushes. ---
  uint8_t* rx() const { return rx_; }
  uint8_t* rw() const { return rw_; }
  size_t capacity() const { return capacity_; }
  size_t used() const { return top_; }
  uint64_t next_address() const { return uint64_t(rx_ + top_); }
  size_t free_bytes() const { return capacity_ - top_; }
  void seal_glue(size_t glue_bytes, uint64_t ibl_miss);
  bool in_arena(const uint8_t* p) const { return p >= rx_ && p < rx_ + capacity_; }
  bool in_glue(const uint8_t* p) const { return p >= rx_ && p < rx_ + glue_end_; }

  // --- Blocks. ---
  uint32_t new_slot();
  // Copies `size` bytes of emitted code to the arena and indexes the block.
  Block* install(Block proto, const uint8_t* code, size_t size,
                 const std::vector<PendingExit>& exits);
  uint32_t add_monitor_site(const MonitorSite& site) {
    monitor_sites_.push_back(site);
    return uint32_t(monitor_sites_.size() - 1);
  }
  const MonitorSite& monitor_site(uint32_t id) const { return monitor_sites_[id]; }
  // The block for `eip` (an offset in the mode's code segment) whose first byte is on
  // guest-physical page `page`.
  // A direct-mapped cache answers most lookups with one probe; the hash index holds all.
  Block* lookup(uint32_t eip, uint32_t page, ModeKey mode) {
    Block*& cached = lookup_cache_[cache_slot(eip, page, mode.hash())];
    if (cached && cached->eip == eip && cached->pages[0] == page && cached->mode == mode)
      return cached;
    auto it = index_.find(Key{eip, page, mode});
    if (it == index_.end()) return nullptr;
    cached = it->second;
    return cached;
  }
  Block* block_at(const uint8_t* host_pc) const;

  // Chains direct exit `slot` straight to `target` (both must be valid). With paging, a
  // chain into another linear page (or into a block that crosses a page) is recorded by
  // the target's linear pages and undone when their mapping may change: reset_ibl*().
  void link(uint32_t slot, Block* target);
  void set_paging(bool on) { paging_ = on; }
  // Invalidation: every block with bytes on `page` (guest-physical page number).
  // A bit per guest-physical page: every monitor write to guest memory asks.
  bool page_has_code(uint32_t page) const {
    return (code_bits_[page >> 6] >> (page & 63)) & 1;
  }
  // The same bits, page n in word n / 64, for 4 GiB of pages; valid as long as the cache.
  const uint64_t* code_page_bits() const { return code_bits_.data(); }
  void invalidate_page(uint32_t page);
  void flush();

  // Called when a page gains its first block (protect) or loses its last one (unprotect).
  // The inline table's entries point at blocks of one mode: reset it when the mode changes.
  void reset_ibl();
  // Only the entries of blocks on linear pages [first, first + count) (after INVLPG): a
  // bitmap of the linear pages with published entries keeps this cheap.
  void reset_ibl_pages(uint32_t first, uint32_t count);
  void publish_ibl(Block* b) {
    if (b->unlinked) return;
    const uint32_t index = ibl_index(b->eip, b->ibl_salt);
    vcpu_->ibl[index] = uint64_t(b->indirect_entry());
    ibl_pages_[b->linear() >> 18] |= 1ull << ((b->linear() >> 12) & 63);
    note_published(index, b->linear() >> 12, note_code_page(b));
  }
  // After a CR3 write with global pages on: only the entries of blocks on non-global pages
  // (the ones a new address space can map differently) go.
  void reset_ibl_nonglobal();
  // How the page of code at a linear address is mapped now: global (survives CR3 writes),
  // and by a 4 MiB page (INVLPG anywhere in it ends the whole translation).
  struct CodePage {
    bool global = false;
    bool large = false;
  };
  void set_code_page_query(std::function<CodePage(uint32_t linear)> q) { code_page_ = std::move(q); }
  // After INVLPG of `linear`: the entries and chains of its page, or of its whole 4 MiB
  // region when code there was reached through a 4 MiB page.
  void reset_ibl_linear(uint32_t linear);
  // The inline table is shared by every mode: a lookup hashes EIP plus its mode's salt, so
  // a block is found only from code of its own mode, and a mode change (a system call, an
  // interrupt from user code) costs nothing. Salts are multiples of 4096, one per mode
  // seen (a code segment's base and limit are part of the mode, so EIPs, which are offsets
  // in it, never meet those of another segment); nullopt when all 16 are taken (flush,
  // which frees them).
  std::optional<uint32_t> salt(ModeKey mode);
  static uint32_t ibl_index(uint32_t eip, uint32_t salt) {
    return (eip + salt) & (runtime::kIblEntries - 1);
  }

  void set_page_protector(std::function<void(uint32_t page, bool protect)> f) {
    protect_ = std::move(f);
  }
  const TCacheStats& stats() const { return stats_; }
  // Slots and blocks of before a flush are gone: callers holding a slot number compare this.
  uint64_t generation() const { return stats_.flushes; }

 private:
  struct Slot {
    Block* owner = nullptr;
    uint32_t rel32_off = 0;  // arena offset of the rel32 field
    uint32_t stub_off = 0;   // arena offset of the unlinked target
    Block* linked = nullptr;
  };
  struct Key {
    uint32_t eip, page;
    ModeKey mode;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<uint64_t>()(uint64_t(k.eip) | uint64_t(k.mode.hash()) << 32) ^ (size_t(k.page) * 0x9E3779B97F4A7C15ull);
    }
  };
  static Key key_of(const Block* b) { return Key{b->eip, b->pages[0], b->mode}; }
  static constexpr uint32_t kLookupCacheBits = 16;
  static uint32_t cache_slot(uint32_t eip, uint32_t page, uint32_t mode) {
    const uint32_t h = (eip ^ (page * 0x9E3779B1u) ^ (mode * 0x85EBCA6Bu)) * 0xC2B2AE35u;
    return h >> (32 - kLookupCacheBits);
  }
  void patch_rel32(uint32_t rel32_off, const uint8_t* target);
  void unlink_slot(uint32_t slot);
  void invalidate(Block* b);

  runtime::VcpuState* vcpu_;
  void* jit_ = nullptr;  // asmjit::JitAllocator
  uint8_t* rx_ = nullptr;
  uint8_t* rw_ = nullptr;
  size_t capacity_ = 0;
  size_t top_ = 0;
  size_t glue_end_ = 0;
  uint64_t ibl_miss_ = 0;

  std::deque<Block> blocks_;             // stable addresses; cleared by flush()
  std::vector<Block*> by_address_;       // ascending host address
  std::unordered_map<Key, Block*, KeyHash> index_;
  std::vector<uint64_t> code_bits_ = std::vector<uint64_t>((1u << 20) / 64);  // pages_ keys
  std::deque<MonitorSite> monitor_sites_;  // by id; a deque: references stay valid
  std::vector<Block*> lookup_cache_ = std::vector<Block*>(1u << kLookupCacheBits);  // or null
  std::unordered_map<uint32_t, boost::container::small_vector<Block*, 4>> pages_;
  std::vector<Slot> slots_;
  std::function<void(uint32_t, bool)> protect_;
  bool paging_ = false;
  // With paging, a link to a block on another linear page holds only while that page maps
  // to the same physical page: like an inline-table entry it is undone by the events that
  // end a TLB entry (CR3 writes for non-global pages, INVLPG, paging-mode changes).
  // Slots by the target's linear page, global and non-global targets apart.
  std::unordered_map<uint32_t, std::vector<uint32_t>> cross_links_[2];  // [global]
  void note_cross_link(uint32_t slot, const Block* target);
  void unlink_cross(std::vector<uint32_t>& slots);
  void unlink_cross_all(bool keep_global);
  std::vector<uint64_t> ibl_pages_ = std::vector<uint64_t>((1u << 20) / 64);  // by linear page
  std::vector<ModeKey> salted_modes_;  // by salt / 4096
  // Every table entry published since the last reset (index, linear page), for non-global
  // and global pages apart: a reset clears just those, since the full table (512 KiB) does
  // not fit in cache and costs tens of microseconds to rewrite, and a CR3 write visits only
  // the non-global ones (re-scanning the kernel's kept entries was 1.6% of a Linux
  // fork+exec profile). Past a bound, a reset rewrites everything.
  struct Published {
    uint32_t index;
    uint32_t page;
  };
  static constexpr size_t kPublishedMax = 16384;
  std::vector<Published> ibl_published_[2];  // [global]
  bool ibl_published_overflow_ = false;
  std::function<CodePage(uint32_t)> code_page_;
  // 4 MiB regions (by linear address >> 22) holding code that was mapped by a large page
  // when its entry or chain was made.
  std::vector<uint64_t> large_regions_ = std::vector<uint64_t>(1024 / 64);
  // Looks the block's page up; notes a large mapping; returns whether it is global.
  bool note_code_page(const Block* b) {
    if (!code_page_) return false;
    const CodePage c = code_page_(b->linear());
    if (c.large) {
      large_regions_[b->linear() >> 28] |= 1ull << ((b->linear() >> 22) & 63);
      const uint32_t last = b->linear() + b->guest_size - 1;  // a block may run into the next region
      large_regions_[last >> 28] |= 1ull << ((last >> 22) & 63);
    }
    return c.global;
  }
  void note_published(uint32_t index, uint32_t page, bool global) {
    if (ibl_published_[0].size() + ibl_published_[1].size() < kPublishedMax)
      ibl_published_[global].push_back(Published{index, page});
    else
      ibl_published_overflow_ = true;
  }
  // Clears the listed entries (all, or only non-global ones) and their page bits.
  void clear_published(bool keep_global);
  TCacheStats stats_;
};

}  // namespace bt86::translator
