// Property tests at the decoder/encoder boundary (STYLE.md item 12) over seeded random bytes.
//
// 1. Every instruction the table copies survives Zydis decode -> encoder request -> encode
//    (LEGACY_32) -> decode with the same mnemonic and operands: the copy path relies on it.
// 2. Capstone 4 and Zydis agree on the length of every instruction both decode.
//
// The seed is printed on failure; BT86_TEST_SEED=<n> replays (or varies) a run.
#include <catch2/catch.hpp>

#include <Zydis/Zydis.h>
#include <capstone/capstone.h>

#include <cstdint>
#include <cstdlib>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "translator/classify.h"
#include "translator/decode.h"

namespace {

using bt86::translator::Insn;

constexpr int kSamples = 200000;

uint64_t seed() {
  if (const char* s = std::getenv("BT86_TEST_SEED")) return std::strtoull(s, nullptr, 0);
  return 0xb786'2024'0001ull;
}

// A random string of 1-15 bytes.
std::vector<uint8_t> random_bytes(std::mt19937_64& rng) {
  std::vector<uint8_t> b(1 + rng() % 15);
  for (uint8_t& x : b) x = uint8_t(rng());
  return b;
}

uint64_t masked(uint64_t v, unsigned bits) {
  return bits == 0 || bits >= 64 ? v : v & ((uint64_t(1) << bits) - 1);
}

bool has_memory_operand(const Insn& in) {
  for (int i = 0; i < in.z.operand_count; ++i)
    if (in.ops[i].type == ZYDIS_OPERAND_TYPE_MEMORY) return true;
  return false;
}

// XCHG (E)AX,(E)AX is the one-byte NOP (SDM: 90 is an alias of XCHG (E)AX,(E)AX); the
// encoder writes 87 C0 as 90 (and 66 87 C0 as 66 90), which decode as NOP. Same instruction.
bool xchg_accumulator_as_nop(const Insn& a, const Insn& b) {
  if (a.z.mnemonic != ZYDIS_MNEMONIC_XCHG || b.z.mnemonic != ZYDIS_MNEMONIC_NOP) return false;
  if (a.ops[0].type != ZYDIS_OPERAND_TYPE_REGISTER || a.ops[1].type != ZYDIS_OPERAND_TYPE_REGISTER)
    return false;
  ZydisRegister r = a.ops[0].reg.value;
  return r == a.ops[1].reg.value && (r == ZYDIS_REGISTER_EAX || r == ZYDIS_REGISTER_AX);
}

// The only memory operand when it is absolute (no base, no index), else nullptr.
const ZydisDecodedOperand* absolute_operand(const Insn& in) {
  for (int i = 0; i < in.z.operand_count_visible; ++i) {
    const ZydisDecodedOperand& o = in.ops[i];
    if (o.type == ZYDIS_OPERAND_TYPE_MEMORY && o.mem.type == ZYDIS_MEMOP_TYPE_MEM &&
        o.mem.base == ZYDIS_REGISTER_NONE && o.mem.index == ZYDIS_REGISTER_NONE)
      return &o;
  }
  return nullptr;
}

uint32_t absolute_address(const Insn& in) {
  const ZydisDecodedOperand* o = absolute_operand(in);
  uint64_t disp = o->mem.disp.has_displacement ? uint64_t(o->mem.disp.value) : 0;
  return uint32_t(masked(disp, in.z.address_width));
}

// Zydis 4.0's encoder ignores address_size_hint for absolute operands in 32-bit mode and
// picks addr16 whenever the displacement fits 16 bits. Where the address is below 64 KiB
// that is the same instruction (67 A2 AF 98 is mov [0x98AF],al), so it is no difference.
// Where it is at or above 0xFFFF8000 (a negative disp16) the address changes: [0xFFFFF53B]
// became 67 80 06 3B F5, [0xF53B]. That is a Zydis defect bt86 cannot meet: the emitter
// encodes only in 64-bit mode, which has no addr16 (emit_copy_test checks its absolute
// operands). Only that case is excused (and counted in the failure report); a changed
// address anywhere else fails the test.
bool shortened_to_addr16(const Insn& a, const Insn& b) {
  return a.z.address_width == 32 && b.z.address_width == 16 && absolute_operand(a) &&
         absolute_operand(b) && a.z.mnemonic == b.z.mnemonic;
}

// Empty when the two decodings name the same instruction; otherwise what differs.
std::string difference(const Insn& a, const Insn& b) {
  std::ostringstream d;
  if (xchg_accumulator_as_nop(a, b)) return {};
  if (shortened_to_addr16(a, b)) {
    if (absolute_address(a) != absolute_address(b)) return "absolute address; ";
    Insn b32 = b;  // compare the rest as if it were still addr32
    b32.z.address_width = 32;
    for (int i = 0; i < b32.z.operand_count_visible; ++i)
      if (&b.ops[i] == absolute_operand(b)) b32.ops[i].mem.disp.value = absolute_address(b);
    return difference(a, b32);
  }
  if (a.z.mnemonic != b.z.mnemonic) d << "mnemonic; ";
  if (a.z.operand_count_visible != b.z.operand_count_visible) d << "operand count; ";
  // The address size matters only where memory is addressed (a stray 67 is ignored elsewhere).
  if (has_memory_operand(a) && a.z.address_width != b.z.address_width) d << "address width; ";
  if (!d.str().empty()) return d.str();
  for (int i = 0; i < a.z.operand_count_visible; ++i) {
    const ZydisDecodedOperand& x = a.ops[i];
    const ZydisDecodedOperand& y = b.ops[i];
    if (x.type != y.type) {
      d << "operand " << i << " type; ";
      continue;
    }
    // An immediate may be re-encoded shorter (imm16/imm32 as a sign-extended imm8): compare
    // its value at the instruction's operand size, not its encoded size.
    if (x.type != ZYDIS_OPERAND_TYPE_IMMEDIATE && x.size != y.size)
      d << "operand " << i << " size; ";
    switch (x.type) {
      case ZYDIS_OPERAND_TYPE_REGISTER:
        if (x.reg.value != y.reg.value) d << "operand " << i << " register; ";
        break;
      case ZYDIS_OPERAND_TYPE_IMMEDIATE:
        if (masked(x.imm.value.u, a.z.operand_width) != masked(y.imm.value.u, a.z.operand_width))
          d << "operand " << i << " immediate; ";
        break;
      case ZYDIS_OPERAND_TYPE_MEMORY: {
        int64_t dx = x.mem.disp.has_displacement ? x.mem.disp.value : 0;
        int64_t dy = y.mem.disp.has_displacement ? y.mem.disp.value : 0;
        if (x.mem.base != y.mem.base) d << "operand " << i << " base; ";
        if (x.mem.index != y.mem.index) d << "operand " << i << " index; ";
        if (x.mem.index != ZYDIS_REGISTER_NONE && x.mem.scale != y.mem.scale)
          d << "operand " << i << " scale; ";
        if (masked(uint64_t(dx), a.z.address_width) != masked(uint64_t(dy), b.z.address_width))
          d << "operand " << i << " displacement; ";
        if (x.mem.segment != y.mem.segment) d << "operand " << i << " segment; ";
        break;
      }
      default:
        break;
    }
  }
  return d.str();
}

std::string describe(const std::vector<uint8_t>& in, const uint8_t* out, size_t out_len,
                     const Insn& a, const std::string& what) {
  std::ostringstream s;
  s << bt86::translator::hex_bytes(in.data(), a.z.length) << " (" << bt86::translator::format_insn(a)
    << ")";
  if (out) s << " -> " << bt86::translator::hex_bytes(out, out_len);
  s << ": " << what;
  return s.str();
}

// Collects the first few counterexamples so that one failure does not print thousands.
struct Failures {
  std::vector<std::string> first;
  int count = 0;
  void add(std::string s) {
    if (first.size() < 20) first.push_back(std::move(s));
    ++count;
  }
};

}  // namespace

