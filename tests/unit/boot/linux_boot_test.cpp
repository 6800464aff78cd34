// Linux boot protocol loader: what a synthetic bzImage finds in guest RAM, and every refusal.
//
// The expectations are the numbers of Documentation/arch/x86/boot.rst and bootparam.h, written
// out here as literals (0x210 type_of_loader, 0x2D0 the E820 table...), not the loader's names.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mmu/guest_ram.h"
#include "runtime/boot/linux_boot.h"
#include "tests/unit/boot/image_builder.h"

using namespace bt86;
using namespace bt86::test;
using Catch::Contains;

namespace {

constexpr uint64_t kRam = 128ull << 20;

// The setup-header fields a test may spoil; the defaults are a plausible i386 kernel
// (protocol 2.15, relocatable, run at 16 MiB, 4 MiB init_size).
struct BzSpec {
  uint8_t setup_sects = 4;
  uint16_t boot_flag = 0xAA55;
  std::string magic = "HdrS";
  uint16_t version = 0x020F;
  uint8_t jump = 0x6A;  // header ends at 0x202 + 0x6A = 0x26C
  uint8_t loadflags = 0x01;
  uint32_t code32_start = 0x00100000;
  uint32_t initrd_addr_max = 0x37FFFFFF;
  uint32_t kernel_alignment = 0x00200000;
  uint8_t relocatable = 1;
  uint16_t xloadflags = 0;
  uint32_t cmdline_size = 2047;
  uint64_t pref_address = 0x01000000;
  uint32_t init_size = 0x00400000;
  size_t payload_size = 0x3000;
  bool set_syssize = true;
};

std::vector<uint8_t> payload_of(const BzSpec& s) {
  return pattern(s.payload_size, 0x40);
}

void put64(Bytes& b, size_t off, uint64_t v) {
  b.put32(off, static_cast<uint32_t>(v));
  b.put32(off + 4, static_cast<uint32_t>(v >> 32));
}

std::vector<uint8_t> build_bzimage(const BzSpec& s) {
  Bytes b;
  size_t sects = s.setup_sects != 0 ? s.setup_sects : 4;
  b.grow((sects + 1) * 512);
  // Bytes around the header that must not reach boot_params.
  for (size_t off = 0x1D0; off < 0x1F1; ++off) b.put8(off, 0xCC);
  for (size_t off = 0x26C; off < 0x300; ++off) b.put8(off, 0xEE);
  b.put8(0x1F1, s.setup_sects);
  b.put16(0x1F2, 0x0001);  // root_flags
  if (s.set_syssize) b.put32(0x1F4, static_cast<uint32_t>((s.payload_size + 15) / 16));
  b.put16(0x1FA, 0xFFFF);  // vid_mode: "normal"
  b.put16(0x1FC, 0x0801);  // root_dev
  b.put16(0x1FE, s.boot_flag);
  b.put8(0x200, 0xEB);
  b.put8(0x201, s.jump);
  for (size_t i = 0; i < 4 && i < s.magic.size(); ++i) b.put8(0x202 + i, s.magic[i]);
  b.put16(0x206, s.version);
  b.put16(0x20E, 0x3EA0);  // kernel_version
  b.put8(0x211, s.loadflags);
  b.put32(0x214, s.code32_start);
  b.put32(0x22C, s.initrd_addr_max);
  b.put32(0x230, s.kernel_alignment);
  b.put8(0x234, s.relocatable);
  b.put8(0x235, 0x0D);  // min_alignment
  b.put16(0x236, s.xloadflags);
  b.put32(0x238, s.cmdline_size);
  b.put32(0x248, 0x94);  // payload_offset
  put64(b, 0x258, s.pref_address);
  b.put32(0x260, s.init_size);
  b.put32(0x264, 0x00567291);  // handover_offset
  b.put32(0x268, 0x0056AE84);  // kernel_info_offset
  b.put((sects + 1) * 512, payload_of(s));
  return b.vec();
}

mmu::GuestRam make_ram(uint64_t bytes = kRam) {
  auto ram = mmu::GuestRam::create(bytes);
  REQUIRE(ram.has_value());
  return std::move(*ram);
}

uint8_t rd8(const mmu::GuestRam& ram, uint32_t gpa) {
  uint8_t v;
  ram.read(gpa, &v, 1);
  return v;
}
uint16_t rd16(const mmu::GuestRam& ram, uint32_t gpa) {
  uint16_t v;
  ram.read(gpa, &v, 2);
  return v;
}
uint32_t rd32(const mmu::GuestRam& ram, uint32_t gpa) {
  uint32_t v;
  ram.read(gpa, &v, 4);
  return v;
}
uint64_t rd64(const mmu::GuestRam& ram, uint32_t gpa) {
  uint64_t v;
  ram.read(gpa, &v, 8);
  return v;
}
std::vector<uint8_t> rdbytes(const mmu::GuestRam& ram, uint32_t gpa, size_t n) {
  std::vector<uint8_t> v(n);
  ram.read(gpa, v.data(), n);
  return v;
}
std::string rdstr(const mmu::GuestRam& ram, uint32_t gpa, size_t max = 0x10000) {
  std::string s;
  for (uint32_t a = gpa; a < gpa + max; ++a) {
    char c = static_cast<char>(rd8(ram, a));
    if (c == 0) return s;
    s += c;
  }
  FAIL("unterminated string at " << gpa);
  return s;
}

struct Loaded {
  mmu::GuestRam ram;
  boot::LinuxBootState state;
};

Loaded load_ok(const std::vector<uint8_t>& image, const std::vector<uint8_t>& initrd = {},
               const std::string& cmdline = "console=ttyS0", uint64_t ram_bytes = kRam) {
  auto ram = make_ram(ram_bytes);
  auto state = boot::load_linux(image, initrd, ram, cmdline);
  if (!state) FAIL("refused: " << state.error().message);
  return Loaded{std::move(ram), std::move(*state)};
}

// A write-hook bitmap with every page of 4 GiB watched: the hook sees every write.
const std::vector<uint64_t> kEveryPage((1u << 20) / 64, ~0ull);

// Loads `image` and returns the error message; fails the test if it loads or writes guest RAM.
std::string refusal(const std::vector<uint8_t>& image, const std::vector<uint8_t>& initrd = {},
                    const std::string& cmdline = "console=ttyS0", uint64_t ram_bytes = kRam) {
  auto ram = make_ram(ram_bytes);
  size_t writes = 0;
  ram.set_write_hook(kEveryPage.data(), [&](uint32_t, size_t) { ++writes; });
  auto state = boot::load_linux(image, initrd, ram, cmdline);
  if (state.has_value()) {
    FAIL("the image was accepted");
    return {};
  }
  INFO(state.error().message);
  CHECK(writes == 0);
  CHECK(!state.error().message.empty());
  CHECK(state.error().message.find('\n') == std::string::npos);  // one line
  return state.error().message;
}

}  // namespace

