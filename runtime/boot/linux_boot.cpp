// The Linux/x86 32-bit boot protocol (Documentation/arch/x86/boot.rst): bzImage, initrd and
// command line into guest RAM, and the zero page (struct boot_params) the kernel finds at ESI.
//
// A bzImage is a real-mode setup part of (setup_sects + 1) sectors, whose setup header lies at
// 0x1F1, followed by the protected-mode kernel. The 32-bit protocol skips the real-mode part:
// the loader copies the setup header into a zeroed boot_params, fills in what a BIOS-based
// setup would have found (memory size, E820 map, no VGA), and jumps to code32_start.
#include "runtime/boot/linux_boot.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "common/assert.h"
#include "runtime/boot/load_plan.h"
#include "runtime/layout.h"

namespace bt86::boot {

namespace {

// Setup-header fields, at the same offsets in the image and in boot_params.
constexpr uint32_t kSetupSects = 0x1F1, kSyssize = 0x1F4, kBootFlag = 0x1FE, kJump = 0x200;
constexpr uint32_t kHeaderMagic = 0x202, kVersion = 0x206, kTypeOfLoader = 0x210;
constexpr uint32_t kLoadflags = 0x211, kCode32Start = 0x214, kRamdiskImage = 0x218;
constexpr uint32_t kRamdiskSize = 0x21C, kHeapEndPtr = 0x224, kExtLoaderVer = 0x226;
constexpr uint32_t kExtLoaderType = 0x227, kCmdLinePtr = 0x228, kInitrdAddrMax = 0x22C;
constexpr uint32_t kKernelAlignment = 0x230, kRelocatableKernel = 0x234, kXloadflags = 0x236;
constexpr uint32_t kCmdlineSize = 0x238, kHardwareSubarch = 0x23C, kHardwareSubarchData = 0x240;
constexpr uint32_t kSetupData = 0x250, kPrefAddress = 0x258, kInitSize = 0x260;

// The rest of boot_params (arch/x86/include/uapi/asm/bootparam.h).
constexpr uint32_t kScreenExtMemK = 0x002;       // screen_info.ext_mem_k, u16
constexpr uint32_t kScreenIsVga = 0x00F;         // screen_info.orig_video_isVGA
constexpr uint32_t kAltMemK = 0x1E0;             // u32
constexpr uint32_t kE820Entries = 0x1E8;         // u8
constexpr uint32_t kSetupHeaderRoomEnd = 0x290;  // edd_mbr_sig_buffer: the header ends before
constexpr uint32_t kE820Table = 0x2D0;           // struct boot_e820_entry[128]
constexpr uint32_t kE820EntrySize = 20;          // u64 addr, u64 size, u32 type
constexpr uint32_t kE820TableEntries = 128;

constexpr uint32_t kSectorSize = 512;
constexpr uint32_t kDefaultSetupSects = 4;  // a stored 0 means 4 (boot.rst, setup_sects)
constexpr uint8_t kLoaderUndefined = 0xFF;  // type_of_loader: "undefined" (no assigned ID)
constexpr uint16_t kHeapEnd = 0xFE00 - 0x200;
constexpr uint64_t kPageMask = 0xFFF;

constexpr uint32_t proto_major(uint16_t v) {
  return v >> 8;
}
constexpr uint32_t proto_minor(uint16_t v) {
  return v & 0xFF;
}

// The setup header must reach the last field bt86 reads for the image's protocol version.
uint32_t needed_header_end(uint16_t version) {
  if (version >= 0x020A) return kInitSize + 4;           // pref_address, init_size (2.10)
  if (version >= 0x0206) return kCmdlineSize + 4;        // cmdline_size (2.06)
  if (version >= 0x0205) return kRelocatableKernel + 1;  // kernel_alignment (2.05)
  return kInitrdAddrMax + 4;                             // initrd_addr_max (2.03)
}

uint64_t le64(std::span<const uint8_t> b, size_t off) {
  return uint64_t{le32(b, off)} | uint64_t{le32(b, off + 4)} << 32;
}

// Where the decompressed kernel runs, as arch/x86/boot/compressed/head_32.S picks it: a
// relocatable kernel at its load address rounded up to kernel_alignment, but never below
// LOAD_PHYSICAL_ADDR (which pref_address reports); any other kernel at LOAD_PHYSICAL_ADDR.
uint64_t run_address(const LinuxSetupHeader& h) {
  uint64_t at = std::max<uint64_t>(layout::kLinuxKernel, h.pref_address);
  uint64_t align = h.kernel_alignment;
  if (h.relocatable && align != 0 && (align & (align - 1)) == 0) {
    at = std::max<uint64_t>(at, (uint64_t{layout::kLinuxKernel} + align - 1) & ~(align - 1));
  }
  return at;
}

struct E820Entry {
  uint64_t addr;
  uint64_t size;
  uint32_t type;
};

// What a PC BIOS reports through INT 15h/E820, with no firmware tables at the top of RAM.
std::array<E820Entry, 4> e820_map(uint64_t ram) {
  return {{
      {0, layout::kEbdaStart, kE820Ram},
      {layout::kEbdaStart, layout::kLowRamEnd - layout::kEbdaStart, kE820Reserved},
      {layout::kBiosAreaStart, layout::kHighRamStart - layout::kBiosAreaStart, kE820Reserved},
      {layout::kHighRamStart, ram - layout::kHighRamStart, kE820Ram},
  }};
}

// Where everything goes, decided and checked before guest RAM is touched.
struct LinuxPlacement {
  uint64_t kernel_end = 0;   // of the whole footprint: loaded image and init_size area
  uint32_t initrd_addr = 0;  // 0 with no initrd
};

// The staging copy of boot_params, written to guest RAM in one go.
class ZeroPage {
 public:
  void put8(uint32_t off, uint8_t v) { bytes_[at(off, 1)] = v; }
  void put16(uint32_t off, uint16_t v) {
    for (uint32_t i = 0; i < 2; ++i) put8(off + i, static_cast<uint8_t>(v >> (8 * i)));
  }
  void put32(uint32_t off, uint32_t v) {
    for (uint32_t i = 0; i < 4; ++i) put8(off + i, static_cast<uint8_t>(v >> (8 * i)));
  }
  void put64(uint32_t off, uint64_t v) {
    put32(off, static_cast<uint32_t>(v));
    put32(off + 4, static_cast<uint32_t>(v >> 32));
  }
  void copy(uint32_t off, std::span<const uint8_t> src) {
    std::memcpy(&bytes_[at(off, src.size())], src.data(), src.size());
  }
  const uint8_t* data() const { return bytes_.data(); }

