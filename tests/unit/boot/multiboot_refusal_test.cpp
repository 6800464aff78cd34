// Multiboot loader: every malformed or unsupported kernel is refused with a one-line reason.
#include <catch2/catch.hpp>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mmu/guest_ram.h"
#include "runtime/boot/multiboot.h"
#include "tests/unit/boot/image_builder.h"

using namespace bt86;
using namespace bt86::test;

namespace {

mmu::GuestRam make_ram() {
  auto ram = mmu::GuestRam::create(32ull << 20);
  REQUIRE(ram.has_value());
  return std::move(*ram);
}

// Loads `image` and returns the error message; fails the test if it loads.
std::string refusal(const std::vector<uint8_t>& image, const std::string& append = "") {
  auto ram = make_ram();
  auto state = boot::load_multiboot(image, ram, "kernel", append);
  if (state.has_value()) {
    FAIL("the image was accepted");
    return {};
  }
  INFO(state.error().message);
  CHECK(state.error().message.find('\n') == std::string::npos);  // one line
  return state.error().message;
}

std::vector<uint8_t> aout_image(const MbHeader& fields, size_t file_size = 0x400,
                                size_t header_offset = 0x40) {
  Bytes b;
  b.grow(file_size);
  MbHeader h = fields;
  h.flags |= 0x00010000;
  put_mb_header(b, header_offset, h);
  return b.vec();
}

// A valid a.out-kludge image: 0x400 file bytes at 2 MiB, header 0x40 in.
MbHeader good_aout() {
  MbHeader h;
  h.flags = 0x00010000;
  h.header_addr = 0x00200040;
  h.load_addr = 0x00200000;
  h.load_end_addr = 0x00200400;
  h.bss_end_addr = 0x00201000;
  h.entry_addr = 0x00200080;
  return h;
}

}  // namespace

using Catch::Contains;

TEST_CASE("an image without a Multiboot header is refused", "[boot]") {
  SECTION("no magic at all") {
    CHECK_THAT(refusal(std::vector<uint8_t>(4096, 0x90)), Contains("no Multiboot header"));
  }
  SECTION("a bad checksum") {
    ElfSpec spec = simple_elf();
    spec.mb.bad_checksum = true;
    CHECK_THAT(refusal(build_elf(spec)), Contains("no Multiboot header"));
  }
  SECTION("a header that is not 4-byte aligned") {
    ElfSpec spec = simple_elf();
    spec.mb_offset = 0x102;
    CHECK_THAT(refusal(build_elf(spec)), Contains("no Multiboot header"));
  }
  SECTION("a header that starts at byte 8192") {
    Bytes b;
    put_mb_header(b, 8192, MbHeader{});
    b.grow(9000);
    CHECK_THAT(refusal(b.vec()), Contains("no Multiboot header"));
  }
  SECTION("a header that straddles byte 8192") {
    Bytes b;
    put_mb_header(b, 8192 - 8, MbHeader{});
    b.grow(9000);
    CHECK_THAT(refusal(b.vec()), Contains("no Multiboot header"));
  }
  SECTION("a Linux bzImage is named as such") {
    Bytes b;
    b.grow(0x1000);
    b.put(0x202, {'H', 'd', 'r', 'S'});
    CHECK_THAT(refusal(b.vec()), Contains("bzImage"));
  }
  SECTION("an empty image") {
    CHECK_THAT(refusal({}), Contains("no Multiboot header"));
  }
}

TEST_CASE("a header requiring an unknown feature (bits 3-15) is refused, as the spec says",
          "[boot]") {
  for (uint32_t bit = 3; bit < 16; ++bit) {
    INFO("bit " << bit);
    ElfSpec spec = simple_elf();
    spec.mb.flags = 0x3 | (1u << bit);
    CHECK_THAT(refusal(build_elf(spec)), Contains("requires features"));
  }
}

TEST_CASE("a non-ELF image without the a.out kludge is refused", "[boot]") {
  Bytes b;
  put_mb_header(b, 0, MbHeader{});
  b.grow(0x1000);
  CHECK_THAT(refusal(b.vec()), Contains("not an ELF image"));
}

