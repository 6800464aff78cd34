// random_case: random innocuous 32-bit sequences, encoded with Zydis (hand-built bytes for the
// few encodings Zydis would not choose: long-form INC/DEC, branches, one-byte oddities).
#include "tests/diff/random_gen.h"

#include <Zydis/Zydis.h>

#include <array>
#include <cstring>
#include <random>
#include <span>

#include "common/assert.h"
#include "common/result.h"
#include "tests/diff/case_file.h"
#include "tests/diff/flag_mask.h"
#include "tests/diff/random_layout.h"

namespace bt86::diff {

namespace {

using Op = ZydisEncoderOperand;

constexpr int kMaxSteps = 24;
constexpr uint32_t kRandomDataBytes = 0x1200;  // [ebx+disp] and bounded-index operands stay below
constexpr uint32_t kDispRange = 0x800;         // displacement from kDataAddr of plain operands
constexpr int kMaxPushBytes = 64;

// Registers a random step may write (never EBX or ESP) and may read.
constexpr ZydisRegister kWrite32[] = {ZYDIS_REGISTER_EAX, ZYDIS_REGISTER_ECX, ZYDIS_REGISTER_EDX,
                                      ZYDIS_REGISTER_EBP, ZYDIS_REGISTER_ESI, ZYDIS_REGISTER_EDI};
constexpr ZydisRegister kRead32[] = {ZYDIS_REGISTER_EAX, ZYDIS_REGISTER_ECX, ZYDIS_REGISTER_EDX,
                                     ZYDIS_REGISTER_EBX, ZYDIS_REGISTER_ESP, ZYDIS_REGISTER_EBP,
                                     ZYDIS_REGISTER_ESI, ZYDIS_REGISTER_EDI};
constexpr ZydisRegister kWrite16[] = {ZYDIS_REGISTER_AX, ZYDIS_REGISTER_CX, ZYDIS_REGISTER_DX,
                                      ZYDIS_REGISTER_BP, ZYDIS_REGISTER_SI, ZYDIS_REGISTER_DI};
constexpr ZydisRegister kRead16[] = {ZYDIS_REGISTER_AX, ZYDIS_REGISTER_CX, ZYDIS_REGISTER_DX,
                                     ZYDIS_REGISTER_BX, ZYDIS_REGISTER_SP, ZYDIS_REGISTER_BP,
                                     ZYDIS_REGISTER_SI, ZYDIS_REGISTER_DI};
constexpr ZydisRegister kWrite8[] = {ZYDIS_REGISTER_AL, ZYDIS_REGISTER_CL, ZYDIS_REGISTER_DL,
                                     ZYDIS_REGISTER_AH, ZYDIS_REGISTER_CH, ZYDIS_REGISTER_DH};
constexpr ZydisRegister kRead8[] = {ZYDIS_REGISTER_AL, ZYDIS_REGISTER_CL, ZYDIS_REGISTER_DL,
                                    ZYDIS_REGISTER_BL, ZYDIS_REGISTER_AH, ZYDIS_REGISTER_CH,
                                    ZYDIS_REGISTER_DH, ZYDIS_REGISTER_BH};
// 16-bit address forms for LEA: base, index.
constexpr std::array<ZydisRegister, 2> kAddr16[] = {
    {ZYDIS_REGISTER_BX, ZYDIS_REGISTER_SI},   {ZYDIS_REGISTER_BX, ZYDIS_REGISTER_DI},
    {ZYDIS_REGISTER_BP, ZYDIS_REGISTER_SI},   {ZYDIS_REGISTER_BP, ZYDIS_REGISTER_DI},
    {ZYDIS_REGISTER_SI, ZYDIS_REGISTER_NONE}, {ZYDIS_REGISTER_DI, ZYDIS_REGISTER_NONE},
    {ZYDIS_REGISTER_BP, ZYDIS_REGISTER_NONE}, {ZYDIS_REGISTER_BX, ZYDIS_REGISTER_NONE}};

// Indexed by the condition code's encoding (0 = O ... 15 = NLE).
constexpr ZydisMnemonic kSetcc[16] = {
    ZYDIS_MNEMONIC_SETO, ZYDIS_MNEMONIC_SETNO, ZYDIS_MNEMONIC_SETB,  ZYDIS_MNEMONIC_SETNB,
    ZYDIS_MNEMONIC_SETZ, ZYDIS_MNEMONIC_SETNZ, ZYDIS_MNEMONIC_SETBE, ZYDIS_MNEMONIC_SETNBE,
    ZYDIS_MNEMONIC_SETS, ZYDIS_MNEMONIC_SETNS, ZYDIS_MNEMONIC_SETP,  ZYDIS_MNEMONIC_SETNP,
    ZYDIS_MNEMONIC_SETL, ZYDIS_MNEMONIC_SETNL, ZYDIS_MNEMONIC_SETLE, ZYDIS_MNEMONIC_SETNLE};
constexpr ZydisMnemonic kCmovcc[16] = {
    ZYDIS_MNEMONIC_CMOVO, ZYDIS_MNEMONIC_CMOVNO, ZYDIS_MNEMONIC_CMOVB,  ZYDIS_MNEMONIC_CMOVNB,
    ZYDIS_MNEMONIC_CMOVZ, ZYDIS_MNEMONIC_CMOVNZ, ZYDIS_MNEMONIC_CMOVBE, ZYDIS_MNEMONIC_CMOVNBE,
    ZYDIS_MNEMONIC_CMOVS, ZYDIS_MNEMONIC_CMOVNS, ZYDIS_MNEMONIC_CMOVP,  ZYDIS_MNEMONIC_CMOVNP,
    ZYDIS_MNEMONIC_CMOVL, ZYDIS_MNEMONIC_CMOVNL, ZYDIS_MNEMONIC_CMOVLE, ZYDIS_MNEMONIC_CMOVNLE};
constexpr ZydisMnemonic kAlu[] = {ZYDIS_MNEMONIC_ADD, ZYDIS_MNEMONIC_OR,  ZYDIS_MNEMONIC_ADC,
                                  ZYDIS_MNEMONIC_SBB, ZYDIS_MNEMONIC_AND, ZYDIS_MNEMONIC_SUB,
                                  ZYDIS_MNEMONIC_XOR, ZYDIS_MNEMONIC_CMP, ZYDIS_MNEMONIC_TEST};
constexpr ZydisMnemonic kShift[] = {ZYDIS_MNEMONIC_ROL, ZYDIS_MNEMONIC_ROR, ZYDIS_MNEMONIC_RCL,
                                    ZYDIS_MNEMONIC_RCR, ZYDIS_MNEMONIC_SHL, ZYDIS_MNEMONIC_SHR,
                                    ZYDIS_MNEMONIC_SAR};
constexpr ZydisMnemonic kBitTest[] = {ZYDIS_MNEMONIC_BT, ZYDIS_MNEMONIC_BTS, ZYDIS_MNEMONIC_BTR,
                                      ZYDIS_MNEMONIC_BTC};

// Interesting immediates and register values; the rest are uniformly random.
constexpr uint32_t kEdgeValues[] = {0,          1,          2,          0x7F,       0x80,
                                    0xFF,       0x7FFF,     0x8000,     0xFFFF,     0x7FFFFFFF,
                                    0x80000000, 0xFFFFFFFF, 0xFFFFFFFE, 0x00010000, 0x0000000F};

Op reg_op(ZydisRegister r) {
  Op op{};
  op.type = ZYDIS_OPERAND_TYPE_REGISTER;
  op.reg.value = r;
  return op;
}

Op imm_op(int64_t v) {
  Op op{};
  op.type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
  op.imm.s = v;
  return op;
}

Op mem_op(int bytes, ZydisRegister base, int64_t disp, ZydisRegister index = ZYDIS_REGISTER_NONE,
          int scale = 0) {
  Op op{};
  op.type = ZYDIS_OPERAND_TYPE_MEMORY;
  op.mem.base = base;
  op.mem.index = index;
  op.mem.scale = index == ZYDIS_REGISTER_NONE ? 0 : static_cast<uint8_t>(scale);
  op.mem.displacement = disp;
  op.mem.size = static_cast<uint16_t>(bytes);
  return op;
}

// Sign-extends the low `bits` of v, as Zydis wants the immediates of MOV and ALU operations
// (shift counts and bit offsets it wants unsigned).
int64_t sext(uint64_t v, int bits) {
  return static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
}

class Generator {
 public:
  explicit Generator(std::mt19937_64& rng) : rng_(rng) {}

