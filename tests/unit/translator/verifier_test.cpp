// The confinement verifier against hand-assembled host code: what a block may and may not do.
//
// Every byte string below was assembled with `nasm -f bin` (bits 64, default abs,
// org 0x7f0000001000, so rel32 targets are exact) and checked with `objdump -M intel`.
// 0x11223344 is a placeholder displacement (forced to disp32 with nasm's [dword r13+...])
// that the test replaces with the real vCPU-state offset before verifying.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/vcpu.h"
#include "translator/verifier.h"

namespace {

namespace off = bt86::runtime::vcpu_off;
using bt86::runtime::VcpuState;
using Bytes = std::vector<uint8_t>;

constexpr uint64_t kBlock = 0x7f0000001000;   // where the block "sits"
constexpr uint64_t kExit = 0x7f0000000100;    // glue.exit
constexpr uint64_t kIblMiss = 0x7f0000000200; // glue.ibl_miss
constexpr uint64_t kPortIo = 0x7f0000000400;  // glue.port_io
constexpr uint32_t kPlaceholder = 0x11223344;

bt86::translator::GlueAddrs glue() {
  bt86::translator::GlueAddrs g;
  g.exit = kExit;
  g.ibl_miss = kIblMiss;
  g.port_io = kPortIo;
  return g;
}

// Replaces the placeholder disp32 at `at` with `disp` (and insists the placeholder was there).
Bytes with_disp(Bytes b, size_t at, int32_t disp) {
  uint32_t found;
  REQUIRE(at + 4 <= b.size());
  std::memcpy(&found, b.data() + at, 4);
  REQUIRE(found == kPlaceholder);
  std::memcpy(b.data() + at, &disp, 4);
  return b;
}

struct Verdict {
  bool ok;
  std::string why;
};

Verdict verify(const Bytes& b) {
  Verdict v;
  v.ok = bt86::translator::verify_block(b.data(), b.size(), kBlock, glue(), &v.why);
  return v;
}

void require_rejected(const Bytes& b) {
  Verdict v = verify(b);
  INFO("verifier said: " << v.why);
  CHECK_FALSE(v.ok);
  CHECK_FALSE(v.why.empty());
}

void require_accepted(const Bytes& b) {
  Verdict v = verify(b);
  INFO("verifier said: " << v.why);
  CHECK(v.ok);
}

// The window-pointer pattern of emit_string.cpp, with rep movsb and the final cleanup:
//   4d 8b b5 <disp32>  mov r14,[r13+kWindowBase]
//   89 f6              mov esi,esi
//   49 8d 34 36        lea rsi,[r14+rsi]
//   89 ff              mov edi,edi
//   49 8d 3c 3e        lea rdi,[r14+rdi]
//   f3 a4              rep movsb
//   89 f6              mov esi,esi
//   89 ff              mov edi,edi
Bytes window_pattern() {
  return with_disp({0x4d, 0x8b, 0xb5, 0x44, 0x33, 0x22, 0x11, 0x89, 0xf6, 0x49, 0x8d, 0x34, 0x36,
                    0x89, 0xff, 0x49, 0x8d, 0x3c, 0x3e, 0xf3, 0xa4, 0x89, 0xf6, 0x89, 0xff},
                   3, off::kWindowBase);
}

}  // namespace

TEST_CASE("the verifier rejects memory accesses that bypass the guest window", "[translator]") {
  SECTION("a load without GS") {
    require_rejected({0x8b, 0x03});  // mov eax,[rbx]
  }
  SECTION("a GS load with 64-bit addressing and a base register") {
    require_rejected({0x65, 0x8b, 0x03});  // mov eax,gs:[rbx]
  }
  SECTION("a GS absolute load at 2 GiB or above without addr32 (sign-extended disp32)") {
    // mov eax,gs:[0xffffffff80000000]
    require_rejected({0x65, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x80});
  }
  SECTION("a RIP-relative load") {
    require_rejected({0x8b, 0x05, 0xfa, 0xff, 0xff, 0xff});  // mov eax,[rip-6]
  }
  SECTION("a RIP-relative load even with GS") {
    require_rejected({0x65, 0x8b, 0x05, 0xf9, 0xff, 0xff, 0xff});  // mov eax,gs:[rip-7]
  }
}

