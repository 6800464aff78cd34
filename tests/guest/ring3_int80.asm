; ring3_int80: a ring 3 program making system calls with INT 0x80 through a
; DPL 3 trap gate (no paging). The ring 0 handler runs on the stack given by
; the TSS (SS0:ESP0 = 0010:r0_stack_top) and returns with IRET. Calls: 1 =
; write(EBX = text, ECX = length) (the kernel prints it on COM1), 2 = add
; (EBX + ECX), 3 = record what the CPU pushed, 4 = return with KDATA left in
; ES and FS, anything else returns -1. Then exceptions at CPL 3.
;
; Why the values are right (SDM vol. 3, 6.12.1, 5.8.5, 6.15 and IRET):
; - INT n from CPL 3 to a DPL 0 code segment switches to SS0:ESP0 and pushes
;   SS, ESP, EFLAGS, CS, EIP (20 bytes below ESP0); the saved EIP is the next
;   instruction (INT 0x80 is 2 bytes); a trap gate leaves IF as it was (1).
;   INT 0x82 goes through a DPL 3 interrupt gate, which clears IF in the
;   handler (6.12.1.3); the EFLAGS image pushed has IF as it was (1).
;   The handler runs with CS = 0008 and SS = 0010 (from the TSS).
; - IRET to CPL 3 pops EIP, CS, EFLAGS, ESP, SS: ring 3 gets back its own ESP
;   (top-4 after one push) and SS = 0023. It then nulls each of ES, FS, GS,
;   DS that holds a data segment with DPL < 3: ES and FS (KDATA, DPL 0) read
;   0000 at ring 3, DS and GS (UDATA, DPL 3) keep 0023.
; - INT n checks the gate DPL against CPL: INT 0x81 and INT3 through DPL 0
;   gates give #GP(vector * 8 + 2) (IDT bit set), saved EIP = the INT.
; - CLI at CPL 3 with IOPL 0 is #GP(0); DIV by 0 is #DE (no error code);
;   UD2 is #UD. All three are faults: saved EIP = the instruction. Each
;   exception from ring 3 is delivered on the TSS stack with CS = 001b,
;   SS = 0023 and the ring 3 ESP saved.
; expect-exit: 1
; expect: hello from ring 3
; expect: write returned 18
; expect: add(40, 2) = 42
; expect: interrupt gate: in handler if=0 saved if=1
; expect: in handler: cs=0008 ss=0010 esp=esp0-20 if=1 saved eip=site+2 cs=001b esp=top-4 ss=0023 if=1
; expect: after iret: esp=top-4 ss=0023 cs=001b eax=00000000
; expect: kernel left KDATA in es, fs: ds=0023 es=0000 fs=0000 gs=0023
; expect: 1000 syscalls: sum=1000
; expect: unknown call: eax=ffffffff
; expect: ring 3 done: exit cs=001b ss=0023 esp=top-0 frame=esp0-20
; expect: int 0x81 (DPL 0 gate): #0d err=0000040a eip=site+0 cs=001b ss=0023 esp=top-8 frame=esp0-20
; expect: int3 (DPL 0 gate): #0d err=0000001a eip=site+0 cs=001b ss=0023 esp=top-0 frame=esp0-20
; expect: cli at IOPL 0: #0d err=00000000 eip=site+0 cs=001b ss=0023 esp=top-0 frame=esp0-20
; expect: div by 0: #00 eip=site+0 cs=001b ss=0023 esp=top-4 frame=esp0-20
; expect: ud2: #06 eip=site+0 cs=001b ss=0023 esp=top-0 frame=esp0-20

%include "guest.inc"
%include "idt.inc"
%include "rings.inc"

; fault_case text, entry, site
%macro fault_case 3
    RING3 %2, 0x00000202
    print %1
    r3_report %3
    call r3_show_frame
    call newline
%endmacro