  std::vector<uint8_t> generate() {
    int n = 1 + static_cast<int>(below(kMaxSteps));
    for (int i = 0; i < n; ++i) {
      steps_.emplace_back();
      one_step();
    }
    while (push_bytes_ > 0) {  // balance the stack
      steps_.emplace_back();
      pop_step();
    }
    for (size_t i = 0; i < steps_.size(); ++i) {
      RandomStep& s = steps_[i];
      if (s.kind == RandomStep::kPlain) continue;
      size_t reach = s.kind == RandomStep::kRel8Only ? 3 : steps_.size() - i;
      s.target = i + 1 + below(static_cast<uint32_t>(std::min(reach, steps_.size() - i)));
    }
    define_flags_before_reads();
    return lay_out(steps_);
  }

 private:
  uint32_t below(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }
  bool chance(int percent) { return below(100) < static_cast<uint32_t>(percent); }
  template <typename T, size_t N>
  T pick(const T (&options)[N]) {
    return options[below(N)];
  }
  uint32_t value() { return chance(30) ? pick(kEdgeValues) : static_cast<uint32_t>(rng_()); }
  int size() { return 8 << below(3); }  // 8, 16 or 32 bits
  int size16_32() { return chance(50) ? 16 : 32; }

  ZydisRegister write_reg(int bits) {
    return bits == 8 ? pick(kWrite8) : bits == 16 ? pick(kWrite16) : pick(kWrite32);
  }
  ZydisRegister read_reg(int bits) {
    return bits == 8 ? pick(kRead8) : bits == 16 ? pick(kRead16) : pick(kRead32);
  }