TEST_CASE("every copied instruction survives decode, encoder request, encode and decode",
          "[translator]") {
  const uint64_t s = seed();
  INFO("seed " << s << " (replay with BT86_TEST_SEED=" << s << ")");
  std::mt19937_64 rng(s);
  Failures failures;
  int copied = 0, zydis_addr16_defects = 0;
  for (int n = 0; n < kSamples; ++n) {
    std::vector<uint8_t> bytes = random_bytes(rng);
    Insn a;
    if (bt86::translator::decode(bytes.data(), bytes.size(), 0x1000, &a) !=
        bt86::translator::DecodeStatus::kOk)
      continue;
    if (bt86::translator::classify(a) != bt86::translator::Kind::Copy) continue;
    ++copied;

    ZydisEncoderRequest req;
    if (!ZYAN_SUCCESS(ZydisEncoderDecodedInstructionToEncoderRequest(
            &a.z, a.ops, a.z.operand_count_visible, &req))) {
      failures.add(describe(bytes, nullptr, 0, a, "no encoder request"));
      continue;
    }
    req.machine_mode = ZYDIS_MACHINE_MODE_LEGACY_32;
    // The request does not carry the address size. Without a hint the encoder picks the
    // shortest form, which for an absolute address in 32-bit mode can be addr16 with a
    // different address ([0xFFFFF53B] became 67 80 06 3B F5, [0xF53B]). The emitter always
    // passes the hint (Emitter::encode); so does this round trip.
    if (has_memory_operand(a))
      req.address_size_hint =
          a.z.address_width == 16 ? ZYDIS_ADDRESS_SIZE_HINT_16 : ZYDIS_ADDRESS_SIZE_HINT_32;
    uint8_t out[ZYDIS_MAX_INSTRUCTION_LENGTH];
    ZyanUSize out_len = sizeof out;
    if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstruction(&req, out, &out_len))) {
      failures.add(describe(bytes, nullptr, 0, a, "the encoder refused the request"));
      continue;
    }
    Insn b;
    if (bt86::translator::decode(out, out_len, 0x1000, &b) != bt86::translator::DecodeStatus::kOk ||
        b.z.length != out_len) {
      failures.add(describe(bytes, out, out_len, a, "the encoding does not decode as one instruction"));
      continue;
    }
    std::string d = difference(a, b);
    if (d == "absolute address; " && absolute_address(a) >= 0xFFFF8000u) {
      ++zydis_addr16_defects;
      continue;
    }
    if (!d.empty())
      failures.add(describe(bytes, out, out_len, a, d + "got " + bt86::translator::format_insn(b)));
  }
  std::ostringstream report;
  for (const std::string& f : failures.first) report << "  " << f << "\n";
  INFO(failures.count << " of " << copied << " copied instructions changed ("
                      << zydis_addr16_defects << " Zydis addr16 defects excluded):\n"
                      << report.str());
  CHECK(copied > kSamples / 10);  // random bytes decode to a copied instruction often enough
  CHECK(failures.count == 0);
}