TEST_CASE("a bzImage is told from other images by its HdrS magic at 0x202", "[boot]") {
  CHECK(boot::is_linux_image(build_bzimage(BzSpec{})));
  CHECK_FALSE(boot::is_linux_image(build_elf(simple_elf())));
  CHECK_FALSE(boot::is_linux_image(std::vector<uint8_t>(0x205, 0)));
  BzSpec no_magic;
  no_magic.magic = "HdrX";
  CHECK_FALSE(boot::is_linux_image(build_bzimage(no_magic)));
}

TEST_CASE("a bzImage's protected-mode kernel is loaded at 1 MiB and entered at code32_start",
          "[boot]") {
  BzSpec spec;
  auto image = build_bzimage(spec);
  REQUIRE(image.size() == 5 * 512 + spec.payload_size);  // 4 setup sectors + the boot sector
  auto [ram, state] = load_ok(image);
  CHECK(state.entry == 0x00100000);
  CHECK(state.esi == 0x00010000);
  CHECK(state.warnings.empty());
  CHECK(rdbytes(ram, 0x00100000, spec.payload_size) == payload_of(spec));
  CHECK(rd8(ram, 0x00100000 + spec.payload_size) == 0);  // the setup sectors are not loaded
}

TEST_CASE("setup_sects 0 is read as 4", "[boot]") {
  BzSpec spec;
  spec.setup_sects = 0;
  auto image = build_bzimage(spec);
  REQUIRE(image.size() == 5 * 512 + spec.payload_size);
  auto [ram, state] = load_ok(image);
  CHECK(rdbytes(ram, 0x00100000, spec.payload_size) == payload_of(spec));
}