  // A memory operand inside the data area; may first emit a bounding MOVZX into this step.
  Op mem(int bytes) {
    uint32_t disp = below(kDispRange);
    switch (below(6)) {
      case 0:
      case 1:
        return mem_op(bytes, ZYDIS_REGISTER_EBX, chance(40) ? disp & 0x7F : disp);
      case 2:
        return mem_op(bytes, ZYDIS_REGISTER_NONE, kDataAddr + disp);
      case 3:  // stack top: ESP stays within kStackTop +- kMaxPushBytes
        return mem_op(bytes, ZYDIS_REGISTER_ESP, below(0x80));
      default: {
        ZydisRegister index = pick(kWrite32);
        encode(ZYDIS_MNEMONIC_MOVZX, {reg_op(index), reg_op(pick(kRead8))});
        int scale = 1 << below(4);
        switch (below(3)) {
          case 0:
            return mem_op(bytes, ZYDIS_REGISTER_EBX, disp, index, scale);
          case 1:  // index as base: covers EBP/ESI/EDI-based encodings
            return mem_op(bytes, index, kDataAddr + disp);
          default:
            return mem_op(bytes, ZYDIS_REGISTER_NONE, kDataAddr + disp, index, scale);
        }
      }
    }
  }
  Op write_rm(int bits) { return chance(35) ? mem(bits / 8) : reg_op(write_reg(bits)); }
  Op read_rm(int bits) { return chance(35) ? mem(bits / 8) : reg_op(read_reg(bits)); }

