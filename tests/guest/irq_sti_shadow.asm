; irq_sti_shadow: the one-instruction interrupt shadows of STI and MOV SS /
; POP SS, with IRQ0 from the PIT through the master 8259A (vector 0x20).
;
; SDM vol. 2, STI: "If IF = 0, maskable hardware interrupts remain inhibited
; on the instruction boundary following an execution of STI": with a request
; already pending, the instruction after STI runs exactly once before the
; interrupt, whose saved EIP is the instruction after that one. So:
; - `sti; inc ebx; inc ebx`: the handler sees EBX=1, EIP = sti+2.
; - `sti; hlt` (Linux's safe_halt): the HLT runs (no interrupt before it),
;   then the pending interrupt ends it at once: saved EIP = after the HLT.
; - `sti; cli`: the CLI runs in the shadow and clears IF again: nothing is
;   taken, the request stays in IRR until a later STI.
; The pending request comes from channel 0 in mode 0 (interrupt on terminal
; count, 0x30): OUT0 rises once when the count runs out while IF=0, and the
; 8259A latches that edge in IRR (polled with OCW3 0x0A), so exactly one
; interrupt is taken per shot.
;
; SDM vol. 2, MOV / POP: loading SS with MOV or POP inhibits interrupts until
; after the next instruction (so that a MOV ESP can follow). No instruction
; makes an external interrupt pending at a chosen boundary with IF=1, so these
; are checked statistically: a loop `mov ss, ax; inc ebx` (and the same with
; `pop ss`) runs while the PIT ticks at ~1 kHz (mode 2) until 50 ticks have
; been taken; the handler counts the ticks whose saved EIP is the instruction
; right after the SS load, which must be none. Each loop starts with
; `sti; nop`: a tick already pending is taken right after the NOP, before
; the loop's first SS load.
; (Without the NOP the first MOV SS would sit in the STI's shadow; the SDM
; says that of consecutive instructions that each inhibit interrupts only the
; first is guaranteed to, and QEMU 7.2 then gives the MOV SS no shadow, so
; that case is left out.) QEMU 7.2 agrees with the SDM on everything checked.
; expect-exit: 1
; expect: sti; inc ebx: 1 interrupt, handler saw ebx=1 eip=sti+2
; expect: sti at a page's last byte: 1 interrupt, handler saw ebx=1 eip=sti+2
; expect: sti; hlt: 1 interrupt, eip=after hlt
; expect: sti; cli: no interrupt, IRQ0 still pending in IRR
; expect: later sti: 1 interrupt
; expect: mov ss loop: at least 50 ticks taken in the loop, 0 right after mov ss
; expect: pop ss loop: at least 50 ticks taken in the loop, 0 right after pop ss

%include "guest.inc"
%include "idt.inc"
%include "pc.inc"

main:
    call setup_gdt
    gate VEC_MASTER + 0, irq0, GATE_INTR
    call load_idt
    call pic_init
    mov al, 0xFE                    ; only IRQ0
    out PIC1_DATA, al

    ; --- sti; inc ebx -------------------------------------------------------
    call pit_shot
    mov dword [ticks], 0
    xor ebx, ebx
.s1:
    sti
    inc ebx
    inc ebx
    inc ebx
    cli
    print "sti; inc ebx: "
    print_dec [ticks]
    print " interrupt, handler saw ebx="
    print_dec [saw_ebx]
    print " eip=sti+"
    mov eax, [saw_eip]
    sub eax, .s1
    call put_dec
    call newline

    ; --- the same with STI as the last byte of a page: the shadow instruction
    ; is on the next page (a translator may not end its block between them).
    call pit_shot
    mov dword [ticks], 0
    xor ebx, ebx
    call sti_page_end
    print "sti at a page's last byte: "
    print_dec [ticks]
    print " interrupt, handler saw ebx="
    print_dec [saw_ebx]
    print " eip=sti+"
    mov eax, [saw_eip]
    sub eax, sti_page_end
    call put_dec
    call newline

    ; --- sti; hlt -----------------------------------------------------------
    call pit_shot
    mov dword [ticks], 0
    sti
    hlt
.after_hlt:
    cli
    print "sti; hlt: "
    print_dec [ticks]
    print " interrupt, eip="
    cmp dword [saw_eip], .after_hlt
    jne .hlt_bad
    println "after hlt"
    jmp .sti_cli
.hlt_bad:
    println "WRONG"

    ; --- sti; cli -----------------------------------------------------------
.sti_cli:
    call pit_shot
    mov dword [ticks], 0
    sti
    cli
    mov ecx, 100000
    call delay
    print "sti; cli: "
    cmp dword [ticks], 0
    jne .sc_bad
    pic_irr PIC1
    test al, 1
    jz .sc_bad
    println "no interrupt, IRQ0 still pending in IRR"
    jmp .later
.sc_bad:
    println "WRONG"
.later:
    sti
    nop
    nop
    cli
    print "later sti: "
    print_dec [ticks]
    println " interrupt"

    ; --- mov ss / pop ss loops, PIT in mode 2 at ~1 kHz -----------------------
    mov al, 0x34                    ; channel 0, LSB then MSB, mode 2
    out PIT_CMD, al
    mov al, 1193 & 0xFF
    out PIT_CH0, al
    mov al, 1193 >> 8
    out PIT_CH0, al

    mov dword [ticks], 0
    mov dword [in_loop], 0
    mov dword [shadow_hits], 0
    mov dword [loop_lo], .ml_start
    mov dword [loop_hi], .ml_end
    mov dword [shadow_eip], .after_mov
    mov ax, ss
    sti
    nop                             ; a tick pending now is taken here: MOV SS
                                    ; right after STI would be in the STI's
                                    ; shadow, where the SDM does not promise
                                    ; a shadow of its own (QEMU gives none)
.ml_start:
    mov ss, ax
.after_mov:
    inc ebx
    cmp dword [ticks], 50
    jb .ml_start
.ml_end:
    cli
    print "mov ss loop: "
    call report_loop
    println " right after mov ss"

    mov dword [ticks], 0
    mov dword [in_loop], 0
    mov dword [shadow_hits], 0
    mov dword [loop_lo], .pl_start
    mov dword [loop_hi], .pl_end
    mov dword [shadow_eip], .after_pop
    sti
    nop
.pl_start:
    push ss
    pop ss
.after_pop:
    inc ebx
    cmp dword [ticks], 50
    jb .pl_start
.pl_end:
    cli
    print "pop ss loop: "
    call report_loop
    println " right after pop ss"

    mov al, 0x30                    ; channel 0 back to a quiet one-shot
    out PIT_CMD, al
    mov al, 0xFF
    out PIC1_DATA, al
    exit 0

; report_loop: "at least 50 ticks taken in the loop, <m>" (m = hits); a
; 51st tick may land at the loop's last instruction, so only >= 50 is told.
report_loop:
    cmp dword [in_loop], 50
    jb .few
    print "at least 50"
    jmp .hits
.few:
    print "only "
    print_dec [in_loop]
.hits:
    print " ticks taken in the loop, "
    print_dec [shadow_hits]
    ret

; pit_shot: channel 0 in mode 0 with a short count; wait (IF=0) until the
; terminal count's edge is latched in the master's IRR.
pit_shot:
    push eax
    push ecx
    mov al, 0x30                    ; channel 0, LSB then MSB, mode 0, binary
    out PIT_CMD, al
    mov al, 100
    out PIT_CH0, al
    mov al, 0
    out PIT_CH0, al
    mov ecx, 10000000
.poll:
    pic_irr PIC1
    test al, 1
    jnz .done
    dec ecx
    jnz .poll
.done:
    pop ecx
    pop eax
    ret

; IRQ0: record EBX and the saved EIP; classify the EIP for the SS loops.
irq0:
    push eax
    mov [saw_ebx], ebx
    mov eax, [esp + 4]
    mov [saw_eip], eax
    inc dword [ticks]
    cmp eax, [loop_lo]
    jb .eoi
    cmp eax, [loop_hi]
    jae .eoi
    inc dword [in_loop]
    cmp eax, [shadow_eip]
    jne .eoi
    inc dword [shadow_hits]
.eoi:
    mov al, OCW2_EOI
    out PIC1, al
    pop eax
    iret

section .bss
ticks:          resd 1
saw_ebx:        resd 1
saw_eip:        resd 1
in_loop:        resd 1
shadow_hits:    resd 1
loop_lo:        resd 1
loop_hi:        resd 1
shadow_eip:     resd 1

; STI at offset 0xFFF of a page, its shadow instruction at the next page's start.
section .text
align 4096
    times 4095 nop                  ; never executed: callers enter at sti_page_end
sti_page_end:
    sti
    inc ebx
    inc ebx
    inc ebx
    cli
    ret