TEST_CASE("the verifier rejects accesses to the vCPU state outside the allowed area",
          "[translator]") {
  const int32_t fx = int32_t(offsetof(VcpuState, guest_fx));
  // 41 89 85 <disp32>   mov [r13+disp32],eax
  const Bytes store = {0x41, 0x89, 0x85, 0x44, 0x33, 0x22, 0x11};
  SECTION("a store at the start of the extended-state area") {
    require_rejected(with_disp(store, 3, fx));
  }
  SECTION("a store that straddles into the extended-state area") {
    require_rejected(with_disp(store, 3, fx - 2));
  }
  SECTION("a store into the inline table area through a plain displacement") {
    require_rejected(with_disp(store, 3, off::kIbl));
  }
  SECTION("a load below the vCPU state") {
    require_rejected({0x41, 0x8b, 0x45, 0xf8});  // mov eax,[r13-8]
  }
  SECTION("the last dword before the extended-state area is still allowed") {
    require_accepted(with_disp(store, 3, fx - 4));
  }
}

TEST_CASE("the verifier rejects control transfers that leave the block", "[translator]") {
  SECTION("call rel32, even to the glue") {
    require_rejected({0xe8, 0xfb, 0xf0, 0xff, 0xff});  // call 0x7f0000000100
  }
  SECTION("jmp rel32 to the port-I/O glue, which only a call may reach") {
    require_rejected({0xe9, 0xfb, 0xf3, 0xff, 0xff});  // jmp 0x7f0000000400
  }
  SECTION("call rax") { require_rejected({0xff, 0xd0}); }
  SECTION("ret") { require_rejected({0xc3}); }
  SECTION("jmp rax") { require_rejected({0xff, 0xe0}); }
  SECTION("jmp [rax]") { require_rejected({0xff, 0x20}); }
  SECTION("jmp rel32 to an address that is neither in the block nor the glue") {
    require_rejected({0xe9, 0xfb, 0xf2, 0xff, 0xff});  // jmp 0x7f0000000300
  }
  SECTION("jmp rel32 to the first byte after the block") {
    require_rejected({0xe9, 0x00, 0x00, 0x00, 0x00});  // jmp 0x7f0000001005
  }
  SECTION("an inline-table jump whose index is not bounded to 16 bits") {
    // 49 89 c6                  mov r14, rax
    // 43 ff a4 f5 <disp32>      jmp [r13+r14*8+kIbl]
    require_rejected(with_disp({0x49, 0x89, 0xc6, 0x43, 0xff, 0xa4, 0xf5, 0x44, 0x33, 0x22, 0x11},
                               7, off::kIbl));
    // A bounded index that is written again before the jump: 45 0f b7 f7 movzx r14d, r15w;
    // 4d 01 c6 add r14, r8.
    require_rejected(with_disp({0x45, 0x0f, 0xb7, 0xf7, 0x4d, 0x01, 0xc6, 0x43, 0xff, 0xa4, 0xf5,
                                0x44, 0x33, 0x22, 0x11},
                               11, off::kIbl));
  }
  SECTION("an inline-table jump through GS instead of the vCPU state") {
    // 65 43 ff a4 f5 <disp32>   jmp gs:[r13+r14*8+kIbl]
    require_rejected(with_disp({0x65, 0x43, 0xff, 0xa4, 0xf5, 0x44, 0x33, 0x22, 0x11}, 5, off::kIbl));
  }
}

TEST_CASE("the verifier accepts a call to the port-I/O glue", "[translator]") {
  require_accepted({0xe8, 0xfb, 0xf3, 0xff, 0xff});  // call 0x7f0000000400
}

TEST_CASE("the verifier accepts the inline-table jump with a 16-bit index", "[translator]") {
  // 45 0f b7 f7 movzx r14d, r15w; 43 ff a4 f5 <disp32> jmp [r13+r14*8+kIbl]
  require_accepted(with_disp({0x45, 0x0f, 0xb7, 0xf7, 0x43, 0xff, 0xa4, 0xf5, 0x44, 0x33, 0x22, 0x11},
                             8, off::kIbl));
}

TEST_CASE("the verifier rejects stack and system instructions", "[translator]") {
  SECTION("push rax") { require_rejected({0x50}); }
  SECTION("pop rax") { require_rejected({0x58}); }
  SECTION("syscall") { require_rejected({0x0f, 0x05}); }
  SECTION("wrgsbase rax") { require_rejected({0xf3, 0x48, 0x0f, 0xae, 0xd8}); }
  SECTION("int3") { require_rejected({0xcc}); }
  // The one SYSTEM-category instruction allowed is RDTSC; its neighbours stay out.
  SECTION("rdtscp") { require_rejected({0x0f, 0x01, 0xf9}); }
  SECTION("rdmsr") { require_rejected({0x0f, 0x32}); }
  SECTION("rdpmc") { require_rejected({0x0f, 0x33}); }
}