TEST_CASE("code32_start inside the kernel is the entry point", "[boot]") {
  BzSpec spec;
  spec.code32_start = 0x00100200;
  auto [ram, state] = load_ok(build_bzimage(spec));
  CHECK(state.entry == 0x00100200);
}

TEST_CASE("boot_params holds the image's setup header and the loader's fields", "[boot]") {
  auto image = build_bzimage(BzSpec{});
  auto [ram, state] = load_ok(image, {}, "console=ttyS0 root=/dev/ram0");
  const uint32_t bp = state.esi;

  SECTION("the setup header, 0x1F1 up to 0x202 + the byte at 0x201, at the same offsets") {
    CHECK(rd8(ram, bp + 0x1F1) == 4);             // setup_sects
    CHECK(rd16(ram, bp + 0x1F2) == 0x0001);       // root_flags
    CHECK(rd32(ram, bp + 0x1F4) == 0x3000 / 16);  // syssize
    CHECK(rd16(ram, bp + 0x1FA) == 0xFFFF);       // vid_mode
    CHECK(rd16(ram, bp + 0x1FC) == 0x0801);       // root_dev
    CHECK(rd16(ram, bp + 0x1FE) == 0xAA55);       // boot_flag
    CHECK(rd16(ram, bp + 0x200) == 0x6AEB);       // jump
    CHECK(rdbytes(ram, bp + 0x202, 4) == std::vector<uint8_t>{'H', 'd', 'r', 'S'});
    CHECK(rd16(ram, bp + 0x206) == 0x020F);
    CHECK(rd16(ram, bp + 0x20E) == 0x3EA0);      // kernel_version
    CHECK(rd32(ram, bp + 0x214) == 0x00100000);  // code32_start
    CHECK(rd32(ram, bp + 0x22C) == 0x37FFFFFF);  // initrd_addr_max
    CHECK(rd32(ram, bp + 0x230) == 0x00200000);  // kernel_alignment
    CHECK(rd8(ram, bp + 0x234) == 1);            // relocatable_kernel
    CHECK(rd32(ram, bp + 0x238) == 2047);        // cmdline_size
    CHECK(rd32(ram, bp + 0x248) == 0x94);        // payload_offset
    CHECK(rd64(ram, bp + 0x258) == 0x01000000);  // pref_address
    CHECK(rd32(ram, bp + 0x260) == 0x00400000);  // init_size
    CHECK(rd32(ram, bp + 0x268) == 0x0056AE84);  // kernel_info_offset, the last header field
  }
  SECTION("nothing outside the header is copied: the sentinel at 0x1EF stays 0") {
    for (uint32_t off = 0x1D0; off < 0x1E0; ++off) CHECK(rd8(ram, bp + off) == 0);
    CHECK(rd8(ram, bp + 0x1EF) == 0);
    CHECK(rd8(ram, bp + 0x1F0) == 0);
    for (uint32_t off = 0x26C; off < 0x290; ++off) CHECK(rd8(ram, bp + off) == 0);
  }
  SECTION("the loader's fields") {
    CHECK(rd8(ram, bp + 0x210) == 0xFF);             // type_of_loader: undefined
    CHECK((rd8(ram, bp + 0x211) & 0x01) != 0);       // loadflags: LOADED_HIGH kept
    CHECK((rd8(ram, bp + 0x211) & 0x80) != 0);       // CAN_USE_HEAP
    CHECK(rd16(ram, bp + 0x224) == 0xFE00 - 0x200);  // heap_end_ptr
    CHECK(rd32(ram, bp + 0x218) == 0);               // no initrd
    CHECK(rd32(ram, bp + 0x21C) == 0);
    uint32_t cmd = rd32(ram, bp + 0x228);
    CHECK(cmd >= bp + 0x1000);      // not inside the zero page
    CHECK(cmd + 29 <= 0x0009FC00);  // in conventional memory, below the EBDA
    CHECK(rdstr(ram, cmd) == "console=ttyS0 root=/dev/ram0");
  }
  SECTION("memory sizes and no VGA") {
    CHECK(rd8(ram, bp + 0x00F) == 0);             // screen_info.orig_video_isVGA
    CHECK(rd16(ram, bp + 0x002) == 0xFFFF);       // ext_mem_k: 127 MiB does not fit in 16 bits
    CHECK(rd32(ram, bp + 0x1E0) == 127u * 1024);  // alt_mem_k: KiB above 1 MiB
  }
  SECTION("the E820 map for 128 MiB") {
    struct Entry {
      uint64_t addr, size;
      uint32_t type;
    };
    const Entry expected[] = {
        {0x00000000, 0x0009FC00, 1},  // conventional memory up to the EBDA
        {0x0009FC00, 0x00000400, 2},  // EBDA
        {0x000F0000, 0x00010000, 2},  // BIOS
        {0x00100000, 0x07F00000, 1},  // 1 MiB to 128 MiB
    };
    REQUIRE(rd8(ram, bp + 0x1E8) == 4);
    for (uint32_t i = 0; i < 4; ++i) {
      INFO("entry " << i);
      uint32_t at = bp + 0x2D0 + 20 * i;
      CHECK(rd64(ram, at) == expected[i].addr);
      CHECK(rd64(ram, at + 8) == expected[i].size);
      CHECK(rd32(ram, at + 16) == expected[i].type);
    }
    for (uint32_t off = 0x2D0 + 4 * 20; off < 0x2D0 + 5 * 20; ++off) CHECK(rd8(ram, bp + off) == 0);
  }
}