  static std::vector<uint8_t> encode_bytes(ZydisMnemonic m, std::initializer_list<Op> ops,
                                           ZyanU64 prefixes = 0) {
    ZydisEncoderRequest req;
    std::memset(&req, 0, sizeof req);
    req.machine_mode = ZYDIS_MACHINE_MODE_LEGACY_32;
    req.mnemonic = m;
    req.prefixes = prefixes;
    req.operand_count = static_cast<ZyanU8>(ops.size());
    std::copy(ops.begin(), ops.end(), req.operands);
    uint8_t buf[ZYDIS_MAX_INSTRUCTION_LENGTH];
    ZyanUSize len = sizeof buf;
    ZyanStatus status = ZydisEncoderEncodeInstruction(&req, buf, &len);
    BT_ASSERT(ZYAN_SUCCESS(status), "random_gen: Zydis cannot encode %s with %zu operands (%#x)",
              ZydisMnemonicGetString(m), ops.size(), static_cast<unsigned>(status));
    return {buf, buf + len};
  }
  void encode(ZydisMnemonic m, std::initializer_list<Op> ops, ZyanU64 prefixes = 0) {
    raw(encode_bytes(m, ops, prefixes));
  }
  void raw(std::span<const uint8_t> bytes) {
    auto& out = steps_.back().bytes;
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  void raw(std::initializer_list<uint8_t> bytes) { raw(std::span(bytes.begin(), bytes.size())); }
  ZyanU64 maybe_lock(const Op& dest) {
    return dest.type == ZYDIS_OPERAND_TYPE_MEMORY && chance(20) ? ZYDIS_ATTRIB_HAS_LOCK : 0;
  }

  // Step families and their relative weights.
  struct Family {
    void (Generator::*emit)();
    uint32_t weight;
  };

  void one_step() {
    static constexpr Family kFamilies[] = {
        {&Generator::alu, 5},          {&Generator::shift, 3},
        {&Generator::shift_double, 1}, {&Generator::multiply, 1},
        {&Generator::divide, 1},       {&Generator::bit_ops, 1},
        {&Generator::extend_move, 1},  {&Generator::conditional_move, 1},
        {&Generator::exchange, 1},     {&Generator::lea, 1},
        {&Generator::inc_dec, 1},      {&Generator::unary, 1},
        {&Generator::one_byte, 1},     {&Generator::push_step, 1},
        {&Generator::pop_or_mov, 1},   {&Generator::branch, 1},
        {&Generator::bcd, 1},          {&Generator::mov, 2},
        {&Generator::bswap_xlat, 1}};
    uint32_t total = 0;
    for (const Family& f : kFamilies) total += f.weight;
    uint32_t r = below(total);
    for (const Family& f : kFamilies) {
      if (r < f.weight) return (this->*f.emit)();
      r -= f.weight;
    }
  }

  void alu() {
    ZydisMnemonic m = pick(kAlu);
    int bits = size();
    Op dest = m == ZYDIS_MNEMONIC_CMP || m == ZYDIS_MNEMONIC_TEST ? read_rm(bits) : write_rm(bits);
    ZyanU64 lock = m == ZYDIS_MNEMONIC_CMP || m == ZYDIS_MNEMONIC_TEST ? 0 : maybe_lock(dest);
    if (chance(40))
      encode(m, {dest, imm_op(sext(value(), bits))}, lock);
    else if (dest.type == ZYDIS_OPERAND_TYPE_REGISTER && chance(40) && m != ZYDIS_MNEMONIC_TEST)
      encode(m, {dest, mem(bits / 8)});
    else
      encode(m, {dest, reg_op(read_reg(bits))}, lock);
  }

  void shift() {
    ZydisMnemonic m = pick(kShift);
    int bits = size();
    Op dest = write_rm(bits);
    switch (below(4)) {
      case 0:
        encode(m, {dest, imm_op(1)});
        break;
      case 1: {
        static constexpr uint8_t kCounts[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 255};
        encode(m, {dest, imm_op(chance(50) ? pick(kCounts) : below(256))});
        break;
      }
      case 2:
        encode(ZYDIS_MNEMONIC_MOV, {reg_op(ZYDIS_REGISTER_CL), imm_op(below(70))});
        [[fallthrough]];
      default:
        if (dest.type == ZYDIS_OPERAND_TYPE_REGISTER &&
            (dest.reg.value == ZYDIS_REGISTER_CL || dest.reg.value == ZYDIS_REGISTER_CX ||
             dest.reg.value == ZYDIS_REGISTER_ECX))
          dest = reg_op(bits == 8    ? ZYDIS_REGISTER_AL
                        : bits == 16 ? ZYDIS_REGISTER_AX
                                     : ZYDIS_REGISTER_EAX);
        encode(m, {dest, reg_op(ZYDIS_REGISTER_CL)});
        break;
    }
  }

  void shift_double() {
    ZydisMnemonic m = chance(50) ? ZYDIS_MNEMONIC_SHLD : ZYDIS_MNEMONIC_SHRD;
    int bits = size16_32();
    Op dest = write_rm(bits);
    Op src = reg_op(read_reg(bits));
    if (chance(50))
      encode(m, {dest, src, imm_op(below(40))});
    else
      encode(m, {dest, src, reg_op(ZYDIS_REGISTER_CL)});
  }

  void multiply() {
    int bits = size();
    switch (below(4)) {
      case 0:
        encode(ZYDIS_MNEMONIC_MUL, {read_rm(bits)});
        break;
      case 1:
        encode(ZYDIS_MNEMONIC_IMUL, {read_rm(bits)});
        break;
      case 2:
        bits = size16_32();
        encode(ZYDIS_MNEMONIC_IMUL, {reg_op(write_reg(bits)), read_rm(bits)});
        break;
      default:
        bits = size16_32();
        encode(ZYDIS_MNEMONIC_IMUL,
               {reg_op(write_reg(bits)), read_rm(bits), imm_op(sext(value(), bits))});
        break;
    }
  }

  // DIV/IDIV whose quotient fits: the divisor is loaded first, then the high half is made
  // smaller than it (DIV) or the sign extension of the low half (IDIV, |divisor| >= 2).
  void divide() {
    int bits = size();
    bool is_signed = chance(50);
    uint32_t mask = bits == 32 ? 0xFFFFFFFF : (1u << bits) - 1;
    uint32_t divisor;
    if (is_signed) {
      divisor = 2 + below(bits == 8 ? 126 : 1000);
      if (chance(50)) divisor = 0u - divisor;
    } else {
      divisor = value() & mask;
      if (divisor == 0) divisor = 7;
    }
    Op source;
    if (chance(50)) {  // plain [ebx+disp]: EAX/EDX, rewritten below, must not be in the address
      source = mem_op(bits / 8, ZYDIS_REGISTER_EBX, below(kDispRange));
    } else {
      static constexpr ZydisRegister kDivisor[3][3] = {
          {ZYDIS_REGISTER_CL, ZYDIS_REGISTER_CH, ZYDIS_REGISTER_DL},
          {ZYDIS_REGISTER_CX, ZYDIS_REGISTER_SI, ZYDIS_REGISTER_BP},
          {ZYDIS_REGISTER_ECX, ZYDIS_REGISTER_ESI, ZYDIS_REGISTER_EDI}};
      source = reg_op(kDivisor[bits == 8 ? 0 : bits == 16 ? 1 : 2][below(3)]);
    }
    encode(ZYDIS_MNEMONIC_MOV, {source, imm_op(sext(divisor, bits))});
    if (is_signed) {
      if (bits == 8)
        encode(ZYDIS_MNEMONIC_CBW, {});
      else if (bits == 16)
        encode(ZYDIS_MNEMONIC_CWD, {});
      else
        encode(ZYDIS_MNEMONIC_CDQ, {});
      encode(ZYDIS_MNEMONIC_IDIV, {source});
    } else {
      ZydisRegister high = bits == 8    ? ZYDIS_REGISTER_AH
                           : bits == 16 ? ZYDIS_REGISTER_DX
                                        : ZYDIS_REGISTER_EDX;
      encode(ZYDIS_MNEMONIC_MOV, {reg_op(high), imm_op(sext((value() & mask) % divisor, bits))});
      encode(ZYDIS_MNEMONIC_DIV, {source});
    }
  }

  void bit_ops() {
    int bits = size16_32();
    switch (below(3)) {
      case 0: {  // BTx r/m, imm8
        Op dest = write_rm(bits);
        ZydisMnemonic m = pick(kBitTest);
        encode(m, {dest, imm_op(below(256))}, m == ZYDIS_MNEMONIC_BT ? 0 : maybe_lock(dest));
        break;
      }
      case 1: {  // BTx r/m, r: a memory form takes a bit offset bounded by MOVZX first
        ZydisMnemonic m = pick(kBitTest);
        if (chance(50)) {
          encode(m, {reg_op(write_reg(bits)), reg_op(read_reg(bits))});
        } else {
          ZydisRegister offset = pick(kWrite32);
          encode(ZYDIS_MNEMONIC_MOVZX, {reg_op(offset), reg_op(pick(kRead8))});
          Op dest = mem_op(bits / 8, ZYDIS_REGISTER_EBX, below(kDispRange));
          ZydisRegister r =
              bits == 32
                  ? offset
                  : static_cast<ZydisRegister>(offset - ZYDIS_REGISTER_EAX + ZYDIS_REGISTER_AX);
          encode(m, {dest, reg_op(r)}, m == ZYDIS_MNEMONIC_BT ? 0 : maybe_lock(dest));
        }
        break;
      }
      default:
        encode(chance(50) ? ZYDIS_MNEMONIC_BSF : ZYDIS_MNEMONIC_BSR,
               {reg_op(write_reg(bits)), read_rm(bits)});
        break;
    }
  }

  void extend_move() {
    ZydisMnemonic m = chance(50) ? ZYDIS_MNEMONIC_MOVZX : ZYDIS_MNEMONIC_MOVSX;
    switch (below(3)) {
      case 0:
        encode(m, {reg_op(write_reg(32)), read_rm(8)});
        break;
      case 1:
        encode(m, {reg_op(write_reg(32)), read_rm(16)});
        break;
      default:
        encode(m, {reg_op(write_reg(16)), read_rm(8)});
        break;
    }
  }

  void conditional_move() {
    int cc = static_cast<int>(below(16));
    if (chance(50)) {
      encode(kSetcc[cc], {write_rm(8)});
    } else {
      int bits = size16_32();
      encode(kCmovcc[cc], {reg_op(write_reg(bits)), read_rm(bits)});
    }
  }

  void exchange() {
    int bits = size();
    switch (below(4)) {
      case 0:
        encode(ZYDIS_MNEMONIC_XCHG, {write_rm(bits), reg_op(write_reg(bits))});
        break;
      case 1: {
        Op dest = write_rm(bits);
        encode(ZYDIS_MNEMONIC_XADD, {dest, reg_op(write_reg(bits))}, maybe_lock(dest));
        break;
      }
      case 2: {
        Op dest = write_rm(bits);
        encode(ZYDIS_MNEMONIC_CMPXCHG, {dest, reg_op(read_reg(bits))}, maybe_lock(dest));
        break;
      }
      default: {
        Op dest = mem(8);
        encode(ZYDIS_MNEMONIC_CMPXCHG8B, {dest}, maybe_lock(dest));
        break;
      }
    }
  }

  // LEA never touches memory, so any registers and the 0x67 16-bit forms are safe. (For LEA,
  // Zydis takes the memory operand's size to be the address size.)
  void lea() {
    int bits = size16_32();
    Op src;
    if (chance(25)) {
      const auto& form = pick(kAddr16);
      src = mem_op(2, form[0], sext(value(), 16), form[1], form[1] ? 1 : 0);
    } else {
      ZydisRegister index = chance(50) ? ZYDIS_REGISTER_NONE : pick(kWrite32);
      src = mem_op(4, chance(85) ? pick(kRead32) : ZYDIS_REGISTER_NONE, sext(value(), 32), index,
                   1 << below(4));
    }
    encode(ZYDIS_MNEMONIC_LEA, {reg_op(write_reg(bits)), src});
  }

  void inc_dec() {
    bool inc = chance(50);
    int bits = size();
    Op dest = write_rm(bits);
    if (bits != 8 && dest.type == ZYDIS_OPERAND_TYPE_REGISTER && chance(50)) {
      // The FF /0, FF /1 forms that Zydis does not pick in 32-bit mode (it picks 40+r / 48+r).
      int r =
          (bits == 16 ? dest.reg.value - ZYDIS_REGISTER_AX : dest.reg.value - ZYDIS_REGISTER_EAX);
      if (bits == 16) raw({0x66});
      raw({0xFF, static_cast<uint8_t>(0xC0 | (inc ? 0 : 8) | r)});
      return;
    }
    encode(inc ? ZYDIS_MNEMONIC_INC : ZYDIS_MNEMONIC_DEC, {dest}, maybe_lock(dest));
  }

  void unary() {
    Op dest = write_rm(size());
    encode(chance(50) ? ZYDIS_MNEMONIC_NEG : ZYDIS_MNEMONIC_NOT, {dest}, maybe_lock(dest));
  }

  // CBW CWDE CWD CDQ LAHF SAHF CLC STC CMC SALC.
  void one_byte() {
    static constexpr std::array<uint8_t, 2> kOps[] = {
        {0x66, 0x98}, {0x98, 0}, {0x66, 0x99}, {0x99, 0}, {0x9F, 0},
        {0x9E, 0},    {0xF8, 0}, {0xF9, 0},    {0xF5, 0}, {0xD6, 0}};
    const auto& op = pick(kOps);
    raw({op[0]});
    if (op[1]) raw({op[1]});
  }

  void push_step() {
    if (push_bytes_ >= kMaxPushBytes) return mov();
    switch (below(5)) {
      case 0:
        encode(ZYDIS_MNEMONIC_PUSH, {imm_op(sext(value(), 32))});
        break;
      case 1:
        encode(ZYDIS_MNEMONIC_PUSH, {mem(4)});
        break;
      case 2:
        encode(ZYDIS_MNEMONIC_PUSH, {reg_op(read_reg(16))});
        push_bytes_ += 2;
        return;
      default:
        encode(ZYDIS_MNEMONIC_PUSH, {reg_op(read_reg(32))});
        break;
    }
    push_bytes_ += 4;
  }

  void pop_or_mov() {
    if (push_bytes_ > 0)
      pop_step();
    else
      mov();
  }

  void pop_step() {
    if (push_bytes_ % 4 != 0) {
      encode(ZYDIS_MNEMONIC_POP, {reg_op(write_reg(16))});
      push_bytes_ -= 2;
      return;
    }
    encode(ZYDIS_MNEMONIC_POP, {chance(25) ? mem(4) : reg_op(write_reg(32))});
    push_bytes_ -= 4;
  }

  void branch() {
    RandomStep& s = steps_.back();
    switch (below(6)) {
      case 0:
        s.kind = RandomStep::kJmp;
        break;
      case 1: {
        static constexpr uint8_t kRel8Only[] = {0xE2, 0xE1, 0xE0, 0xE3};  // LOOP(E/NE), JECXZ
        s.kind = RandomStep::kRel8Only;
        s.bytes = {pick(kRel8Only)};
        break;
      }
      default:
        s.kind = RandomStep::kJcc;
        s.cc = static_cast<uint8_t>(below(16));
        break;
    }
  }

  void bcd() {
    static constexpr uint8_t kOps[] = {0x27, 0x2F, 0x37, 0x3F};  // DAA DAS AAA AAS
    switch (below(4)) {
      case 0:
        raw({0xD4, static_cast<uint8_t>(chance(60) ? 10 : 1 + below(255))});
        break;  // AAM
      case 1:
        raw({0xD5, static_cast<uint8_t>(chance(60) ? 10 : below(256))});
        break;  // AAD
      default:
        raw({pick(kOps)});
        break;
    }
  }

  void mov() {
    int bits = size();
    switch (below(3)) {
      case 0:
        encode(ZYDIS_MNEMONIC_MOV, {write_rm(bits), imm_op(sext(value(), bits))});
        break;
      case 1:
        encode(ZYDIS_MNEMONIC_MOV, {write_rm(bits), reg_op(read_reg(bits))});
        break;
      default:
        encode(ZYDIS_MNEMONIC_MOV, {reg_op(write_reg(bits)), mem(bits / 8)});
        break;
    }
  }

  void bswap_xlat() {
    if (chance(60))
      encode(ZYDIS_MNEMONIC_BSWAP, {reg_op(pick(kWrite32))});
    else
      raw({0xD7});  // XLAT: [ebx + al] stays within the first 256 data bytes
  }

  // Undefined flags may legitimately differ between correct implementations, so a sequence
  // must never read one: where a step would (ADC after MUL, Jcc after AAD...), a CMP that
  // defines all six arithmetic flags goes in just before the reading instruction. Forward
  // dataflow over the steps: a step's incoming undefined flags are the union over its
  // fall-through and branch predecessors, all of which come earlier.
  void define_flags_before_reads() {
    std::vector<uint32_t> undefined_in(steps_.size() + 1, 0);
    for (size_t i = 0; i < steps_.size(); ++i) {
      RandomStep& s = steps_[i];
      uint32_t undefined = undefined_in[i];
      if (s.kind == RandomStep::kPlain) {
        for (size_t pos = 0; pos < s.bytes.size();) {
          auto e = flag_effect(std::span(s.bytes).subspan(pos));
          BT_ASSERT(e, "random_gen: Zydis cannot decode its own step");
          if (e->tested & undefined) {
            std::vector<uint8_t> cmp = flag_definer();
            s.bytes.insert(s.bytes.begin() + static_cast<std::ptrdiff_t>(pos), cmp.begin(),
                           cmp.end());
            undefined = 0;
            continue;  // decode the CMP, then the reader again
          }
          undefined = e->after(undefined);
          pos += e->length;
        }
        undefined_in[i + 1] |= undefined;
        continue;
      }
      uint8_t opcode = s.kind == RandomStep::kJcc   ? static_cast<uint8_t>(0x70 | s.cc)
                       : s.kind == RandomStep::kJmp ? uint8_t{0xEB}
                                                    : s.bytes[0];
      const uint8_t branch[2] = {opcode, 0};
      auto e = flag_effect(branch);
      BT_ASSERT(e, "random_gen: Zydis cannot decode a branch");
      if (e->tested & undefined) {
        s.prefix = flag_definer();
        undefined = 0;
      }
      undefined_in[s.target] |= undefined;
      if (s.kind != RandomStep::kJmp) undefined_in[i + 1] |= undefined;
    }
  }
  std::vector<uint8_t> flag_definer() {
    return encode_bytes(ZYDIS_MNEMONIC_CMP, {reg_op(read_reg(32)), imm_op(sext(value(), 32))});
  }

  std::mt19937_64& rng_;
  std::vector<RandomStep> steps_;
  int push_bytes_ = 0;
};

}  // namespace

CaseInput random_case(uint64_t seed, uint64_t index) {
  std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                    static_cast<uint32_t>(index), static_cast<uint32_t>(index >> 32)};
  std::mt19937_64 rng(seq);

  CaseInput in;
  in.name = strfmt("random/%llu/%llu", static_cast<unsigned long long>(seed),
                   static_cast<unsigned long long>(index));
  for (uint32_t& r : in.gpr) {
    r = static_cast<uint32_t>(rng());
    if (rng() % 4 == 0) r = kEdgeValues[rng() % std::size(kEdgeValues)];
  }
  in.gpr[kEbx] = kDataAddr;
  in.gpr[kEsp] = kStackTop;
  in.eflags = static_cast<uint32_t>(rng()) & kComparedFlags;
  in.data = initial_data_pattern();
  for (uint32_t i = 0; i < kRandomDataBytes; i += 8) {
    uint64_t v = rng();
    std::memcpy(in.data.data() + i, &v, 8);
  }
  in.code = Generator(rng).generate();
  return in;
}

}  // namespace bt86::diff