// Regression (a confinement hole this test found): MOV to a segment, control or debug
// register (8E /r, 0F 22, 0F 23) is in Zydis's DATAXFER category, not SEGOP or SYSTEM, so
// the verifier's category filter let it through. A translated `mov gs,ax` would reload GS and
// drop the window base. The verifier now rejects any write to those register classes.
TEST_CASE("the verifier rejects moves to segment, control and debug registers",
          "[translator]") {
  SECTION("mov cr3,rax") { require_rejected({0x0f, 0x22, 0xd8}); }
  SECTION("mov dr7,rax") { require_rejected({0x0f, 0x23, 0xf8}); }
  SECTION("mov ds,ax") { require_rejected({0x8e, 0xd8}); }
  SECTION("mov ss,ax") { require_rejected({0x8e, 0xd0}); }
  SECTION("mov gs,ax (reloading GS would drop the window base)") {
    require_rejected({0x8e, 0xe8});
  }
}

TEST_CASE("the verifier rejects string instructions on pointers it cannot prove are windowed",
          "[translator]") {
  SECTION("rep movsb with 64-bit addressing and no window pattern") {
    require_rejected({0xf3, 0xa4});
  }
  SECTION("the window pattern broken by writing rsi before the string instruction") {
    // mov r14,[r13+kWindowBase]; mov esi,esi; lea rsi,[r14+rsi]; mov edi,edi;
    // lea rdi,[r14+rdi]; 48 89 c6 mov rsi,rax; rep movsb
    Bytes b = with_disp({0x4d, 0x8b, 0xb5, 0x44, 0x33, 0x22, 0x11, 0x89, 0xf6, 0x49, 0x8d, 0x34,
                         0x36, 0x89, 0xff, 0x49, 0x8d, 0x3c, 0x3e, 0x48, 0x89, 0xc6, 0xf3, 0xa4},
                        3, off::kWindowBase);
    require_rejected(b);
  }
  SECTION("the window pattern without zeroing the upper half of rsi first") {
    // mov r14,[r13+kWindowBase]; lea rsi,[r14+rsi]; mov edi,edi; lea rdi,[r14+rdi]; rep movsb
    Bytes b = with_disp({0x4d, 0x8b, 0xb5, 0x44, 0x33, 0x22, 0x11, 0x49, 0x8d, 0x34, 0x36, 0x89,
                         0xff, 0x49, 0x8d, 0x3c, 0x3e, 0xf3, 0xa4},
                        3, off::kWindowBase);
    require_rejected(b);
  }
  SECTION("a second rep movsb after the pointers were cleaned up again") {
    Bytes b = window_pattern();
    b.push_back(0xf3);  // rep movsb: rsi/rdi hold bare guest offsets now
    b.push_back(0xa4);
    require_rejected(b);
  }
  SECTION("the pattern with r14 loaded from somewhere other than the window base") {
    Bytes b = window_pattern();
    int32_t wrong = off::scratch(0);
    std::memcpy(b.data() + 3, &wrong, 4);
    require_rejected(b);
  }
}

TEST_CASE("the verifier accepts what the emitters are allowed to produce", "[translator]") {
  SECTION("rdtsc, copied when the guest TSC is the host's") { require_accepted({0x0f, 0x31}); }
  SECTION("a GS load with addr32 and a scaled index") {
    require_accepted({0x65, 0x67, 0x8b, 0x44, 0x8b, 0x08});  // mov eax,gs:[ebx+ecx*4+8]
  }
  SECTION("a GS absolute load below 2 GiB") {
    // mov eax,gs:[0x1000]
    require_accepted({0x65, 0x8b, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00});
  }
  SECTION("a GS moffs load at 2 GiB with addr32") {
    require_accepted({0x65, 0x67, 0xa1, 0x00, 0x00, 0x00, 0x80});  // addr32 mov eax,gs:[0x80000000]
  }
  SECTION("a load of a guest register from the vCPU state") {
    // 41 8b 85 <disp32>   mov eax,[r13+gpr(0)]
    require_accepted(with_disp({0x41, 0x8b, 0x85, 0x44, 0x33, 0x22, 0x11}, 3, off::gpr(0)));
  }
  SECTION("jmp rel32 to glue.exit") {
    require_accepted({0xe9, 0xfb, 0xf0, 0xff, 0xff});  // jmp 0x7f0000000100
  }
  SECTION("jmp rel32 to glue.ibl_miss") {
    require_accepted({0xe9, 0xfb, 0xf1, 0xff, 0xff});  // jmp 0x7f0000000200
  }
  SECTION("a short jump forward inside the block") {
    require_accepted({0xeb, 0x00, 0x90});  // jmp 0x7f0000001002; nop
  }
  SECTION("a short jump backward inside the block") {
    require_accepted({0x90, 0xeb, 0xfd});  // nop; jmp 0x7f0000001000
  }
  SECTION("the window-pointer pattern around rep movsb") {
    require_accepted(window_pattern());
  }
}
