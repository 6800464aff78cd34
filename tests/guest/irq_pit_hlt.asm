; irq_pit_hlt: the PIT's channel 0 ticking on IRQ0 through the master 8259A,
; as Linux's timer does, and HLT sleeping until an interrupt.
;
; Setup: PIC initialised as Linux does, everything masked but IRQ0; PIT
; channel 0 in mode 2 (rate generator, 0x34) with count 1193 (~1 kHz); an
; interrupt gate for vector 0x20 whose handler counts ticks and sends a
; non-specific EOI. What is checked, and why:
; - With IF=0, the PIC still latches the request (IRR bit 0, read with OCW3
;   0x0A) but the CPU takes nothing: INTR is only sampled with IF=1 (SDM vol.
;   3, 6.8.1).
; - After STI the pending request is taken after the instruction following
;   STI (SDM: STI "interrupts are recognized after the next instruction"):
;   the handler's saved EIP is the instruction after that one.
; - In the handler (interrupt gate) IF=0, the saved EFLAGS has IF=1, CS is
;   ours, and the master's ISR shows IRQ0 in service (bit 0) before the EOI.
; - HLT stops the processor until an interrupt (SDM HLT); the interrupt that
;   ends it saves the address of the instruction after HLT. Each HLT is done
;   Linux's way, `cli; check; sti; hlt`, so no tick can slip in between the
;   check and the HLT (the STI shadow covers the HLT).
; - Masking IRQ0 in the IMR (OCW1) with IF=1: the IRR still latches the
;   PIT's request but nothing is delivered.
; expect-exit: 1
; expect: IF=0: IRQ0 pending in IRR, no interrupt taken
; expect: sti; nop: taken after the nop
; expect: handler: IF=0 saved IF=1 cs ok ISR=01
; expect: ticks ok
; expect: 10 hlt: 10 woken by an interrupt, saved eip after hlt 10
; expect: IRQ0 masked with IF=1: pending in IRR 1, interrupts taken 0

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

    mov al, 0x34                    ; channel 0, LSB then MSB, mode 2, binary
    out PIT_CMD, al
    mov al, 1193 & 0xFF
    out PIT_CH0, al
    mov al, 1193 >> 8
    out PIT_CH0, al

    ; IF=0 (guest.inc starts with CLI): wait for the request to show in IRR,
    ; then a few more ms; nothing may be taken.
    call wait_irr0
    mov ecx, 5
    call pit_wait_ms
    pic_irr PIC1
    test al, 1
    jz .not_pending
    cmp dword [ticks], 0
    jne .not_pending
    println "IF=0: IRQ0 pending in IRR, no interrupt taken"
    jmp .sti
.not_pending:
    println "IF=0: WRONG"

.sti:
    mov dword [first_eip], 0
    sti
    nop                             ; the STI shadow
.after_nop:
    nop
    nop
    cli
    print "sti; nop: "
    cmp dword [first_eip], .after_nop
    jne .sti_bad
    println "taken after the nop"
    jmp .handler
.sti_bad:
    println "WRONG"

.handler:
    print "handler: IF="
    mov eax, [handler_flags]
    call print_if
    print " saved IF="
    mov eax, [saved_flags]
    call print_if
    print " cs "
    cmp word [saved_cs], CODE_SEL
    jne .bad_cs
    print "ok"
    jmp .isr
.bad_cs:
    print "WRONG"
.isr:
    print " ISR="
    print_hex8 [handler_isr]
    call newline

    ; Ticks keep arriving: sleep in HLT until at least 10 more.
    mov ebx, [ticks]
    add ebx, 10
.wait_ticks:
    sti
    hlt
    cli
    cmp [ticks], ebx
    jb .wait_ticks
    println "ticks ok"

    ; Ten HLTs, each checked: the first interrupt after it saved the
    ; address right after the HLT, and the tick count moved.
    xor esi, esi                    ; HLTs after which ticks moved
    xor edi, edi                    ; HLTs ended by an interrupt saving .after_hlt
    mov ebp, 10
.hlt_loop:
    cli
    mov eax, [ticks]
    mov dword [first_eip], 0
    sti
    hlt                             ; in the STI shadow: nothing before it
.after_hlt:
    cli
    cmp [ticks], eax
    je .no_tick
    inc esi
.no_tick:
    cmp dword [first_eip], .after_hlt
    jne .other_eip
    inc edi
.other_eip:
    dec ebp
    jnz .hlt_loop
    print "10 hlt: "
    print_dec esi
    print " woken by an interrupt, saved eip after hlt "
    print_dec edi
    call newline

    ; Mask IRQ0 (OCW1), enable interrupts, wait until a new request shows in
    ; IRR (and a while longer): nothing may be taken.
    mov al, 0xFF
    out PIC1_DATA, al
    mov ebx, [ticks]
    sti
    call wait_irr0
    mov ecx, 100000
    call delay
    cli
    pic_irr PIC1
    mov ecx, [ticks]
    sub ecx, ebx
    print "IRQ0 masked with IF=1: pending in IRR "
    and eax, 1
    print_dec eax
    print ", interrupts taken "
    print_dec ecx
    call newline
    mov al, 0x30                    ; channel 0 back to a quiet one-shot
    out PIT_CMD, al
    exit 0

; wait_irr0: poll the master's IRR until bit 0 is set (bounded).
wait_irr0:
    push ecx
    mov ecx, 10000000
.poll:
    pic_irr PIC1
    test al, 1
    jnz .done
    dec ecx
    jnz .poll
.done:
    pop ecx
    ret

print_if:                           ; EAX = EFLAGS image
    and eax, IF_BIT
    shr eax, 9
    jmp put_dec

; IRQ0: count, note the first frame after main cleared first_eip, EOI.
irq0:
    push eax
    pushfd
    pop dword [handler_flags]
    cmp dword [first_eip], 0
    jne .counted
    mov eax, [esp + 4]              ; saved EIP
    mov [first_eip], eax
    mov eax, [esp + 8]
    mov [saved_cs], eax
    mov eax, [esp + 12]
    mov [saved_flags], eax
    pic_isr PIC1
    mov [handler_isr], al
.counted:
    inc dword [ticks]
    mov al, OCW2_EOI
    out PIC1, al
    pop eax
    iret

section .bss
ticks:          resd 1
first_eip:      resd 1
saved_cs:       resd 1
saved_flags:    resd 1
handler_flags:  resd 1
handler_isr:    resd 1