main:
    call setup_rings
    gate 0x80, sys_handler, GATE_TRAP3
    gate 0x81, sys_handler, GATE_INTR   ; DPL 0
    gate 0x82, sys_handler, GATE_INTR3  ; DPL 3, interrupt gate

    RING3 prog, 0x00000202
    print "write returned "
    print_dec [u_ret]
    call newline
    print "add(40, 2) = "
    print_dec [u_sum]
    call newline
    print "interrupt gate: in handler if="
    mov eax, [u_intr_kflags]
    call put_if
    print " saved if="
    mov eax, [u_intr_saved]
    call put_if
    call newline
    print "in handler: cs="
    print_hex16 [k_cs]
    print " ss="
    print_hex16 [k_ss]
    print " esp=esp0-"
    mov eax, r0_stack_top
    sub eax, [k_entry_esp]
    call put_dec
    print " if="
    mov eax, [k_flags]
    call put_if
    print " saved eip=site+"
    mov eax, [k_frame]
    sub eax, prog.s3
    call put_dec
    print " cs="
    print_hex16 [k_frame + 4]
    print " esp=top-"
    mov eax, u_stack_top
    sub eax, [k_frame + 12]
    call put_dec
    print " ss="
    print_hex16 [k_frame + 16]
    print " if="
    mov eax, [k_frame + 8]
    call put_if
    call newline
    print "after iret: esp=top-"
    mov eax, u_stack_top
    sub eax, [u_esp]
    call put_dec
    print " ss="
    print_hex16 [u_ss]
    print " cs="
    print_hex16 [u_cs]
    print " eax="
    print_hex32 [u_eax]
    call newline
    print "kernel left KDATA in es, fs: ds="
    print_hex16 [u_ds]
    print " es="
    print_hex16 [u_es]
    print " fs="
    print_hex16 [u_fs]
    print " gs="
    print_hex16 [u_gs]
    call newline
    print "1000 syscalls: sum="
    print_dec [u_loop]
    call newline
    print "unknown call: eax="
    print_hex32 [u_unknown]
    call newline
    print "ring 3 done: "
    r3_report 0
    call r3_show_frame
    call newline

    fault_case "int 0x81 (DPL 0 gate): ", p_int81, p_int81.s
    fault_case "int3 (DPL 0 gate): ", p_int3, p_int3
    fault_case "cli at IOPL 0: ", p_cli, p_cli
    fault_case "div by 0: ", p_div, p_div.s
    fault_case "ud2: ", p_ud2, p_ud2
    exit 0

put_if:                                 ; EAX = EFLAGS image: print IF
    shr eax, 9
    and eax, 1
    jmp put_dec

; ---- ring 3 ----
prog:
    mov eax, 1
    mov ebx, hello
    mov ecx, hello_len
    int 0x80
    mov [u_ret], eax
    mov eax, 2
    mov ebx, 40
    mov ecx, 2
    int 0x80
    mov [u_sum], eax
    mov eax, 3                          ; record, through the interrupt gate
    int 0x82
    mov eax, [k_flags]
    mov [u_intr_kflags], eax
    mov eax, [k_frame + 8]
    mov [u_intr_saved], eax
    push dword 0x1234ABCD
    mov eax, 3
.s3:
    int 0x80
    mov [u_eax], eax
    mov [u_esp], esp
    mov [u_ss], ss
    mov [u_cs], cs
    add esp, 4
    mov eax, 4
    int 0x80
    mov [u_ds], ds
    mov [u_es], es
    mov [u_fs], fs
    mov [u_gs], gs
    xor edi, edi
    mov esi, 1000
.loop:
    mov eax, 2
    mov ebx, edi
    mov ecx, 1
    int 0x80
    mov edi, eax
    dec esi
    jnz .loop
    mov [u_loop], edi
    mov eax, 99
    int 0x80
    mov [u_unknown], eax
    int R3_EXIT

p_int81:
    push eax
    push eax
.s: int 0x81
p_int3:
    int3
p_cli:
    cli
p_div:
    push eax
    xor edx, edx
    xor ecx, ecx
.s: div ecx
p_ud2:
    ud2

; ---- ring 0 ----
sys_handler:
    mov [ss:k_entry_esp], esp
    push ds
    push es
    push eax
    mov ax, KDATA
    mov ds, ax
    mov es, ax
    pop eax
    cmp eax, 1
    je .write
    cmp eax, 2
    je .add
    cmp eax, 3
    je .info
    cmp eax, 4
    je .segs
    mov eax, -1
    jmp .done
.write:
    push esi
    push ecx
    mov esi, ebx
.char:
    mov al, [esi]
    call putc
    inc esi
    loop .char
    pop ecx
    pop esi
    mov eax, ecx
    jmp .done
.add:
    mov eax, ebx
    add eax, ecx
    jmp .done
.info:
    push esi
    push edi
    push ecx
    mov [k_cs], cs
    mov [k_ss], ss
    pushfd
    pop dword [k_flags]
    mov esi, [k_entry_esp]
    mov edi, k_frame
    mov ecx, 5
    cld
    rep movsd
    pop ecx
    pop edi
    pop esi
    xor eax, eax
    jmp .done
.segs:
    pop es
    pop ds
    push eax
    mov ax, KDATA
    mov es, ax
    mov fs, ax
    pop eax
    xor eax, eax
    iret
.done:
    pop es
    pop ds
    iret

section .rodata
hello:      db "hello from ring 3", 10
hello_len   equ $ - hello

section .bss
alignb 4
u_ret:      resd 1
u_sum:      resd 1
u_intr_kflags: resd 1
u_intr_saved:  resd 1
u_eax:      resd 1
u_esp:      resd 1
u_ss:       resd 1
u_cs:       resd 1
u_ds:       resd 1
u_es:       resd 1
u_fs:       resd 1
u_gs:       resd 1
u_loop:     resd 1
u_unknown:  resd 1
k_entry_esp: resd 1
k_cs:       resd 1
k_ss:       resd 1
k_flags:    resd 1
k_frame:    resd 5
