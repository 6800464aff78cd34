; Multiboot v1 header and entry point shared by the C guests (guests/lib).
;
; The loader (QEMU, bt86) enters _start in flat 32-bit protected mode, CPL 0,
; paging off, EAX = 0x2BADB002, EBX = physical address of the multiboot_info.
; _start sets up a stack in .bss, calls main(magic, info) and hands main's
; return value to guest_exit().

MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ 0x00000003          ; bit 0: page-align modules, bit 1: memory info
DEBUG_EXIT  equ 0xF4                ; isa-debug-exit: status = (value << 1) | 1
STACK_SIZE  equ 64 * 1024

section .multiboot progbits alloc exec nowrite align=4
    dd MB_MAGIC
    dd MB_FLAGS
    dd -(MB_MAGIC + MB_FLAGS)

section .text
extern main
global _start
_start:
    cli
    cld
    mov esp, stack_top
    xor ebp, ebp
    push ebx                        ; main(uint32_t magic, const multiboot_info* info)
    push eax
    call main
    add esp, 8
    push eax
    call guest_exit                 ; does not return

; void guest_exit(int v): write v to the isa-debug-exit port, then halt forever.
global guest_exit
guest_exit:
    mov eax, [esp + 4]
    mov edx, DEBUG_EXIT
    out dx, eax
.halt:
    cli
    hlt
    jmp .halt

; void guest_enable_fpu_sse(void): CR0.EM=0, MP=1, NE=1; CR4.OSFXSR=1,
; OSXMMEXCPT=1; FNINIT. Needed before any SSE instruction (else #UD).
global guest_enable_fpu_sse
guest_enable_fpu_sse:
    mov eax, cr0
    and eax, ~(1 << 2)
    or eax, (1 << 1) | (1 << 5)
    mov cr0, eax
    mov eax, cr4
    or eax, (1 << 9) | (1 << 10)
    mov cr4, eax
    fninit
    ret

section .bss
alignb 16
stack_bottom:
    resb STACK_SIZE
stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
