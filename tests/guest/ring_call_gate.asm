; ring_call_gate: a far CALL from ring 3 through a 32-bit call gate (GDT
; 0x30: type 0xC, DPL 3, 2 parameter dwords, target 0008:cg_target, a DPL 0
; code segment) and the far RET 8 back (no paging). Ring 3 pushes 11111111
; then 22222222 and calls 0033:0. The ring 0 routine prints what it finds on
; its stack, returns their sum in EAX, leaves KDATA (DPL 0) in ES and FS and
; UDATA (DPL 3) in GS (DS is still UDATA), and returns with RETF 8.
;
; Why the values are right (SDM vol. 3, 5.8.5, 5.8.6 and vol. 2, CALL, RET):
; - a call through a gate to a more privileged nonconforming segment
;   switches to SS0:ESP0 from the TSS (0010:r0_stack_top), pushes the
;   caller's SS and ESP (after its two pushes: top-8), copies the gate's
;   parameter count of dwords from the caller's stack keeping their order
;   (the last pushed, 22222222, lowest), then pushes the caller's CS (001b)
;   and EIP (the instruction after the CALL): 6 dwords, ESP = ESP0 - 24.
;   The offset in the CALL's far pointer is ignored.
; - RET 8 to an outer level pops EIP and CS, releases 8 bytes of the inner
;   stack, pops ESP and SS, then releases 8 bytes of the outer stack too
;   (ring 3 ESP back to top-0). Then each of ES, FS, GS, DS holding a data
;   segment whose DPL is below the new CPL is loaded with the null selector:
;   ES = FS = 0000, while DS = GS = 0023 stay.
; - a gate whose DPL (0) is below the CPL (3) gives #GP(gate selector):
;   error code 0030, saved EIP = the CALL.
; expect-exit: 1
; expect: in ring 0: cs=0008 ss=0010 esp=esp0-24 params 22222222 11111111 caller eip=ret cs=001b esp=top-8 ss=0023
; expect: back in ring 3: eax=33333333 cs=001b ss=0023 esp=top-0 ds=0023 es=0000 fs=0000 gs=0023
; expect: ring 3 done: exit cs=001b ss=0023 esp=top-0 frame=esp0-20
; expect: call through a DPL 0 gate: #0d err=00000030 eip=site+0 cs=001b ss=0023 esp=top-8 frame=esp0-20

%include "guest.inc"
%include "idt.inc"
%include "rings.inc"

GATE    equ SPARE_SEL

main:
    call setup_rings
    mov eax, cg_target                  ; the call gate, DPL 3, 2 parameters
    mov [rgdt + GATE], ax
    mov word [rgdt + GATE + 2], KCODE
    mov byte [rgdt + GATE + 4], 2
    mov byte [rgdt + GATE + 5], 0xEC
    shr eax, 16
    mov [rgdt + GATE + 6], ax

    RING3 prog, 0x00000202
    print "back in ring 3: eax="
    print_hex32 [u_eax]
    print " cs="
    print_hex16 [u_cs]
    print " ss="
    print_hex16 [u_ss]
    print " esp=top-"
    mov eax, u_stack_top
    sub eax, [u_esp]
    call put_dec
    print " ds="
    print_hex16 [u_ds]
    print " es="
    print_hex16 [u_es]
    print " fs="
    print_hex16 [u_fs]
    print " gs="
    print_hex16 [u_gs]
    call newline
    print "ring 3 done: "
    r3_report 0
    call r3_show_frame
    call newline

    mov byte [rgdt + GATE + 5], 0x8C    ; DPL 0
    RING3 prog, 0x00000202
    print "call through a DPL 0 gate: "
    r3_report prog.call
    call r3_show_frame
    call newline
    exit 0

; ---- ring 3 ----
prog:
    push dword 0x11111111
    push dword 0x22222222
.call:
    call (GATE | 3):0xDEADBEEF
.ret:
    mov [u_eax], eax
    mov [u_esp], esp
    mov [u_cs], cs
    mov [u_ss], ss
    mov [u_ds], ds
    mov [u_es], es
    mov [u_fs], fs
    mov [u_gs], gs
    int R3_EXIT

; ---- ring 0, through the gate ----
cg_target:
    mov [ss:k_esp], esp
    mov ebp, esp
    mov [ss:k_cs], cs
    mov [ss:k_ss], ss
    print "in ring 0: cs="
    print_hex16 [k_cs]
    print " ss="
    print_hex16 [k_ss]
    print " esp=esp0-"
    mov eax, r0_stack_top
    sub eax, [k_esp]
    call put_dec
    print " params "
    print_hex32s [ebp + 8], [ebp + 12]
    print " caller eip="
    cmp dword [ebp], prog.ret
    jne .bad_eip
    print "ret"
    jmp .eip_done
.bad_eip:
    print_hex32 [ebp]
.eip_done:
    print " cs="
    print_hex16 [ebp + 4]
    print " esp=top-"
    mov eax, u_stack_top
    sub eax, [ebp + 16]
    call put_dec
    print " ss="
    print_hex16 [ebp + 20]
    call newline
    mov eax, [ebp + 8]
    add eax, [ebp + 12]
    mov bx, KDATA
    mov es, bx
    mov fs, bx
    mov bx, UDATA
    mov gs, bx
    retf 8

section .bss
alignb 4
u_eax:  resd 1
u_esp:  resd 1
u_cs:   resd 1
u_ss:   resd 1
u_ds:   resd 1
u_es:   resd 1
u_fs:   resd 1
u_gs:   resd 1
k_esp:  resd 1
k_cs:   resd 1
k_ss:   resd 1