TEST_CASE("ELF images bt86 cannot run are refused by name", "[boot]") {
  ElfSpec spec = simple_elf();
  SECTION("ELF64") {
    spec.ei_class = 2;
    CHECK_THAT(refusal(build_elf(spec)), Contains("bt86 runs 32-bit guests"));
  }
  SECTION("an unknown class") {
    spec.ei_class = 7;
    CHECK_THAT(refusal(build_elf(spec)), Contains("class"));
  }
  SECTION("big-endian") {
    spec.ei_data = 2;
    CHECK_THAT(refusal(build_elf(spec)), Contains("big-endian"));
  }
  SECTION("x86-64 machine in an ELF32 (x32)") {
    spec.machine = 62;
    CHECK_THAT(refusal(build_elf(spec)), Contains("wrong machine"));
  }
  SECTION("ARM") {
    spec.machine = 40;
    CHECK_THAT(refusal(build_elf(spec)), Contains("wrong machine"));
  }
  SECTION("a shared object") {
    spec.type = 3;
    CHECK_THAT(refusal(build_elf(spec)), Contains("not an executable"));
  }
  SECTION("a relocatable object") {
    spec.type = 1;
    CHECK_THAT(refusal(build_elf(spec)), Contains("not an executable"));
  }
}

TEST_CASE("malformed ELF headers and segments are refused", "[boot]") {
  ElfSpec spec = simple_elf();
  SECTION("a truncated ELF header") {
    Bytes b;  // ELF magic and class, a Multiboot header at 8, and then the file ends
    b.put(0, {0x7F, 'E', 'L', 'F', 1, 1, 1});
    put_mb_header(b, 8, MbHeader{});
    b.grow(40);
    CHECK_THAT(refusal(b.vec()), Contains("truncated ELF header"));
  }
  SECTION("a program header table past the end of the file") {
    spec.phdrs[0].data.clear();
    spec.phdrs[0].filesz = 0;
    auto image = build_elf(spec);  // table at 52..84, Multiboot header at 0x100
    image[44] = 100;               // e_phnum: 100 entries do not fit
    CHECK_THAT(refusal(image), Contains("truncated program header table"));
  }
  SECTION("e_phentsize smaller than a program header") {
    spec.phentsize = 16;
    CHECK_THAT(refusal(build_elf(spec)), Contains("e_phentsize"));
  }
  SECTION("a segment whose file bytes run past the end of the file") {
    auto image = build_elf(spec);
    image.resize(0x1000 + 0x20);  // the segment has 0x40 file bytes at 0x1000
    CHECK_THAT(refusal(image), Contains("truncated ELF segment"));
  }
  SECTION("a segment with a file offset beyond 4 GiB arithmetic") {
    spec.phdrs[0].offset = 0xFFFFFFF0;
    spec.phdrs[0].data.clear();
    CHECK_THAT(refusal(build_elf(spec)), Contains("truncated ELF segment"));
  }
  SECTION("p_filesz larger than p_memsz") {
    spec.phdrs[0].memsz = 0x20;
    CHECK_THAT(refusal(build_elf(spec)), Contains("larger than p_memsz"));
  }
  SECTION("no program headers at all") {
    spec.phdrs.clear();
    CHECK_THAT(refusal(build_elf(spec)), Contains("loads nothing"));
  }
  SECTION("program headers but no PT_LOAD") {
    spec.phdrs[0].type = 4;  // PT_NOTE
    CHECK_THAT(refusal(build_elf(spec)), Contains("loads nothing"));
  }
}

