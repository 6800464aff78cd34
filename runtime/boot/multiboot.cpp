// Multiboot v1 (specification 0.6.96): find the header, load the kernel, fill the info block.
#include "runtime/boot/multiboot.h"

#include <algorithm>
#include <cstring>

#include "runtime/boot/elf32.h"
#include "runtime/boot/load_plan.h"
#include "runtime/boot/multiboot_info.h"

namespace bt86::boot {

namespace {

// Header field offsets from the magic (section 3.1.1).
constexpr uint32_t kHdrFlags = 4, kHdrChecksum = 8;
constexpr uint32_t kHdrHeaderAddr = 12, kHdrLoadAddr = 16, kHdrLoadEndAddr = 20;
constexpr uint32_t kHdrBssEndAddr = 24, kHdrEntryAddr = 28;
constexpr uint32_t kHdrBasicSize = 12, kHdrAddressSize = 32;

// A Linux bzImage carries "HdrS" at 0x202: worth a precise message.
bool looks_like_bzimage(std::span<const uint8_t> image) {
  return image.size() >= 0x206 && std::memcmp(image.data() + 0x202, "HdrS", 4) == 0;
}

// The load plan for the a.out kludge: the header's own address fields say where the file goes
// (section 3.1.3). The header at file offset `offset` is loaded at header_addr, so the file
// is loaded from offset - (header_addr - load_addr), up to load_end_addr (0: to the end of the
// file), and zeroed up to bss_end_addr (0: no bss).
Result<LoadPlan> plan_aout_kludge(const MultibootHeader& h, std::span<const uint8_t> image) {
  if (h.header_addr < h.load_addr) {
    return fail("bad Multiboot a.out kludge: header_addr 0x%08x is below load_addr 0x%08x",
                h.header_addr, h.load_addr);
  }
  uint32_t before_header = h.header_addr - h.load_addr;
  if (before_header > h.offset) {
    return fail(
        "bad Multiboot a.out kludge: load_addr 0x%08x is 0x%x bytes below header_addr "
        "but the header is only 0x%x bytes into the file",
        h.load_addr, before_header, h.offset);
  }
  uint64_t file_offset = h.offset - before_header;

  uint64_t load_size;
  if (h.load_end_addr == 0) {
    load_size = image.size() - file_offset;
  } else {
    if (h.load_end_addr < h.load_addr) {
      return fail("bad Multiboot a.out kludge: load_end_addr 0x%08x is below load_addr 0x%08x",
                  h.load_end_addr, h.load_addr);
    }
    load_size = h.load_end_addr - h.load_addr;
    if (file_offset + load_size > image.size()) {
      return fail(
          "truncated image: the a.out kludge loads file bytes 0x%llx-0x%llx but the "
          "image has only %zu bytes",
          (unsigned long long)file_offset, (unsigned long long)(file_offset + load_size - 1),
          image.size());
    }
  }
  uint64_t load_end = uint64_t{h.load_addr} + load_size;
  if (load_end > (1ull << 32)) {
    return fail("a.out-kludge image at 0x%08x (0x%llx bytes) wraps around the 4 GiB address space",
                h.load_addr, (unsigned long long)load_size);
  }

  uint64_t mem_size = load_size;
  if (h.bss_end_addr != 0) {
    if (h.bss_end_addr < load_end) {
      return fail(
          "bad Multiboot a.out kludge: bss_end_addr 0x%08x is below the end of the "
          "loaded image 0x%08llx",
          h.bss_end_addr, (unsigned long long)load_end);
    }
    mem_size = h.bss_end_addr - h.load_addr;
  }
  if (mem_size == 0) return fail("the kernel image loads nothing (a.out kludge of size 0)");

  LoadPlan plan;
  plan.what = "a.out-kludge image";
  plan.entry = h.entry_addr;
  plan.segments.push_back(Segment{h.load_addr, file_offset, static_cast<uint32_t>(load_size),
                                  static_cast<uint32_t>(mem_size)});
  return plan;
}

}  // namespace

Result<MultibootHeader> find_multiboot_header(std::span<const uint8_t> image) {
  size_t limit = std::min<size_t>(image.size(), kMultibootSearchBytes);
  for (size_t off = 0; off + kHdrBasicSize <= limit; off += 4) {
    if (le32(image, off) != kMultibootHeaderMagic) continue;
    uint32_t flags = le32(image, off + kHdrFlags);
    if (kMultibootHeaderMagic + flags + le32(image, off + kHdrChecksum) != 0) continue;

    MultibootHeader h;
    h.offset = static_cast<uint32_t>(off);
    h.flags = flags;
    uint32_t unknown = flags & 0xFFFF & ~kHeaderKnownRequired;
    if (unknown != 0) {
      return fail(
          "the Multiboot header requires features bt86 does not know (flags 0x%08x, "
          "unknown required bits 0x%04x): refusing to boot, as the specification says",
          flags, unknown);
    }
    if (flags & kHeaderAoutKludge) {
      if (off + kHdrAddressSize > limit) {
        return fail(
            "truncated Multiboot header at offset 0x%zx: its address fields (flag 16) "
            "end past byte %zu",
            off, limit);
      }
      h.header_addr = le32(image, off + kHdrHeaderAddr);
      h.load_addr = le32(image, off + kHdrLoadAddr);
      h.load_end_addr = le32(image, off + kHdrLoadEndAddr);
      h.bss_end_addr = le32(image, off + kHdrBssEndAddr);
      h.entry_addr = le32(image, off + kHdrEntryAddr);
    }
    return h;
  }
  if (looks_like_bzimage(image)) {
    return fail(
        "no Multiboot header: this looks like a Linux bzImage, and bt86 boots only "
        "Multiboot kernels so far");
  }
  return fail(
      "no Multiboot header (magic 0x1BADB002 with a valid checksum, 4-byte aligned) "
      "in the first %u bytes of the image",
      kMultibootSearchBytes);
}

Result<BootState> load_multiboot(std::span<const uint8_t> image, mmu::GuestRam& ram,
                                 const std::string& kernel_path, const std::string& append) {
  auto header = find_multiboot_header(image);
  if (!header) return std::unexpected(header.error());

  BootState state{0, kMultibootBootMagic, 0};
  // Bit 0 (page-align modules): there are no modules. Bit 1 (memory info): always given.
  // Bit 2 (video mode): like QEMU ("multiboot knows VBE. we don't"), warn and boot in text mode.
  if (header->flags & kHeaderVideoMode) {
    state.warnings.push_back(
        "the kernel asks for a video mode (Multiboot flag 2); bt86 has no VBE and boots it in "
        "VGA text mode, as QEMU does");
  }

  Result<LoadPlan> plan;
  if (header->flags & kHeaderAoutKludge) {
    plan = plan_aout_kludge(*header, image);
  } else if (is_elf(image)) {
    plan = plan_elf32(image);
  } else {
    return fail(
        "not an ELF image, and its Multiboot header has no address fields (a.out "
        "kludge, flag 16): bt86 cannot tell where to load it");
  }
  if (!plan) return std::unexpected(plan.error());
  if (auto ok = check_plan(*plan, ram.size()); !ok) return std::unexpected(ok.error());

  std::string cmdline = multiboot_cmdline(kernel_path, append);
  if (auto ok = check_info(ram, cmdline); !ok) return std::unexpected(ok.error());

  // Everything is checked: only now touch guest RAM.
  apply_plan(*plan, image, ram);
  state.ebx = write_info(ram, cmdline);
  state.entry = plan->entry;
  return state;
}

}  // namespace bt86::boot
