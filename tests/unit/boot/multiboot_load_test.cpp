// Multiboot loader: what a valid ELF32 or a.out-kludge kernel finds in guest RAM at its entry.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "mmu/guest_ram.h"
#include "runtime/boot/multiboot.h"
#include "tests/unit/boot/image_builder.h"

using namespace bt86;
using namespace bt86::test;

namespace {

constexpr uint64_t kRam = 32ull << 20;

mmu::GuestRam make_ram() {
  auto ram = mmu::GuestRam::create(kRam);
  REQUIRE(ram.has_value());
  return std::move(*ram);
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

std::string rdstr(const mmu::GuestRam& ram, uint32_t gpa) {
  std::string s;
  for (uint32_t a = gpa; a < gpa + 4096; ++a) {
    char c;
    ram.read(a, &c, 1);
    if (c == 0) return s;
    s += c;
  }
  FAIL("unterminated string at " << gpa);
  return s;
}

std::vector<uint8_t> rdbytes(const mmu::GuestRam& ram, uint32_t gpa, size_t n) {
  std::vector<uint8_t> v(n);
  ram.read(gpa, v.data(), n);
  return v;
}

void fill(mmu::GuestRam& ram, uint32_t gpa, size_t n, uint8_t value) {
  std::memset(ram.host(gpa), value, n);
}

}  // namespace

TEST_CASE("an ELF32 kernel is copied to its p_paddr and its bss is zeroed", "[boot]") {
  auto ram = make_ram();
  fill(ram, 0x100000, 0x3000, 0xCC);  // stale bytes the loader must overwrite
  auto image = build_elf(simple_elf());

  auto state = boot::load_multiboot(image, ram, "kernel.elf", "");
  REQUIRE(state.has_value());
  CHECK(state->entry == 0x00100010);
  CHECK(state->eax == 0x2BADB002);
  CHECK(state->ebx == 0x9000);
  CHECK(state->warnings.empty());
  CHECK(rdbytes(ram, 0x100000, 0x40) == pattern(0x40, 0x11));
  CHECK(rdbytes(ram, 0x100040, 0x2000) == std::vector<uint8_t>(0x2000, 0));
  CHECK(rdbytes(ram, 0x102040, 0x10) == std::vector<uint8_t>(0x10, 0xCC));  // past memsz
}

TEST_CASE("every PT_LOAD segment is loaded and other program headers are ignored", "[boot]") {
  auto ram = make_ram();
  ElfSpec spec = simple_elf();
  Phdr note;
  note.type = 4;  // PT_NOTE: not loaded
  note.offset = 0x1800;
  note.vaddr = note.paddr = 0x00300000;
  note.filesz = note.memsz = 0x10;
  note.data = pattern(0x10, 0x77);
  Phdr data;
  data.offset = 0x2000;
  data.vaddr = data.paddr = 0x00200000;
  data.filesz = 0x20;
  data.memsz = 0x20;
  data.flags = 6;  // PF_R | PF_W
  data.data = pattern(0x20, 0x90);
  spec.phdrs.push_back(note);
  spec.phdrs.push_back(data);
  fill(ram, 0x300000, 0x10, 0xEE);

  auto state = boot::load_multiboot(build_elf(spec), ram, "k", "");
  REQUIRE(state.has_value());
  CHECK(rdbytes(ram, 0x100000, 0x40) == pattern(0x40, 0x11));
  CHECK(rdbytes(ram, 0x200000, 0x20) == pattern(0x20, 0x90));
  CHECK(rdbytes(ram, 0x300000, 0x10) == std::vector<uint8_t>(0x10, 0xEE));
}

TEST_CASE("a higher-half ELF loads at p_paddr and its entry moves with its segment", "[boot]") {
  // QEMU's load_elf: e_entry is virtual; inside an executable segment whose p_vaddr differs
  // from p_paddr it becomes e_entry - p_vaddr + p_paddr.
  auto ram = make_ram();
  ElfSpec spec = simple_elf();
  spec.phdrs[0].vaddr = 0xC0100000;
  spec.entry = 0xC0100008;

  auto state = boot::load_multiboot(build_elf(spec), ram, "k", "");
  REQUIRE(state.has_value());
  CHECK(state->entry == 0x00100008);
  CHECK(rdbytes(ram, 0x100000, 0x40) == pattern(0x40, 0x11));
}

TEST_CASE("an a.out-kludge kernel loads by the header's address fields", "[boot]") {
  // The file is loaded at load_addr from offset (header offset - (header_addr - load_addr)).
  auto ram = make_ram();
  Bytes b;
  b.put(0, pattern(0x200, 0x30));
  MbHeader h;
  h.flags = 0x00010003;
  h.header_addr = 0x00200040;  // header 0x40 into the loaded image
  h.load_addr = 0x00200000;
  h.load_end_addr = 0x00200180;
  h.bss_end_addr = 0x00201000;
  h.entry_addr = 0x00200060;
  put_mb_header(b, 0x40, h);
  fill(ram, 0x200000, 0x2000, 0xCC);
  auto image = b.vec();

  auto state = boot::load_multiboot(image, ram, "aout", "");
  REQUIRE(state.has_value());
  CHECK(state->entry == 0x00200060);
  CHECK(rdbytes(ram, 0x200000, 0x180) ==
        std::vector<uint8_t>(image.begin(), image.begin() + 0x180));
  CHECK(rdbytes(ram, 0x200180, 0x1000 - 0x180) == std::vector<uint8_t>(0x1000 - 0x180, 0));
  CHECK(rdbytes(ram, 0x201000, 0x10) == std::vector<uint8_t>(0x10, 0xCC));
}

TEST_CASE("an a.out kludge with a header deep in the file skips the bytes before load_addr",
          "[boot]") {
  // Header at file offset 0x200, loaded at 0x300100: the file from offset 0x100 goes to
  // 0x300000. load_end_addr 0 loads to the end of the file; bss_end_addr 0 means no bss.
  auto ram = make_ram();
  Bytes b;
  b.put(0, pattern(0x400, 0x05));
  MbHeader h;
  h.flags = 0x00010000;
  h.header_addr = 0x00300100;
  h.load_addr = 0x00300000;
  h.entry_addr = 0x00300000;
  put_mb_header(b, 0x200, h);
  fill(ram, 0x300000, 0x400, 0xCC);
  auto image = b.vec();

  auto state = boot::load_multiboot(image, ram, "aout", "");
  REQUIRE(state.has_value());
  CHECK(rdbytes(ram, 0x300000, 0x300) == std::vector<uint8_t>(image.begin() + 0x100, image.end()));
  CHECK(rdbytes(ram, 0x300300, 0x10) == std::vector<uint8_t>(0x10, 0xCC));
}

TEST_CASE("flag 16 wins over the ELF headers of an ELF image", "[boot]") {
  // Multiboot 3.1.3: with bit 16 the loader uses the address fields, not the ELF header.
  auto ram = make_ram();
  ElfSpec spec = simple_elf();
  spec.mb.flags = 0x00010000;
  spec.mb.header_addr = 0x00400000 + 0x100;
  spec.mb.load_addr = 0x00400000;
  spec.mb.entry_addr = 0x00400000;
  auto image = build_elf(spec);

  auto state = boot::load_multiboot(image, ram, "k", "");
  REQUIRE(state.has_value());
  CHECK(state->entry == 0x00400000);
  CHECK(rdbytes(ram, 0x400000, image.size()) == image);
  CHECK(rdbytes(ram, 0x100000, 0x40) == std::vector<uint8_t>(0x40, 0));
}

TEST_CASE("the info block has the spec's fields at the spec's offsets", "[boot]") {
  auto ram = make_ram();
  auto state = boot::load_multiboot(build_elf(simple_elf()), ram, "kernel.elf", "hello world");
  REQUIRE(state.has_value());
  const uint32_t mbi = state->ebx;
  REQUIRE(mbi == 0x9000);

  // flags: memory (0), boot device (1), cmdline (2), mods (3), mmap (6), loader name (9):
  // the 0x24f QEMU gives.
  CHECK(rd32(ram, mbi + 0) == 0x24F);
  CHECK(rd32(ram, mbi + 4) == 639);  // mem_lower: 640 KiB less the 1 KiB EBDA, as under QEMU
  // mem_upper: KiB from 1 MiB to the 128 KiB SeaBIOS reserves at the top (QEMU -m 32: 0x7b80).
  CHECK(rd32(ram, mbi + 8) == 0x7B80);
  CHECK(rd32(ram, mbi + 12) == 0x8000FFFF);  // boot_device, as QEMU
  CHECK(rdstr(ram, rd32(ram, mbi + 16)) == "kernel.elf hello world");
  CHECK(rd32(ram, mbi + 20) == 0);       // mods_count
  CHECK(rd32(ram, mbi + 44) == 6 * 24);  // mmap_length
  CHECK(rd32(ram, mbi + 48) == 0xA000);  // mmap_addr
  CHECK(rdstr(ram, rd32(ram, mbi + 64)) == "bt86");
  CHECK(rd32(ram, mbi + 28) == 0);  // no symbols
  CHECK(rd32(ram, mbi + 52) == 0);  // no drives
}

TEST_CASE("the memory map lists RAM and firmware areas as QEMU's SeaBIOS does", "[boot]") {
  auto ram = make_ram();
  auto state = boot::load_multiboot(build_elf(simple_elf()), ram, "k", "");
  REQUIRE(state.has_value());
  struct Entry {
    uint64_t base, length;
    uint32_t type;
  };
  // Read back from qemu-system-i386 -m 32 at a Multiboot kernel's entry.
  const Entry expected[] = {
      {0x00000000, 0x0009FC00, 1}, {0x0009FC00, 0x00000400, 2}, {0x000F0000, 0x00010000, 2},
      {0x00100000, 0x01EE0000, 1}, {0x01FE0000, 0x00020000, 2}, {0xFFFC0000, 0x00040000, 2},
  };
  uint32_t at = rd32(ram, state->ebx + 48);
  uint32_t end = at + rd32(ram, state->ebx + 44);
  size_t i = 0;
  while (at < end) {
    INFO("entry " << i);
    REQUIRE(i < std::size(expected));
    CHECK(rd32(ram, at) == 20);  // size of the rest of the entry
    CHECK(rd64(ram, at + 4) == expected[i].base);
    CHECK(rd64(ram, at + 12) == expected[i].length);
    CHECK(rd32(ram, at + 20) == expected[i].type);
    at += rd32(ram, at) + 4;
    ++i;
  }
  CHECK(i == std::size(expected));
}

TEST_CASE("the command line is the kernel path, a space and -append, as QEMU builds it", "[boot]") {
  auto ram = make_ram();
  auto image = build_elf(simple_elf());
  SECTION("with -append: the text is copied verbatim, commas and double spaces included") {
    auto state = boot::load_multiboot(image, ram, "./k.elf", "a,,b,c  d");
    REQUIRE(state.has_value());
    CHECK(rdstr(ram, rd32(ram, state->ebx + 16)) == "./k.elf a,,b,c  d");
  }
  SECTION("without -append: a trailing space remains") {
    auto state = boot::load_multiboot(image, ram, "k.elf", "");
    REQUIRE(state.has_value());
    CHECK(rdstr(ram, rd32(ram, state->ebx + 16)) == "k.elf ");
  }
  SECTION("the longest command line that fits the area") {
    std::string append(0xC00 - 1 - 2, 'x');  // "k " + append + NUL == 0xC00 bytes
    auto state = boot::load_multiboot(image, ram, "k", append);
    REQUIRE(state.has_value());
    CHECK(rdstr(ram, rd32(ram, state->ebx + 16)) == "k " + append);
  }
}

TEST_CASE("header flags 0 and 1 are honoured silently and flag 2 boots with a warning", "[boot]") {
  auto ram = make_ram();
  ElfSpec spec = simple_elf();
  SECTION("no flags at all") {
    spec.mb.flags = 0;
    auto state = boot::load_multiboot(build_elf(spec), ram, "k", "");
    REQUIRE(state.has_value());
    CHECK(state->warnings.empty());
  }
  SECTION("video mode requested: QEMU says 'multiboot knows VBE. we don't' and boots") {
    spec.mb.flags = 0x00000007;
    auto state = boot::load_multiboot(build_elf(spec), ram, "k", "");
    REQUIRE(state.has_value());
    REQUIRE(state->warnings.size() == 1);
    CHECK_THAT(state->warnings[0], Catch::Contains("video"));
  }
  SECTION("an unknown optional flag (bits 16-31 other than 16) is ignored") {
    spec.mb.flags = 0x00020003;
    CHECK(boot::load_multiboot(build_elf(spec), ram, "k", "").has_value());
  }
}

TEST_CASE("the header is found at any 4-byte-aligned offset within the first 8192 bytes",
          "[boot]") {
  SECTION("at offset 0") {
    Bytes b;
    put_mb_header(b, 0, MbHeader{});
    b.grow(64);
    auto h = boot::find_multiboot_header(b.vec());
    REQUIRE(h.has_value());
    CHECK(h->offset == 0);
    CHECK(h->flags == 3);
  }
  SECTION("as the last 12 bytes of the 8192") {
    Bytes b;
    b.grow(9000);
    put_mb_header(b, 8192 - 12, MbHeader{});
    auto h = boot::find_multiboot_header(b.vec());
    REQUIRE(h.has_value());
    CHECK(h->offset == 8180);
  }
  SECTION("the first valid one wins over a later one") {
    Bytes b;
    MbHeader bad;
    bad.bad_checksum = true;
    put_mb_header(b, 0x10, bad);
    put_mb_header(b, 0x40, MbHeader{});
    MbHeader later;
    later.flags = 0;
    put_mb_header(b, 0x80, later);
    auto h = boot::find_multiboot_header(b.vec());
    REQUIRE(h.has_value());
    CHECK(h->offset == 0x40);
  }
}