TEST_CASE("segments that would land outside usable guest RAM are refused", "[boot]") {
  ElfSpec spec = simple_elf();
  Phdr& text = spec.phdrs[0];
  SECTION("beyond the end of RAM") {
    text.paddr = text.vaddr = 0x02000000 - 0x1000;  // 32 MiB RAM; the segment is 0x2040 long
    spec.entry = text.paddr;
    CHECK_THAT(refusal(build_elf(spec)), Contains("outside guest RAM"));
  }
  SECTION("wrapping around 4 GiB") {
    text.paddr = text.vaddr = 0xFFFFF000;
    spec.entry = text.paddr;
    CHECK_THAT(refusal(build_elf(spec)), Contains("wraps"));
  }
  SECTION("over the Multiboot info area") {
    text.paddr = text.vaddr = 0x8000;  // 0x8000..0xA03F
    spec.entry = text.paddr;
    CHECK_THAT(refusal(build_elf(spec)), Contains("info area"));
  }
  SECTION("touching the info area's last byte") {
    text.paddr = text.vaddr = 0xAFFF;
    text.memsz = text.filesz = 1;
    spec.entry = text.paddr;
    CHECK_THAT(refusal(build_elf(spec)), Contains("info area"));
  }
  SECTION("an entry point outside every loaded segment") {
    spec.entry = 0x00400000;
    CHECK_THAT(refusal(build_elf(spec)), Contains("entry point"));
  }
}

TEST_CASE("segments just outside the forbidden areas load", "[boot]") {
  auto ram = make_ram();
  ElfSpec spec = simple_elf();
  Phdr& text = spec.phdrs[0];
  SECTION("right after the info area") {
    text.paddr = text.vaddr = 0xB000;
  }
  SECTION("ending right below the info area") {
    text.paddr = text.vaddr = 0x9000 - 0x2040;
  }
  SECTION("ending exactly at the end of RAM") {
    text.paddr = text.vaddr = 0x02000000 - 0x2040;
  }
  spec.entry = text.paddr;
  CHECK(boot::load_multiboot(build_elf(spec), ram, "k", "").has_value());
}

TEST_CASE("a kernel linked with ld -Ttext=0x100000 loads its header segment at 0xFF000", "[boot]") {
  // Found with a test kernel linked by `ld -m elf_i386 -Ttext=0x100000`: its first PT_LOAD
  // (the ELF and program headers, 0x74 bytes, flags R) is at 0xFF000, in the legacy BIOS
  // area. QEMU boots it; bt86 once refused it as "overlapping the legacy VGA/BIOS hole".
  auto ram = make_ram();
  ElfSpec spec = simple_elf();
  Phdr headers;
  headers.offset = 0;
  headers.vaddr = headers.paddr = 0xFF000;
  headers.filesz = headers.memsz = 0x74;
  headers.flags = 4;  // PF_R
  spec.phdrs.insert(spec.phdrs.begin(), headers);
  auto image = build_elf(spec);
  auto state = boot::load_multiboot(image, ram, "k", "");
  REQUIRE(state.has_value());
  CHECK(std::vector<uint8_t>(ram.host(0xFF000), ram.host(0xFF074)) ==
        std::vector<uint8_t>(image.begin(), image.begin() + 0x74));
  CHECK(std::vector<uint8_t>(ram.host(0x100000), ram.host(0x100040)) == pattern(0x40, 0x11));
}