TEST_CASE("ext_mem_k holds the KiB above 1 MiB when they fit in 16 bits", "[boot]") {
  BzSpec spec;
  spec.init_size = 0x00100000;
  auto [ram, state] = load_ok(build_bzimage(spec), {}, "", 32ull << 20);
  CHECK(rd16(ram, state.esi + 0x002) == 31 * 1024);
  CHECK(rd32(ram, state.esi + 0x1E0) == 31 * 1024);
  CHECK(rd64(ram, state.esi + 0x2D0 + 3 * 20 + 8) == 31ull << 20);
  CHECK(rdstr(ram, rd32(ram, state.esi + 0x228)).empty());
}

TEST_CASE("the initrd goes page-aligned as high as RAM and initrd_addr_max allow", "[boot]") {
  auto check_initrd = [](const Loaded& l, const std::vector<uint8_t>& initrd, uint64_t limit) {
    uint32_t addr = rd32(l.ram, l.state.esi + 0x218);
    CHECK(rd32(l.ram, l.state.esi + 0x21C) == initrd.size());
    CHECK(addr % 4096 == 0);
    CHECK(addr + initrd.size() <= limit);
    CHECK(addr + 4096 + initrd.size() > limit);  // no higher page would do
    CHECK(addr >= 0x01400000);                   // above the kernel's 16 MiB + init_size
    CHECK(rdbytes(l.ram, addr, initrd.size()) == initrd);
  };
  SECTION("RAM's end is the limit") {
    auto initrd = pattern(0x1801, 0x77);
    Loaded l = load_ok(build_bzimage(BzSpec{}), initrd);
    CHECK(rd32(l.ram, l.state.esi + 0x218) == 0x07FFE000);
    check_initrd(l, initrd, kRam);
  }
  SECTION("initrd_addr_max is the last byte it may occupy") {
    BzSpec spec;
    spec.initrd_addr_max = 0x01FFFFFF;
    auto initrd = pattern(0x2000, 0x33);
    Loaded l = load_ok(build_bzimage(spec), initrd);
    CHECK(rd32(l.ram, l.state.esi + 0x218) == 0x01FFE000);
    check_initrd(l, initrd, 0x02000000);
  }
  SECTION("an initrd that exactly fills the room above the kernel's init_size area") {
    // 32 MiB of RAM; the kernel runs at 16 MiB and needs 4 MiB: 12 MiB are left.
    auto initrd = pattern(12u << 20, 0x01);
    Loaded l = load_ok(build_bzimage(BzSpec{}), initrd, "", 32ull << 20);
    CHECK(rd32(l.ram, l.state.esi + 0x218) == 0x01400000);
    check_initrd(l, initrd, 32ull << 20);
  }
  SECTION("an empty initrd is none") {
    Loaded l = load_ok(build_bzimage(BzSpec{}), {});
    CHECK(rd32(l.ram, l.state.esi + 0x218) == 0);
    CHECK(rd32(l.ram, l.state.esi + 0x21C) == 0);
  }
}