 private:
  static size_t at(uint32_t off, size_t len) {
    BT_ASSERT(off + len <= layout::kLinuxBootParamsSize,
              "boot_params write of %zu bytes at 0x%x leaves the zero page", len, off);
    return off;
  }
  std::array<uint8_t, layout::kLinuxBootParamsSize> bytes_{};
};

Result<void> check_cmdline(const LinuxSetupHeader& h, const std::string& cmdline) {
  if (cmdline.find('\0') != std::string::npos) {
    return fail("kernel command line contains a NUL byte at %zu: the kernel would stop there",
                cmdline.find('\0'));
  }
  if (cmdline.size() > h.cmdline_size) {
    return fail(
        "kernel command line too long: %zu bytes; this kernel takes at most %u "
        "(cmdline_size%s)",
        cmdline.size(), h.cmdline_size,
        h.version < 0x0206 ? ", 255 before protocol 2.06" : " in its setup header");
  }
  if (cmdline.size() + 1 > layout::kLinuxCmdlineMax) {
    return fail("kernel command line too long: %zu bytes; bt86 has room for %u", cmdline.size(),
                layout::kLinuxCmdlineMax - 1);
  }
  return {};
}

Result<LinuxPlacement> place(const LinuxSetupHeader& h, uint64_t ram, size_t initrd_size) {
  static_assert(layout::kLinuxBootParams + layout::kLinuxBootParamsSize <= layout::kLinuxCmdline);
  static_assert(layout::kLinuxCmdline + layout::kLinuxCmdlineMax <= layout::kEbdaStart);
  static_assert(kE820Table + kE820TableEntries * kE820EntrySize <= layout::kLinuxBootParamsSize);

  if (ram <= layout::kHighRamStart) {
    return fail("guest RAM too small for Linux: %llu KiB, nothing above 1 MiB",
                (unsigned long long)(ram >> 10));
  }
  if (ram > (1ull << 32)) {
    return fail("guest RAM too large for Linux: %llu MiB does not fit below 4 GiB",
                (unsigned long long)(ram >> 20));
  }

  LinuxPlacement p;
  p.kernel_end = uint64_t{layout::kLinuxKernel} + h.kernel_size;
  if (p.kernel_end > ram) {
    return fail(
        "guest RAM too small: the protected-mode kernel (%u bytes at 1 MiB) ends past "
        "the %llu MiB of RAM; try a larger -m",
        h.kernel_size, (unsigned long long)(ram >> 20));
  }
  if (h.init_size != 0) {
    uint64_t run = run_address(h);
    if (run > ram || h.init_size > ram - run) {
      return fail(
          "guest RAM too small for this kernel: it needs 0x%llx-0x%llx (init_size "
          "0x%x from its run address 0x%llx) but RAM ends at 0x%llx (%llu MiB); try a "
          "larger -m",
          (unsigned long long)run, (unsigned long long)(run + h.init_size - 1), h.init_size,
          (unsigned long long)run, (unsigned long long)ram, (unsigned long long)(ram >> 20));
    }
    p.kernel_end = std::max(p.kernel_end, run + h.init_size);
  }

  if (initrd_size != 0) {
    // The initrd goes as high as it may: its last byte at most initrd_addr_max, inside RAM.
    uint64_t limit = std::min<uint64_t>(ram, uint64_t{h.initrd_addr_max} + 1);
    uint64_t addr = initrd_size <= limit ? (limit - initrd_size) & ~kPageMask : 0;
    if (initrd_size > limit || addr < p.kernel_end) {
      return fail(
          "initrd too large: %zu bytes do not fit between the kernel's memory (up to "
          "0x%llx) and 0x%llx (the lower of RAM's end and initrd_addr_max + 1)",
          initrd_size, (unsigned long long)p.kernel_end, (unsigned long long)limit);
    }
    p.initrd_addr = static_cast<uint32_t>(addr);
  }
  return p;
}

// boot_params as the 32-bit boot protocol wants it: zeroed, the image's setup header copied to
// the same offsets, then the loader's fields and what a BIOS-based setup would have found.
ZeroPage build_zero_page(const LinuxSetupHeader& h, std::span<const uint8_t> image,
                         const LinuxPlacement& p, uint32_t initrd_size, uint64_t ram) {
  ZeroPage z;
  z.copy(kSetupSects, image.subspan(kSetupSects, h.header_end - kSetupSects));

  z.put8(kTypeOfLoader, kLoaderUndefined);
  z.put8(kLoadflags, kLoadedHigh | kCanUseHeap);  // QUIET and KEEP_SEGMENTS clear
  z.put16(kHeapEndPtr, kHeapEnd);
  z.put8(kExtLoaderVer, 0);
  z.put8(kExtLoaderType, 0);
  z.put32(kCmdLinePtr, layout::kLinuxCmdline);
  z.put32(kRamdiskImage, p.initrd_addr);
  z.put32(kRamdiskSize, initrd_size);
  // Fields a loader owns that the image should leave 0; a garbage image must not smuggle in a
  // setup_data list or a non-PC subarchitecture.
  z.put32(kHardwareSubarch, 0);
  z.put64(kHardwareSubarchData, 0);
  z.put64(kSetupData, 0);

  uint64_t ext_k = (ram - layout::kHighRamStart) >> 10;
  z.put16(kScreenExtMemK, static_cast<uint16_t>(std::min<uint64_t>(ext_k, 0xFFFF)));
  z.put8(kScreenIsVga, 0);  // no VGA: the console is the serial port
  z.put32(kAltMemK, static_cast<uint32_t>(ext_k));

  auto map = e820_map(ram);
  z.put8(kE820Entries, static_cast<uint8_t>(map.size()));
  uint32_t at = kE820Table;
  for (const E820Entry& e : map) {
    z.put64(at, e.addr);
    z.put64(at + 8, e.size);
    z.put32(at + 16, e.type);
    at += kE820EntrySize;
  }
  return z;
}

}  // namespace

bool is_linux_image(std::span<const uint8_t> image) {
  return image.size() >= kHeaderMagic + 4 &&
         std::memcmp(image.data() + kHeaderMagic, "HdrS", 4) == 0;
}

Result<LinuxSetupHeader> parse_linux_header(std::span<const uint8_t> image) {
  if (image.size() < kHeaderMagic + 4) {
    return fail(
        "truncated Linux image: %zu bytes, too short for the setup header (its \"HdrS\" "
        "magic ends at 0x%x)",
        image.size(), kHeaderMagic + 4);
  }
  if (le16(image, kBootFlag) != 0xAA55) {
    return fail("not a Linux bzImage: boot_flag at 0x1FE is 0x%04x, not 0xAA55",
                le16(image, kBootFlag));
  }
  if (!is_linux_image(image)) {
    return fail(
        "not a Linux bzImage: no \"HdrS\" setup-header magic at 0x202 (boot protocol "
        "2.00 or later)");
  }
  if (image.size() < kVersion + 2) {
    return fail("truncated Linux image: %zu bytes end before the protocol version at 0x206",
                image.size());
  }

  LinuxSetupHeader h;
  h.version = le16(image, kVersion);
  if (h.version < kLinuxMinProtocol) {
    return fail(
        "Linux boot protocol %u.%02u is too old: bt86 needs %u.%02u or later "
        "(Linux 2.6.14+)",
        proto_major(h.version), proto_minor(h.version), proto_major(kLinuxMinProtocol),
        proto_minor(kLinuxMinProtocol));
  }
  // boot.rst: the header ends at 0x202 + the byte at 0x201 (the short jump's displacement).
  h.header_end = kHeaderMagic + image[kJump + 1];
  if (h.header_end < needed_header_end(h.version)) {
    return fail(
        "malformed setup header: protocol %u.%02u has fields up to 0x%x, but the jump "
        "at 0x200 says the header ends at 0x%x",
        proto_major(h.version), proto_minor(h.version), needed_header_end(h.version), h.header_end);
  }
  if (h.header_end > kSetupHeaderRoomEnd) {
    return fail(
        "malformed setup header: the jump at 0x200 says it ends at 0x%x, past the "
        "0x%x where boot_params has room for it",
        h.header_end, kSetupHeaderRoomEnd);
  }
  if (image.size() < h.header_end) {
    return fail("truncated Linux image: %zu bytes end inside the setup header (0x1F1-0x%x)",
                image.size(), h.header_end - 1);
  }

  h.setup_sects = image[kSetupSects] != 0 ? image[kSetupSects] : kDefaultSetupSects;
  h.syssize = le32(image, kSyssize);
  h.loadflags = image[kLoadflags];
  h.code32_start = le32(image, kCode32Start);
  h.initrd_addr_max = le32(image, kInitrdAddrMax);
  if (h.version >= 0x0205) {
    h.kernel_alignment = le32(image, kKernelAlignment);
    h.relocatable = image[kRelocatableKernel] != 0;
  }
  if (h.version >= 0x0206) h.cmdline_size = le32(image, kCmdlineSize);
  if (h.version >= 0x020A) {
    h.pref_address = le64(image, kPrefAddress);
    h.init_size = le32(image, kInitSize);
  }
  if (h.version >= 0x020C) h.xloadflags = le16(image, kXloadflags);

  if (!(h.loadflags & kLoadedHigh)) {
    return fail(
        "a zImage (loadflags bit 0, LOADED_HIGH, is clear: its kernel loads at "
        "0x10000): bt86 boots only bzImages, loaded at 1 MiB");
  }
  if (h.xloadflags & kXlfKernel64) {
    return fail(
        "an x86-64 kernel (xloadflags bit 0, XLF_KERNEL_64): bt86 runs 32-bit guests "
        "only; use an i386 kernel");
  }

  h.kernel_offset = (h.setup_sects + 1) * kSectorSize;
  if (h.kernel_offset >= image.size()) {
    return fail(
        "truncated Linux image: setup_sects %u puts the protected-mode kernel at file "
        "offset 0x%x, but the file has only %zu bytes",
        h.setup_sects, h.kernel_offset, image.size());
  }
  h.kernel_size = static_cast<uint32_t>(image.size() - h.kernel_offset);
  if (uint64_t{h.syssize} * 16 > h.kernel_size) {
    return fail(
        "truncated Linux image: syssize says the protected-mode kernel is %llu bytes, "
        "but the file holds only %u after the setup sectors",
        (unsigned long long)h.syssize * 16, h.kernel_size);
  }
  if (h.code32_start < layout::kLinuxKernel ||
      h.code32_start - layout::kLinuxKernel >= h.kernel_size) {
    return fail(
        "code32_start 0x%08x is outside the protected-mode kernel loaded at "
        "0x%08x-0x%08x",
        h.code32_start, layout::kLinuxKernel, layout::kLinuxKernel + h.kernel_size - 1);
  }
  return h;
}

Result<LinuxBootState> load_linux(std::span<const uint8_t> image, std::span<const uint8_t> initrd,
                                  mmu::GuestRam& ram, const std::string& cmdline) {
  auto header = parse_linux_header(image);
  if (!header) return std::unexpected(header.error());
  const LinuxSetupHeader& h = *header;
  if (auto ok = check_cmdline(h, cmdline); !ok) return std::unexpected(ok.error());
  auto placement = place(h, ram.size(), initrd.size());
  if (!placement) return std::unexpected(placement.error());

  LinuxBootState state{h.code32_start, layout::kLinuxBootParams};
  if (h.version < 0x020A) {
    state.warnings.push_back(
        strfmt("Linux boot protocol %u.%02u predates init_size: bt86 cannot check that the "
               "decompressed kernel fits in RAM and misses the initrd",
               proto_major(h.version), proto_minor(h.version)));
  }

  // Everything is checked: only now touch guest RAM.
  auto initrd_size = static_cast<uint32_t>(initrd.size());
  ZeroPage zero_page = build_zero_page(h, image, *placement, initrd_size, ram.size());
  ram.write(layout::kLinuxKernel, image.data() + h.kernel_offset, h.kernel_size);
  if (initrd_size != 0) ram.write(placement->initrd_addr, initrd.data(), initrd_size);
  ram.write(layout::kLinuxCmdline, cmdline.c_str(), cmdline.size() + 1);
  ram.write(layout::kLinuxBootParams, zero_page.data(), layout::kLinuxBootParamsSize);
  return state;
}

}  // namespace bt86::boot