TEST_CASE("inconsistent a.out-kludge address fields are refused", "[boot]") {
  SECTION("the good image loads") {
    auto ram = make_ram();
    CHECK(boot::load_multiboot(aout_image(good_aout()), ram, "k", "").has_value());
  }
  MbHeader h = good_aout();
  SECTION("header_addr below load_addr") {
    h.header_addr = h.load_addr - 4;
    CHECK_THAT(refusal(aout_image(h)), Contains("header_addr"));
  }
  SECTION("load_addr further below header_addr than the header is into the file") {
    h.load_addr = h.header_addr - 0x44;
    CHECK_THAT(refusal(aout_image(h)), Contains("into the file"));
  }
  SECTION("load_end_addr below load_addr") {
    h.load_end_addr = h.load_addr - 1;
    CHECK_THAT(refusal(aout_image(h)), Contains("load_end_addr"));
  }
  SECTION("load_end_addr past the end of the file") {
    h.load_end_addr = h.load_addr + 0x401;
    CHECK_THAT(refusal(aout_image(h)), Contains("truncated image"));
  }
  SECTION("bss_end_addr below load_end_addr") {
    h.bss_end_addr = h.load_end_addr - 1;
    CHECK_THAT(refusal(aout_image(h)), Contains("bss_end_addr"));
  }
  SECTION("a load range that wraps around 4 GiB") {
    h.load_addr = 0xFFFFFF00;
    h.header_addr = 0xFFFFFF40;
    h.load_end_addr = 0;  // to the end of the 0x400-byte file: past 4 GiB
    h.bss_end_addr = 0;
    CHECK_THAT(refusal(aout_image(h)), Contains("wraps"));
  }
  SECTION("an entry point outside the loaded image") {
    h.entry_addr = h.bss_end_addr;
    CHECK_THAT(refusal(aout_image(h)), Contains("entry point"));
  }
  SECTION("loading into the info area") {
    h.load_addr = 0x9000;
    h.header_addr = 0x9040;
    h.load_end_addr = 0x9400;
    h.bss_end_addr = 0;
    h.entry_addr = 0x9080;
    CHECK_THAT(refusal(aout_image(h)), Contains("info area"));
  }
  SECTION("address fields cut off by the end of the file") {
    Bytes b;
    put_mb_header(b, 0, h);
    b.vec().resize(20);
    CHECK_THAT(refusal(b.vec()), Contains("truncated Multiboot header"));
  }
  SECTION("nothing to load") {
    h.load_end_addr = h.load_addr;
    h.bss_end_addr = 0;
    CHECK_THAT(refusal(aout_image(h)), Contains("loads nothing"));
  }
}

TEST_CASE("a command line longer than the area is refused", "[boot]") {
  std::string append(0xC00 - 2, 'x');  // "kernel " + this + NUL > 0xC00
  CHECK_THAT(refusal(build_elf(simple_elf()), append), Contains("too long"));
}

TEST_CASE("a refused kernel leaves guest RAM untouched", "[boot]") {
  auto ram = make_ram();
  std::memset(ram.host(0x9000), 0xAB, 0x2000);
  std::memset(ram.host(0x100000), 0xAB, 0x100);
  ElfSpec spec = simple_elf();
  spec.entry = 0x00400000;  // refused late: after the segments were checked
  REQUIRE_FALSE(boot::load_multiboot(build_elf(spec), ram, "k", "").has_value());
  CHECK(std::vector<uint8_t>(ram.host(0x9000), ram.host(0xB000)) ==
        std::vector<uint8_t>(0x2000, 0xAB));
  CHECK(std::vector<uint8_t>(ram.host(0x100000), ram.host(0x100100)) ==
        std::vector<uint8_t>(0x100, 0xAB));
}

TEST_CASE("every prefix of a valid image loads or is refused, never crashes", "[boot]") {
  auto ram = make_ram();
  std::vector<std::vector<uint8_t>> images = {build_elf(simple_elf()), aout_image(good_aout())};
  for (const auto& image : images) {
    size_t loaded = 0, refused = 0;
    for (size_t n = 0; n <= image.size(); ++n) {
      std::vector<uint8_t> prefix(image.begin(), image.begin() + n);  // exact size: ASan sees
      auto state = boot::load_multiboot(prefix, ram, "k", "");
      (state.has_value() ? loaded : refused)++;
      if (!state) CHECK_FALSE(state.error().message.empty());
    }
    CHECK(loaded >= 1);  // the whole image at least
    CHECK(refused >= 1);
    auto whole = boot::load_multiboot(image, ram, "k", "");
    CHECK(whole.has_value());
  }
}

TEST_CASE("randomly corrupted headers load or are refused, never crash", "[boot]") {
  auto ram = make_ram();
  std::mt19937 rng(86);
  const auto elf = build_elf(simple_elf());
  const auto aout = aout_image(good_aout());
  for (int round = 0; round < 3000; ++round) {
    std::vector<uint8_t> image = (round & 1) ? aout : elf;
    size_t hot = (round & 1) ? 0x60 : 0x120;  // the headers live in the first bytes
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) image[rng() % hot] = static_cast<uint8_t>(rng());
    auto state = boot::load_multiboot(image, ram, "k", "");
    if (!state) REQUIRE_FALSE(state.error().message.empty());
  }
}