TEST_CASE("a protocol 2.04 kernel loads, with a 255-byte command line and a warning", "[boot]") {
  BzSpec spec;
  spec.version = 0x0204;
  spec.jump = 0x2E;  // the 2.04 header ends after initrd_addr_max, at 0x230
  auto image = build_bzimage(spec);
  auto [ram, state] = load_ok(image, {}, std::string(255, 'a'));
  CHECK(state.entry == 0x00100000);
  REQUIRE(state.warnings.size() == 1);
  CHECK_THAT(state.warnings[0], Contains("init_size"));
  CHECK(rd32(ram, state.esi + 0x22C) == 0x37FFFFFF);
  CHECK(rd32(ram, state.esi + 0x230) == 0);  // past the 2.04 header: not copied
  CHECK_THAT(refusal(image, {}, std::string(256, 'a')), Contains("at most 255"));
}

TEST_CASE("a malformed bzImage is refused before guest RAM is written", "[boot]") {
  SECTION("no 0xAA55 boot flag") {
    BzSpec spec;
    spec.boot_flag = 0xAA56;
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("0xAA55"));
  }
  SECTION("no HdrS magic") {
    BzSpec spec;
    spec.magic = "HDRS";
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("HdrS"));
  }
  SECTION("boot protocol 2.03") {
    BzSpec spec;
    spec.version = 0x0203;
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("protocol 2.03"));
  }
  SECTION("a zImage (no LOADED_HIGH)") {
    BzSpec spec;
    spec.loadflags = 0x80;
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("LOADED_HIGH"));
  }
  SECTION("an x86-64 kernel") {
    BzSpec spec;
    spec.xloadflags = 0x0003;  // XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("x86-64"));
  }
  SECTION("setup_sects beyond the end of the file") {
    auto image = build_bzimage(BzSpec{});
    image[0x1F1] = 200;
    CHECK_THAT(refusal(image), Contains("setup_sects 200"));
  }
  SECTION("no protected-mode kernel after the setup sectors") {
    auto image = build_bzimage(BzSpec{});
    image.resize(5 * 512);
    image[0x1F4] = image[0x1F5] = 0;  // syssize 0
    CHECK_THAT(refusal(image), Contains("truncated"));
  }
  SECTION("a protected-mode kernel shorter than syssize") {
    auto image = build_bzimage(BzSpec{});
    image.pop_back();
    CHECK_THAT(refusal(image), Contains("syssize"));
  }
  SECTION("code32_start outside the loaded kernel") {
    BzSpec spec;
    spec.code32_start = 0x00100000 + 0x3000;
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("code32_start"));
    spec.code32_start = 0x000FFFFF;
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("code32_start"));
  }
  SECTION("a setup header that ends before the fields of its protocol") {
    BzSpec spec;
    spec.jump = 0x5E;  // 0x260: cuts init_size of protocol 2.10+
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("malformed setup header"));
  }
  SECTION("a setup header that would run into the rest of boot_params") {
    BzSpec spec;
    spec.jump = 0x90;  // 0x292
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("malformed setup header"));
  }
}

