; ss16_stack: a 16-bit stack segment (SS.B = 0) in 32-bit protected mode (SDM vol. 1
; 6.2, vol. 3 3.4.5). Implicit stack references use SP and wrap at 64 KiB, and leave
; ESP's upper half alone: PUSH/POP (registers, immediates, memory), near and far
; CALL/RET (with imm16), PUSHF/POPF, PUSHA/POPA, ENTER/LEAVE, INT n and IRET, an
; exception frame (#DE, a fault) and INT3 (a trap), LSS. Explicit operands such as
; [esp + 4] use the instruction's 32-bit address size: all of ESP.
; SS16 has base 0x00400000 and limit 0xFFFF; SS16BIG the same base and a 4 GiB limit
; (for the [esp + N] loads, whose offsets are above 64 KiB). The helpers that print
; run on the 16-bit stack too. Values that depend on where the code is linked are
; printed as differences from the expected label (0 = right).
; expect-exit: 1
; expect: push/pop   1234ffe2 00001234 ffffff80 0000beef 11223344 1234fff0
; expect: in ram     11223344 0000beef ffffff80
; expect: call/ret   1234ffec 00000000 1234fff0
; expect: ret imm    1234ffe4 1234fff0
; expect: call ind   1234ffec 1234ffec 1234fff0
; expect: far call   1234ffe8 00000000 00000008 1234fff0
; expect: retf imm   1234ffe4 1234fff0
; expect: pushf/popf 1234ffec 000008d7 1234fff0 00000001
; expect: pusha      1234ffd0 1234fff0 0000fff0 1234fff0
; expect: popa       a1a1a1a1 b2b2b2b2 c3c3c3c3 d4d4d4d4 e5e5e5e5 f6f6f6f6 07070707
; expect: enter      1234ffec 1234ffe4 5555aaaa
; expect: leave      5555aaaa 1234fff0
; expect: enter 2    1234ffec 1234ffe0 5a5a5a5a 1234ffec
; expect: int 40h    1234ffe4 00000000 00000008 1234fff0 000000aa
; expect: #de        1234ffe4 00000000 1234fff0 00000005
; expect: int3       1234ffe4 00000000 1234fff0
; expect: int wrap   9abcfff8 00000000 00000008 9abc0004
; expect: wrap       5678fffe 00005aa5 5678fffa 89abcdef 56780000 5677fffe
; expect: wrap pop   5678fffe 56780000
; expect: esp+n      0010ffec 00000077 deadbeef 1234abcd
; expect: done

%include "guest.inc"
%include "idt.inc"

SS16        equ 0x18
SS16BIG     equ 0x20
STACK_BASE  equ 0x00400000

section .data
align 8
s16_gdt:
    dq 0                            ; null
    dq 0x00CF9A000000FFFF           ; 0x08: flat code, 32-bit
    dq 0x00CF92000000FFFF           ; 0x10: flat data
    dq 0x000092400000FFFF           ; 0x18: data, base 0x00400000, limit 0xFFFF, B=0
    dq 0x008F92400000FFFF           ; 0x20: data, base 0x00400000, limit 4 GiB, B=0
s16_gdt_end:
s16_gdtr:
    dw s16_gdt_end - s16_gdt - 1
    dd s16_gdt
stack16_ptr:
    dd 0x1234FFF0
    dw SS16
fnptr:
    dd near_fn

section .bss
flat_esp:   resd 1
seen_esp:   resd 1
seen_a:     resd 1
seen_b:     resd 1
seen_c:     resd 1
seen_d:     resd 1

section .text
; near_fn: EAX = ESP inside; EBX = return address - .ret_label (set by the caller in ECX).
near_fn:
    mov eax, esp
    movzx ebx, sp
    mov ebx, [STACK_BASE + ebx]
    ret

near_fn_ret8:
    mov eax, esp
    ret 8

far_fn:
    mov eax, esp
    movzx ebx, sp
    mov ecx, [STACK_BASE + ebx + 4]   ; the pushed CS
    mov ebx, [STACK_BASE + ebx]       ; the pushed EIP
    retf

far_fn_ret4:
    mov eax, esp
    retf 4

; INT 40h: the frame (EIP, CS, EFLAGS) read through 16-bit addressing, SS:[BP].
int40_handler:
    mov [seen_esp], esp
    mov ebp, esp
    mov eax, [bp]
    mov [seen_a], eax
    mov eax, [bp + 4]
    mov [seen_b], eax
    mov eax, 0xAA
    iretd

; #DE: skips the 2-byte DIV ECX.
de_handler:
    mov [seen_esp], esp
    mov ebp, esp
    mov eax, [bp]
    mov [seen_a], eax
    add dword [bp], 2
    mov eax, 5
    iretd

bp_handler:
    mov [seen_esp], esp
    mov ebp, esp
    mov eax, [bp]
    mov [seen_a], eax
    iretd

main:
    lgdt [s16_gdtr]
    jmp CODE_SEL:.reload
.reload:
    mov ax, DATA_SEL
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ss, ax
    gate 0, de_handler, GATE_INTR
    gate 3, bp_handler, GATE_TRAP
    gate 0x40, int40_handler, GATE_INTR
    call load_idt
    mov [flat_esp], esp
    lss esp, [stack16_ptr]          ; SS16:0x1234FFF0

    ; PUSH/POP of registers and immediates.
    mov eax, 0x11223344
    push eax
    push dword 0xBEEF
    push byte -128
    push word 0x1234
    mov ebx, esp
    pop cx
    pop edx
    pop esi
    pop edi
    mov ebp, esp
    movzx ecx, cx
    mov eax, [STACK_BASE + 0xFFEC]  ; before the prints reuse the stack
    mov [seen_a], eax
    mov eax, [STACK_BASE + 0xFFE8]
    mov [seen_b], eax
    mov eax, [STACK_BASE + 0xFFE4]
    mov [seen_c], eax
    print "push/pop   "
    print_hex32s ebx, ecx, edx, esi, edi, ebp
    call newline
    print "in ram     "
    print_hex32s [seen_a], [seen_b], [seen_c]
    call newline

    ; Near CALL/RET.
    call near_fn
.ret_near:
    sub ebx, .ret_near
    mov edx, esp
    print "call/ret   "
    print_hex32s eax, ebx, edx
    call newline

    push dword 1
    push dword 2
    call near_fn_ret8
    mov edx, esp
    print "ret imm    "
    print_hex32s eax, edx
    call newline

    mov eax, near_fn
    call eax
    mov ecx, eax
    call [fnptr]
    mov edx, esp
    print "call ind   "
    print_hex32s ecx, eax, edx
    call newline

    ; Far CALL/RET.
    call CODE_SEL:far_fn
.ret_far:
    sub ebx, .ret_far
    mov edx, esp
    print "far call   "
    print_hex32s eax, ebx
    print " "
    movzx ecx, cx
    print_hex32s ecx, edx
    call newline

    push dword 3
    call CODE_SEL:far_fn_ret4
    mov edx, esp
    print "retf imm   "
    print_hex32s eax, edx
    call newline

    ; PUSHF/POPF, 32- and 16-bit.
    push dword 0x8D7                ; OF SF ZF AF PF CF and bit 1
    popfd
    pushfd
    mov ebx, esp
    mov ecx, [STACK_BASE + 0xFFEC]
    popfd
    mov edx, esp
    clc
    pushf
    popf                            ; CF clear again
    stc
    pushf
    clc
    popf                            ; CF set by the popped image
    mov eax, 0
    adc eax, 0
    print "pushf/popf "
    print_hex32s ebx, ecx, edx, eax
    call newline

    ; PUSHA/POPA.
    pushad
    mov [seen_a], esp
    mov eax, [STACK_BASE + 0xFFD0 + 12]   ; the saved ESP
    mov [seen_b], eax
    popad
    mov [seen_c], esp
    o16 pusha
    movzx eax, word [STACK_BASE + 0xFFE0 + 6]   ; the saved SP
    mov [seen_d], eax
    o16 popa
    mov esi, esp
    print "pusha      "
    print_hex32s [seen_a], [seen_b], [seen_d], esi
    call newline

    mov eax, 0xa1a1a1a1
    mov ecx, 0xb2b2b2b2
    mov edx, 0xc3c3c3c3
    mov ebx, 0xd4d4d4d4
    mov ebp, 0xe5e5e5e5
    mov esi, 0xf6f6f6f6
    mov edi, 0x07070707
    pushad
    xor eax, eax
    xor ecx, ecx
    xor edx, edx
    xor ebx, ebx
    xor ebp, ebp
    xor esi, esi
    xor edi, edi
    popad
    print "popa       "
    print_hex32s eax, ecx, edx, ebx, ebp, esi, edi
    call newline

    ; ENTER/LEAVE. With a 32-bit operand size EBP gets all of FrameTemp (ESP after the
    ; push of EBP, upper half included: the SDM's pseudocode); the copied frame pointers
    ; are read at SS:[BP - 4 * i]; LEAVE sets SP = BP and pops all of EBP.
    mov ebp, 0x5555AAAA
    enter 8, 0
    mov ebx, ebp
    mov ecx, esp
    print "enter      "
    print_hex32s ebx, ecx, [STACK_BASE + 0xFFEC]
    call newline
    leave
    mov ebx, ebp
    mov ecx, esp
    print "leave      "
    print_hex32s ebx, ecx
    call newline

    mov dword [STACK_BASE + 0xAAAA - 4], 0x5A5A5A5A  ; SS:[BP - 4]
    enter 4, 2                      ; copies SS:[BP - 4], pushes the frame pointer
    mov ebx, ebp
    mov ecx, esp
    mov edx, [STACK_BASE + 0xFFE8]
    mov esi, [STACK_BASE + 0xFFE4]
    leave
    print "enter 2    "
    print_hex32s ebx, ecx, edx, esi
    call newline

    ; INT n and IRET on the 16-bit stack.
    mov eax, 0
    int 0x40
.after_int:
    mov ebx, [seen_a]
    sub ebx, .after_int
    mov ecx, [seen_b]
    mov edx, esp
    mov esi, eax
    print "int 40h    "
    print_hex32s [seen_esp], ebx, ecx, edx, esi
    call newline

    ; #DE: a fault, its frame on the 16-bit stack.
    xor edx, edx
    xor ecx, ecx
    mov eax, 7
.div:
    div ecx
    mov ebx, [seen_a]
    sub ebx, .div
    mov edx, esp
    print "#de        "
    print_hex32s [seen_esp], ebx, edx, eax
    call newline

    int3
.after_int3:
    mov ebx, [seen_a]
    sub ebx, .after_int3
    mov edx, esp
    print "int3       "
    print_hex32s [seen_esp], ebx, edx
    call newline

    ; An INT n frame that wraps: EFLAGS at SP 0x0000, CS at 0xFFFC, EIP at 0xFFF8.
    mov esp, 0x9ABC0004
    int 0x40
.after_int_wrap:
    mov edx, esp
    mov esp, 0x1234FFF0
    mov ebx, [seen_a]
    sub ebx, .after_int_wrap
    mov ecx, [seen_b]
    print "int wrap   "
    print_hex32s [seen_esp], ebx, ecx, edx
    call newline

    ; SP wraps from 0x0000 to 0xFFFE and back; ESP's upper half stays.
    mov esp, 0x56780000
    push word 0x5AA5
    mov ebx, esp
    movzx ecx, word [STACK_BASE + 0xFFFE]
    push dword 0x89ABCDEF
    mov edx, esp
    pop esi
    pop ax
    mov edi, esp
    sub esp, 2                      ; explicit arithmetic: all of ESP (0x5677FFFE)
    mov [seen_a], esp
    mov esp, 0x5678FFFE
    print "wrap       "
    print_hex32s ebx, ecx, edx, esi, edi, [seen_a]
    call newline
    pop ax                          ; 0xFFFE + 2 wraps to 0x0000
    mov ebx, esp
    push ax
    mov ecx, esp
    print "wrap pop   "
    print_hex32s ecx, ebx
    call newline

    ; Explicit [esp + N] uses all of ESP; PUSH uses SP.
    mov ax, SS16BIG
    mov ss, ax
    mov esp, 0x0010FFF0
    mov dword [STACK_BASE + 0x0010FFF4], 0xDEADBEEF
    mov dword [STACK_BASE + 0x0010FFEC], 0x1234ABCD
    push dword 0x77
    mov ebx, esp
    mov ecx, [STACK_BASE + 0xFFEC]
    mov edx, [esp + 8]              ; SS:0x0010FFF4
    mov esi, [esp]                  ; SS:0x0010FFEC, not SS:0xFFEC
    add esp, 4
    print "esp+n      "
    print_hex32s ebx, ecx, edx, esi
    call newline

    mov ax, DATA_SEL
    mov ss, ax
    mov esp, [flat_esp]
    println "done"
    exit 0
