// Entry trampoline, exit path and inline-lookup miss path.
//
// enter: save host callee-saved registers and RSP (in the vCPU state), load the guest's SSE
// state (or its whole extended state when the monitor changed the x87 part), load guest
// flags and registers, jump to the block.
// exit:  store guest registers and flags, clear DF, store the guest's SSE state and load the
// host's MXCSR (the x87 part stays in the FPU: see vcpu.h), restore RSP, return to the
// dispatcher. The signal handler diverts faulting translated code here too.
#include "runtime/glue.h"

#include <asmjit/x86.h>

#include <cstring>

#include "common/assert.h"

namespace bt86::runtime {

namespace x86 = asmjit::x86;
namespace off = vcpu_off;

namespace {

// The SSE part of the FXSAVE image: MXCSR at byte 24, XMM0-15 from byte 160.
constexpr int32_t kFxMxcsr = off::kGuestFx + 24;
constexpr int32_t kFxXmm = off::kGuestFx + 160;

// Guest SSE state into the FXSAVE image, host MXCSR in; and back.
void save_guest_sse(x86::Assembler& a) {
  for (int i = 0; i < 16; ++i) a.movaps(x86::ptr(x86::r13, kFxXmm + 16 * i), x86::xmm(i));
  a.stmxcsr(x86::dword_ptr(x86::r13, kFxMxcsr));
  a.ldmxcsr(x86::dword_ptr(x86::r13, off::kHostMxcsr));
}

void load_guest_sse(x86::Assembler& a) {
  a.ldmxcsr(x86::dword_ptr(x86::r13, kFxMxcsr));
  for (int i = 0; i < 16; ++i) a.movaps(x86::xmm(i), x86::ptr(x86::r13, kFxXmm + 16 * i));
}

const x86::Gp kGuestRegs[8] = {x86::eax, x86::ecx, x86::edx, x86::ebx,
                               x86::r12d, x86::ebp, x86::esi, x86::edi};

}  // namespace

Glue emit_glue(translator::TCache& tc, PortIoHelper port_io) {
  asmjit::CodeHolder code;
  code.init(asmjit::Environment(asmjit::Arch::kX64), tc.next_address());
  x86::Assembler a(&code);
  asmjit::Label enter = a.newLabel(), exit = a.newLabel(), miss = a.newLabel();
  asmjit::Label io = a.newLabel();

  a.bind(enter);
  for (x86::Gp r : {x86::rbx, x86::rbp, x86::r12, x86::r13, x86::r14, x86::r15}) a.push(r);
  a.sub(x86::rsp, 8);  // 6 pushes + return address: keep RSP 16-byte aligned
  a.mov(x86::r13, x86::rdi);
  a.mov(x86::qword_ptr(x86::r13, off::kHostRsp), x86::rsp);
  a.stmxcsr(x86::dword_ptr(x86::r13, off::kHostMxcsr));
  asmjit::Label light = a.newLabel(), loaded = a.newLabel();
  a.cmp(x86::byte_ptr(x86::r13, off::kFxReload), 0);
  a.je(light);
  a.fxrstor64(x86::ptr(x86::r13, off::kGuestFx));  // x87 state set by the monitor
  a.mov(x86::byte_ptr(x86::r13, off::kFxReload), 0);
  a.jmp(loaded);
  a.bind(light);
  load_guest_sse(a);
  a.bind(loaded);
  a.mov(x86::eax, x86::dword_ptr(x86::r13, off::kEflags));
  a.bt(x86::eax, 9);  // IF -> vif, for inline CLI/STI
  a.setc(x86::byte_ptr(x86::r13, off::kVif));
  a.bt(x86::eax, 10);  // DF -> vdf, for inline PUSHF
  a.setc(x86::byte_ptr(x86::r13, off::kVdf));
  a.and_(x86::eax, kHostFlags);
  a.or_(x86::eax, 2);
  a.push(x86::rax);
  a.popfq();
  a.mov(x86::r15, x86::rsi);
  for (int r = 0; r < 8; ++r) a.mov(kGuestRegs[r], x86::dword_ptr(x86::r13, off::gpr(r)));
  a.jmp(x86::r15);

  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(exit);
  for (int r = 0; r < 8; ++r) a.mov(x86::dword_ptr(x86::r13, off::gpr(r)), kGuestRegs[r]);
  a.pushfq();
  a.pop(x86::r15);
  a.and_(x86::r15d, kHostFlags);
  a.mov(x86::r14d, x86::dword_ptr(x86::r13, off::kEflags));
  a.and_(x86::r14d, ~(kHostFlags | kFlagIF));
  a.or_(x86::r14d, x86::r15d);
  a.movzx(x86::r15d, x86::byte_ptr(x86::r13, off::kVif));
  a.shl(x86::r15d, 9);
  a.or_(x86::r14d, x86::r15d);
  a.mov(x86::dword_ptr(x86::r13, off::kEflags), x86::r14d);
  a.cld();
  save_guest_sse(a);
  a.mov(x86::rsp, x86::qword_ptr(x86::r13, off::kHostRsp));
  a.add(x86::rsp, 8);
  for (x86::Gp r : {x86::r15, x86::r14, x86::r13, x86::r12, x86::rbp, x86::rbx}) a.pop(r);
  a.ret();

  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(miss);
  a.mov(x86::dword_ptr(x86::r13, off::kNextEip), x86::r15d);
  a.mov(x86::dword_ptr(x86::r13, off::kExitReason), uint32_t(ExitReason::kIndirect));
  a.jmp(exit);

  // port_io: called from a block (translator/emit_io.cpp). Keeps every guest register,
  // the guest's flags and SSE state; x87 state stays in the FPU (C++ never touches it).
  a.align(asmjit::AlignMode::kCode, 16);
  a.bind(io);
  a.pushfq();
  for (x86::Gp r : {x86::rax, x86::rcx, x86::rdx, x86::rsi, x86::rdi}) a.push(r);
  a.lea(x86::rsp, x86::ptr(x86::rsp, -8));  // block RSP is 16-aligned; call + 6 pushes + 8
  save_guest_sse(a);
  a.cld();
  a.mov(x86::rdi, x86::r13);
  a.mov(x86::esi, x86::r14d);
  a.mov(x86::edx, x86::r15d);
  a.mov(x86::rax, reinterpret_cast<uint64_t>(port_io));
  a.call(x86::rax);
  a.mov(x86::r15, x86::rax);
  load_guest_sse(a);
  a.lea(x86::rsp, x86::ptr(x86::rsp, 8));
  for (x86::Gp r : {x86::rdi, x86::rsi, x86::rdx, x86::rcx, x86::rax}) a.pop(r);
  a.popfq();
  a.ret();

  code.flatten();
  code.resolveUnresolvedLinks();
  code.relocateToBase(tc.next_address());
  size_t size = code.codeSize();
  BT_ASSERT(size < 4096, "glue too large");
  code.copyFlattenedData(tc.rw() + tc.used(), size);

  uint8_t* base = tc.rx() + tc.used();
  Glue g;
  g.enter = reinterpret_cast<void (*)(VcpuState*, const void*)>(base + code.labelOffset(enter));
  g.addrs.exit = uint64_t(base + code.labelOffset(exit));
  g.addrs.ibl_miss = uint64_t(base + code.labelOffset(miss));
  g.addrs.port_io = uint64_t(base + code.labelOffset(io));
  tc.seal_glue(tc.used() + size, g.addrs.ibl_miss);
  return g;
}

}  // namespace bt86::runtime