TEST_CASE("a command line, initrd or kernel that does not fit is refused", "[boot]") {
  auto image = build_bzimage(BzSpec{});
  SECTION("a command line longer than cmdline_size") {
    load_ok(image, {}, std::string(2047, 'x'));
    CHECK_THAT(refusal(image, {}, std::string(2048, 'x')), Contains("too long"));
  }
  SECTION("a command line longer than bt86's area, whatever cmdline_size says") {
    BzSpec spec;
    spec.cmdline_size = 0xFFFFFFFF;
    CHECK_THAT(refusal(build_bzimage(spec), {}, std::string(1 << 16, 'x')), Contains("too long"));
  }
  SECTION("a command line with a NUL byte") {
    CHECK_THAT(refusal(image, {}, std::string("console=ttyS0\0x", 15)), Contains("NUL"));
  }
  SECTION("an initrd larger than RAM above the kernel") {
    // 32 MiB of RAM, 20 MiB taken by the kernel: 12 MiB and one byte do not fit.
    CHECK_THAT(refusal(image, pattern((12u << 20) + 1, 0), "", 32ull << 20),
               Contains("initrd too large"));
  }
  SECTION("an initrd_addr_max inside the kernel's init_size area") {
    BzSpec spec;
    spec.initrd_addr_max = 0x00FFFFFF;
    CHECK_THAT(refusal(build_bzimage(spec), pattern(0x1000, 0)), Contains("initrd too large"));
  }
  SECTION("an init_size larger than RAM") {
    BzSpec spec;
    spec.init_size = 200u << 20;
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("init_size"));
  }
  SECTION("a run address beyond RAM") {
    BzSpec spec;
    spec.pref_address = 0xFFFFFFFFFFFFF000ull;
    CHECK_THAT(refusal(build_bzimage(spec)), Contains("RAM too small"));
  }
  SECTION("a kernel larger than RAM") {
    BzSpec spec;
    spec.payload_size = 0x180000;  // 1.5 MiB from 1 MiB, in 2 MiB of RAM
    spec.init_size = 0;
    spec.pref_address = 0;
    CHECK_THAT(refusal(build_bzimage(spec), {}, "", 2ull << 20), Contains("RAM too small"));
  }
}

TEST_CASE("every truncation of a bzImage is refused cleanly", "[boot]") {
  BzSpec spec;
  spec.payload_size = 0x200;
  auto image = build_bzimage(spec);
  load_ok(image);
  auto ram = make_ram();
  size_t writes = 0;
  ram.set_write_hook(kEveryPage.data(), [&](uint32_t, size_t) { ++writes; });
  for (size_t n = 0; n < image.size(); ++n) {
    std::vector<uint8_t> cut(image.begin(), image.begin() + n);
    auto state = boot::load_linux(cut, {}, ram, "console=ttyS0");
    INFO("length " << n);
    REQUIRE_FALSE(state.has_value());
    CHECK(!state.error().message.empty());
    CHECK(state.error().message.find('\n') == std::string::npos);
  }
  CHECK(writes == 0);
}

TEST_CASE("a bzImage with a corrupted header loads or is refused, never more", "[boot]") {
  BzSpec spec;
  spec.payload_size = 0x200;
  const auto good = build_bzimage(spec);
  std::mt19937 rng(20240702);
  auto ram = make_ram();
  size_t writes = 0;
  ram.set_write_hook(kEveryPage.data(), [&](uint32_t, size_t) { ++writes; });
  int loaded = 0;
  for (int round = 0; round < 4000; ++round) {
    auto image = good;
    int flips = 1 + static_cast<int>(rng() % 6);
    for (int i = 0; i < flips; ++i) image[0x1F0 + rng() % 0x90] = static_cast<uint8_t>(rng());
    if (rng() % 4 == 0) image.resize(rng() % (image.size() + 1));
    auto initrd = pattern(rng() % 3 == 0 ? 0x1234 : 0, 0x5A);
    size_t before = writes;
    auto state = boot::load_linux(image, initrd, ram, "console=ttyS0");
    INFO("round " << round);
    if (state.has_value()) {
      ++loaded;
      CHECK(state->esi == 0x00010000);
      CHECK(state->entry >= 0x00100000);
      CHECK(state->entry < 0x00100000 + image.size());
      CHECK(rd8(ram, 0x00010210) == 0xFF);
    } else {
      CHECK(writes == before);
      CHECK(!state.error().message.empty());
      CHECK(state.error().message.find('\n') == std::string::npos);
    }
  }
  CHECK(loaded > 0);  // the corruption does not refuse everything
}
