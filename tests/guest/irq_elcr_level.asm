; irq_elcr_level: edge- and level-triggered inputs of the master 8259A, the
; trigger mode chosen per line by the PIIX's ELCR (port 0x4D0 for IRQ0-7; the
; PIIX ignores ICW1's LTIM bit). The source is IRQ4, COM1's THRE interrupt:
; IER=2 with the THR empty raises the line, reading IIR (which then reports
; THRE) lowers it. MCR OUT2 is set (the PC's IRQ4 enable). Vector 0x24.
;
; 8259A datasheet: in level mode the IRR bit is not latched, it follows the
; line; an EOI with the line still high leaves the request in IRR, so it is
; taken again. In edge mode a request needs a rising edge, and acknowledging
; it clears its IRR bit: an EOI with the line still high takes nothing more.
; Checked:
; - the ELCR bit for IRQ4 reads back as written;
; - level, IF=0: line high -> IRR bit 4 set; line low -> IRR bit 4 clear;
;   STI then takes nothing (the request went away before any INTA);
; - level: a handler that sends EOI but leaves the line high is re-entered;
;   it quietens the UART on its third entry: exactly 3 interrupts;
; - edge: the same handler, leaving the line high: exactly 1 interrupt.
; Left out: an edge-mode request withdrawn before INTA. QEMU 7.2 keeps its
; IRR bit latched and delivers IRQ4 later; on an 8259A the IR input must
; stay high until the first INTA, else the CPU gets the default IR7
; (spurious) vector. No other way to get a spurious IR7 out of QEMU was
; found, so spurious interrupts are not tested.
; expect-exit: 1
; expect: elcr bit 4: set 10, cleared 00
; expect: level, IF=0: line high irr=10, line low irr=00, sti: nothing taken
; expect: level, line left high across eoi: taken 3 times
; expect: edge, line left high across eoi: taken 1 times
; expect: other interrupts: 0

%include "guest.inc"
%include "idt.inc"
%include "pc.inc"

COM1_IER    equ 0x3F9
COM1_IIR    equ 0x3FA
COM1_MCR    equ 0x3FC

main:
    call setup_gdt
%assign v 0
%rep 8
    gate VEC_MASTER + v, irq_stub_ %+ v, GATE_INTR
%assign v v + 1
%endrep
    call load_idt
    call pic_init
    mov dx, COM1_MCR
    in al, dx
    or al, 0x08                     ; OUT2
    out dx, al
    mov al, 0xEF                    ; only IRQ4
    out PIC1_DATA, al

    mov dx, ELCR1
    in al, dx
    mov [elcr_saved], al
    print "elcr bit 4: set "
    mov al, [elcr_saved]
    or al, 0x10
    out dx, al
    in al, dx
    and al, 0x10
    print_hex8 al
    print ", cleared "
    mov al, [elcr_saved]
    and al, ~0x10
    out dx, al
    in al, dx
    and al, 0x10
    print_hex8 al
    call newline

    ; --- level: a withdrawn request vanishes --------------------------------
    mov al, [elcr_saved]
    or al, 0x10                     ; IRQ4 level-triggered
    mov dx, ELCR1
    out dx, al
    mov dword [taken], 0
    mov dword [quiet_at], 1000      ; the handler never quietens the UART here
    mov dx, COM1_IER
    mov al, 0x02
    out dx, al                      ; line high
    call wait_irr4
    pic_irr PIC1
    and al, 0x10
    mov [seen], al
    mov dx, COM1_IIR
    in al, dx                       ; line low
    mov dx, COM1_IER
    mov al, 0
    out dx, al
    pic_irr PIC1
    and al, 0x10
    mov [seen + 1], al
    sti
    mov ecx, 3
    call pit_wait_ms
    cli
    print "level, IF=0: line high irr="
    print_hex8 [seen]
    print ", line low irr="
    print_hex8 [seen + 1]
    print ", sti: "
    cmp dword [taken], 0
    jne .taken
    println "nothing taken"
    jmp .level_loop
.taken:
    print "taken "
    print_dec [taken]
    println " times"

    ; --- level: EOI with the line high ---------------------------------------
.level_loop:
    mov dword [taken], 0
    mov dword [quiet_at], 3
    call raise_irq4
    sti
    mov ecx, 3
    call pit_wait_ms
    cli
    call quiet_uart
    print "level, line left high across eoi: taken "
    print_dec [taken]
    println " times"

    ; --- edge: EOI with the line high ----------------------------------------
    mov al, [elcr_saved]
    and al, ~0x10                   ; IRQ4 edge-triggered
    mov dx, ELCR1
    out dx, al
    mov dword [taken], 0
    mov dword [quiet_at], 3
    call raise_irq4
    sti
    mov ecx, 3
    call pit_wait_ms
    cli
    call quiet_uart                 ; the line was still high until here
    print "edge, line left high across eoi: taken "
    print_dec [taken]
    println " times"

    print "other interrupts: "
    print_dec [others]
    call newline

    mov al, [elcr_saved]
    mov dx, ELCR1
    out dx, al
    mov al, 0xFF
    out PIC1_DATA, al
    exit 0

; raise_irq4: IER=2 (line high) and wait for IRR bit 4.
raise_irq4:
    push eax
    push edx
    mov dx, COM1_IER
    mov al, 0x02
    out dx, al
    call wait_irr4
    pop edx
    pop eax
    ret

wait_irr4:
    push eax
    push ecx
    mov ecx, 10000000
.poll:
    pic_irr PIC1
    test al, 0x10
    jnz .done
    dec ecx
    jnz .poll
.done:
    pop ecx
    pop eax
    ret

quiet_uart:                         ; read IIR (ends THRE), IER=0
    push eax
    push edx
    mov dx, COM1_IIR
    in al, dx
    mov dx, COM1_IER
    mov al, 0
    out dx, al
    pop edx
    pop eax
    ret

%assign v 0
%rep 8
irq_stub_ %+ v:
    push dword v
    jmp irq_common
%assign v v + 1
%endrep

; IRQ4 counts; on entry number quiet_at it lowers the line first. Any other
; IRQ is counted in `others` (none is expected). Specific EOI either way.
irq_common:
    push eax
    cmp dword [esp + 4], 4
    je .irq4
    inc dword [others]
    jmp .eoi
.irq4:
    inc dword [taken]
    mov eax, [taken]
    cmp eax, [quiet_at]
    jb .eoi
    call quiet_uart
.eoi:
    mov al, [esp + 4]
    or al, OCW2_SEOI
    out PIC1, al
    pop eax
    add esp, 4
    iret

section .bss
elcr_saved: resd 1
taken:      resd 1
quiet_at:   resd 1
others:     resd 1
seen:       resd 1