// Known, systematic disagreements, found by sampling and by enumerating every one-, two- and
// three-byte opcode behind up to three legacy prefixes. In each, Zydis follows the SDM
// (or AMD's manual) and Capstone 4 does not; none of them is an instruction bt86 copies.
//   UD0 (0F FF) and UD1 (0F B9) take a ModRM byte (SDM: UD0/UD1 r32, r/m32); Capstone
//     decodes them as two bytes. bt86 raises #UD at them whatever their length.
//   EXTRQ (66 0F 78) and INSERTQ (F2 0F 78), AMD's SSE4a: Capstone ignores the prefix and
//     decodes VMREAD. Outside the modeled CPU (#UD in bt86).
//   A near CALL with an operand-size prefix and a REP/BND prefix (66 F2 E8 rel16): Capstone
//     drops the 66 and reads a rel32. bt86 treats CALL as a branch, never copies it.
namespace {
bool known_length_disagreement(const Insn& in) {
  switch (in.z.mnemonic) {
    case ZYDIS_MNEMONIC_UD0: case ZYDIS_MNEMONIC_UD1:
    case ZYDIS_MNEMONIC_EXTRQ: case ZYDIS_MNEMONIC_INSERTQ:
      return true;
    case ZYDIS_MNEMONIC_CALL:
      if (in.z.operand_width != 16) return false;
      for (int i = 0; i < in.z.raw.prefix_count; ++i)
        if (in.z.raw.prefixes[i].value == 0xF2 || in.z.raw.prefixes[i].value == 0xF3) return true;
      return false;
    default:
      return false;
  }
}
}  // namespace

TEST_CASE("Capstone and Zydis agree on the length of every instruction both decode",
          "[translator]") {
  const uint64_t s = seed() ^ 0x5a5a5a5a;
  INFO("seed " << s << " (replay with BT86_TEST_SEED=" << (s ^ 0x5a5a5a5a) << ")");
  std::mt19937_64 rng(s);
  csh cs;
  REQUIRE(cs_open(CS_ARCH_X86, CS_MODE_32, &cs) == CS_ERR_OK);
  cs_insn* ci = cs_malloc(cs);
  Failures failures;
  int both = 0, excepted = 0;
  for (int n = 0; n < kSamples; ++n) {
    std::vector<uint8_t> bytes = random_bytes(rng);
    Insn z;
    if (bt86::translator::decode(bytes.data(), bytes.size(), 0x1000, &z) !=
        bt86::translator::DecodeStatus::kOk)
      continue;
    const uint8_t* p = bytes.data();
    size_t left = bytes.size();
    uint64_t address = 0x1000;
    if (!cs_disasm_iter(cs, &p, &left, &address, ci)) continue;
    ++both;
    if (ci->size == z.z.length) continue;
    if (known_length_disagreement(z)) {
      ++excepted;
      continue;
    }
    std::ostringstream why;
    why << "Zydis " << int(z.z.length) << " bytes, Capstone " << ci->size << " (" << ci->mnemonic
        << " " << ci->op_str << ")";
    failures.add(describe(bytes, nullptr, 0, z, why.str()));
  }
  cs_free(ci, 1);
  cs_close(&cs);
  std::ostringstream report;
  for (const std::string& f : failures.first) report << "  " << f << "\n";
  INFO(failures.count << " of " << both << " lengths differ (" << excepted
                      << " known exceptions):\n" << report.str());
  CHECK(both > kSamples / 2);
  CHECK(failures.count == 0);
}
