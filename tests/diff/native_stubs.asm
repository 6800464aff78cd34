; Mode-switch stubs for the native side of the differential harness (see native_runner.cpp).
;
; These bytes are not run where the linker puts them: native_runner.cpp copies the range
; [bt86_diff_stub_begin, bt86_diff_stub_end) to LOW_BASE, a fixed address below 4 GiB, because
; 32-bit code and the far return back from it can only name addresses below 4 GiB. Every
; address used here is therefore an absolute constant or a label difference, never a
; relocation. The state block layout is duplicated in native_runner.cpp, which checks it
; against bt86_diff_stub_layout at start-up.
;
;   enter64  (64-bit, called from C++ as void(*)())  saves the callee-saved registers and RSP,
;            switches to the low stack and far-returns to enter32 with CS = 0x23.
;   enter32  (32-bit) loads DS/ES/SS, resets x87/SSE, loads EFLAGS and the 8 GPRs from the
;            state block and jumps to the case code at kCodeAddr.
;   term     (32-bit, 6 bytes, copied after the case code) jumps to exit32 through memory,
;            touching neither registers nor flags.
;   exit32   (32-bit) stores the GPRs and EFLAGS, clears DF and far-returns to exit64, CS = 0x33.
;   exit64   (64-bit) resets x87/SSE, restores RSP and the callee-saved registers, returns to
;            C++. The fault handler also resumes here after recording a fault.

LOW_BASE        equ 0x00E00000          ; stub code (copied here)
STATE           equ LOW_BASE + 0x1000   ; state block, layout below
LOW_STACK_TOP   equ LOW_BASE + 0x10000  ; private stack for the stubs

; State block offsets.
ST_IN_GPR       equ 0x00                ; 8 dwords: eax ecx edx ebx esp ebp esi edi
ST_IN_EFLAGS    equ 0x20
ST_CASE_ENTRY   equ 0x24                ; jump target of enter32 (kCodeAddr)
ST_EXIT_TARGET  equ 0x28                ; jump target of term (exit32)
ST_MXCSR        equ 0x2C                ; MXCSR loaded on both sides of a run
ST_SAVED_RSP    equ 0x30
ST_OUT_GPR      equ 0x40
ST_OUT_EFLAGS   equ 0x60

USER_CS32       equ 0x23
USER_CS64       equ 0x33
USER_DS         equ 0x2B

section .rodata

global bt86_diff_stub_layout
bt86_diff_stub_layout:
        dd LOW_BASE, STATE, LOW_STACK_TOP
        dd ST_IN_GPR, ST_IN_EFLAGS, ST_CASE_ENTRY, ST_EXIT_TARGET, ST_MXCSR, ST_SAVED_RSP
        dd ST_OUT_GPR, ST_OUT_EFLAGS
        dd enter64 - bt86_diff_stub_begin, exit32 - bt86_diff_stub_begin
        dd exit64 - bt86_diff_stub_begin

global bt86_diff_stub_begin, bt86_diff_stub_end, bt86_diff_term_begin, bt86_diff_term_end

bt86_diff_stub_begin:

        bits 64
enter64:
        push rbx
        push rbp
        push r12
        push r13
        push r14
        push r15
        mov [abs STATE + ST_SAVED_RSP], rsp
        mov rsp, LOW_STACK_TOP
        push USER_CS32
        push LOW_BASE + (enter32 - bt86_diff_stub_begin)
        o64 retf

        bits 32
enter32:
        mov ax, USER_DS
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, LOW_STACK_TOP
        fninit
        ldmxcsr [abs STATE + ST_MXCSR]
        pxor xmm0, xmm0                  ; cases must not rely on these, but make them repeatable
        pxor xmm1, xmm1
        pxor xmm2, xmm2
        pxor xmm3, xmm3
        pxor xmm4, xmm4
        pxor xmm5, xmm5
        pxor xmm6, xmm6
        pxor xmm7, xmm7
        push dword [abs STATE + ST_IN_EFLAGS]
        popfd
        mov eax, [abs STATE + ST_IN_GPR + 0]
        mov ecx, [abs STATE + ST_IN_GPR + 4]
        mov edx, [abs STATE + ST_IN_GPR + 8]
        mov ebx, [abs STATE + ST_IN_GPR + 12]
        mov ebp, [abs STATE + ST_IN_GPR + 20]
        mov esi, [abs STATE + ST_IN_GPR + 24]
        mov edi, [abs STATE + ST_IN_GPR + 28]
        mov esp, [abs STATE + ST_IN_GPR + 16]
        jmp dword [abs STATE + ST_CASE_ENTRY]

exit32:
        mov [abs STATE + ST_OUT_GPR + 0], eax
        mov [abs STATE + ST_OUT_GPR + 4], ecx
        mov [abs STATE + ST_OUT_GPR + 8], edx
        mov [abs STATE + ST_OUT_GPR + 12], ebx
        mov [abs STATE + ST_OUT_GPR + 16], esp
        mov [abs STATE + ST_OUT_GPR + 20], ebp
        mov [abs STATE + ST_OUT_GPR + 24], esi
        mov [abs STATE + ST_OUT_GPR + 28], edi
        mov esp, LOW_STACK_TOP           ; MOV leaves the flags alone
        pushfd
        pop dword [abs STATE + ST_OUT_EFLAGS]
        cld
        push dword USER_CS64
        push dword LOW_BASE + (exit64 - bt86_diff_stub_begin)
        retf

        bits 64
exit64:
        fninit                           ; leaves MMX state too: all tags empty
        ldmxcsr [abs STATE + ST_MXCSR]
        cld
        mov rsp, [abs STATE + ST_SAVED_RSP]
        pop r15
        pop r14
        pop r13
        pop r12
        pop rbp
        pop rbx
        ret

bt86_diff_stub_end:

        bits 32
bt86_diff_term_begin:
        jmp dword [abs STATE + ST_EXIT_TARGET]
bt86_diff_term_end:

section .note.GNU-stack noalloc noexec nowrite progbits
