; irq_pic_priority: the 8259A pair's priority resolution, in-service
; blocking, EOIs, masking and poll mode, with three real sources:
;   IRQ0 = PIT channel 0 in mode 0 (one rising edge at terminal count),
;   IRQ4 = COM1's THRE interrupt (IER=2 with the THR empty; MCR OUT2 set),
;   IRQ8 = the RTC's periodic interrupt (register B PIE, rate 6), which reaches
;          the master through the slave's INT on IR2.
; Each source is made to request while IF=0 and the test waits until the
; IRR (OCW3 0x0A) shows it, so what happens afterwards does not depend on
; timing. Every handler logs its vector and the master ISR, slave ISR and
; master IRR (OCW3 0x0B / 0x0A, masked to the lines in use), then quietens its
; source (IRQ4: read IIR, IER=0; IRQ8: read register C, PIE off) and sends a
; specific EOI (0x60 + level; IRQ8: the slave's, then IR2's on the master),
; unless the test asks it not to.
;
; What the 8259A datasheet says, and each part checks:
; 1. Fully nested mode, IR0 highest: with IRQ0, IRQ4 and IRQ8 pending, they
;    are taken 0, 8 (via IR2), 4. In a handler its level is in ISR (the
;    cascade: master ISR bit 2 and slave ISR bit 0) and the others still in
;    IRR. The IMR (OCW1) reads back on the odd port.
; 2. A level in service blocks lower levels until its EOI: IRQ0 left without
;    EOI keeps IRQ4 waiting; a specific EOI (0x60) releases it. A higher level
;    is taken over a lower one in service (IRQ0 while IRQ4 is in service); a
;    non-specific EOI (0x20) clears the highest level in service first.
; 3. A masked request (OCW1) waits in IRR and is taken once unmasked.
; 4. Poll mode (OCW3 0x0C, then read the even port): 0x80 | the highest
;    level requesting, and the read acknowledges it (ISR set, IRR cleared).
;    With nothing requesting, bit 7 is 0 (the datasheet does not define the
;    level bits then, so only bit 7 is printed). Polling the master with
;    IRQ8 pending gives IR2; polling the slave then gives its level 0.
; QEMU 7.2 agrees with the datasheet on everything checked.
; expect-exit: 1
; expect: 1: imr=ea/fe pending with IF=0: master irr=15 slave irr=01
; expect: 1: 20 isr=01/00 irr=14, 28 isr=04/01 irr=10, 24 isr=10/00 irr=00, then isr=00/00
; expect: 2: irq0 without eoi: 20 isr=01/00 irr=10, isr=01 irr=10
; expect: 2: specific eoi 0x60: 24 isr=10/00 irr=00, isr=00
; expect: 2: irq4 without eoi, then irq0: 24 isr=10/00 irr=00, 20 isr=11/00 irr=00, isr=11
; expect: 2: non-specific eoi: isr=10, again: isr=00
; expect: 3: irq4 masked: irr=10, nothing taken; unmasked: 24 isr=10/00 irr=00
; expect: 4: poll: 80 isr=01 irr=10, poll: 84 isr=10 irr=00, after eois: poll bit 7=0
; expect: 4: poll master: 82 slave: 80 isr=04/01, after eois: isr=00/00

%include "guest.inc"
%include "idt.inc"
%include "pc.inc"

COM1_IER    equ 0x3F9
COM1_IIR    equ 0x3FA
COM1_MCR    equ 0x3FC
RTC_INDEX   equ 0x70
RTC_DATA    equ 0x71

main:
    call setup_gdt
%assign v 0
%rep 16
    gate VEC_MASTER + v, irq_stub_ %+ v, GATE_INTR
%assign v v + 1
%endrep
    call load_idt
    call pic_init
    mov dx, COM1_MCR
    in al, dx
    or al, 0x08                     ; OUT2: the PC's IRQ4 enable
    out dx, al
    mov al, 0x0A                    ; RTC register A: rate 6 (1024 Hz)
    out RTC_INDEX, al
    mov al, 0x26
    out RTC_DATA, al

    ; --- 1. priority order --------------------------------------------------
    mov al, 0xEA                    ; IRQ0, IRQ2 (cascade), IRQ4 unmasked
    out PIC1_DATA, al
    mov al, 0xFE                    ; IRQ8 unmasked
    out PIC2_DATA, al
    call req_irq0
    call req_irq4
    call req_irq8
    print "1: imr="
    in al, PIC1_DATA
    print_hex8 al
    print "/"
    in al, PIC2_DATA
    print_hex8 al
    print " pending with IF=0: master irr="
    pic_irr PIC1
    and al, 0x15
    print_hex8 al
    print " slave irr="
    pic_irr PIC2
    and al, 0x01
    print_hex8 al
    call newline
    call take
    print "1: "
    call print_log
    print ", then isr="
    call print_isrs
    call newline

    ; --- 2. in-service blocking and EOIs -------------------------------------
    mov byte [no_eoi], 0x01         ; IRQ0 gets no EOI
    call req_irq0
    call req_irq4
    call take
    print "2: irq0 without eoi: "
    call print_log
    print ", isr="
    pic_isr PIC1
    print_hex8 al
    print " irr="
    pic_irr PIC1
    and al, 0x15
    print_hex8 al
    call newline
    mov byte [no_eoi], 0
    mov al, OCW2_SEOI | 0           ; specific EOI for IR0
    out PIC1, al
    call take
    print "2: specific eoi 0x60: "
    call print_log
    print ", isr="
    pic_isr PIC1
    print_hex8 al
    call newline

    mov byte [no_eoi], 0x11         ; neither IRQ4 nor IRQ0 gets an EOI
    call req_irq4
    call take                       ; IRQ4 taken, stays in service
    call req_irq0
    call take_more                  ; IRQ0 outranks it
    print "2: irq4 without eoi, then irq0: "
    call print_log
    print ", isr="
    pic_isr PIC1
    print_hex8 al
    call newline
    mov byte [no_eoi], 0
    print "2: non-specific eoi: isr="
    mov al, OCW2_EOI
    out PIC1, al
    pic_isr PIC1
    print_hex8 al
    print ", again: isr="
    mov al, OCW2_EOI
    out PIC1, al
    pic_isr PIC1
    print_hex8 al
    call newline

    ; --- 3. masking ---------------------------------------------------------
    mov al, 0xFA                    ; IRQ4 masked
    out PIC1_DATA, al
    call req_irq4
    call take
    print "3: irq4 masked: irr="
    pic_irr PIC1
    and al, 0x15
    print_hex8 al
    print ", "
    cmp dword [log_len], 0
    jne .masked_taken
    print "nothing taken"
    jmp .unmask
.masked_taken:
    call print_log
.unmask:
    mov al, 0xEA
    out PIC1_DATA, al
    call take
    print "; unmasked: "
    call print_log
    call newline

    ; --- 4. poll mode (IF stays 0) ------------------------------------------
    ; Nothing is printed until the polls are done: each byte sent on COM1
    ; with IER=2 would make a new THRE request (a new edge on IRQ4).
    call req_irq0
    call req_irq4
    mov al, OCW3_POLL
    out PIC1, al
    in al, PIC1
    mov [seen + 0], al
    pic_isr PIC1
    mov [seen + 1], al
    pic_irr PIC1
    mov [seen + 2], al
    mov al, OCW2_SEOI | 0
    out PIC1, al
    mov al, OCW3_POLL
    out PIC1, al
    in al, PIC1
    mov [seen + 3], al
    pic_isr PIC1
    mov [seen + 4], al
    pic_irr PIC1
    mov [seen + 5], al
    call quiet_uart
    mov al, OCW2_SEOI | 4
    out PIC1, al
    mov al, OCW3_POLL
    out PIC1, al
    in al, PIC1
    mov [seen + 6], al
    print "4: poll: "
    print_hex8 [seen + 0]
    print " isr="
    print_hex8 [seen + 1]
    print " irr="
    mov al, [seen + 2]
    and al, 0x15
    print_hex8 al
    print ", poll: "
    print_hex8 [seen + 3]
    print " isr="
    print_hex8 [seen + 4]
    print " irr="
    mov al, [seen + 5]
    and al, 0x15
    print_hex8 al
    print ", after eois: poll bit 7="
    movzx eax, byte [seen + 6]
    shr eax, 7
    print_dec eax
    call newline

    call req_irq8
    print "4: poll master: "
    call poll_master
    print " slave: "
    mov al, OCW3_POLL
    out PIC2, al
    in al, PIC2
    print_hex8 al
    print " isr="
    call print_isrs
    call quiet_rtc
    mov al, OCW2_SEOI | 0
    out PIC2, al
    mov al, OCW2_SEOI | 2
    out PIC1, al
    print ", after eois: isr="
    call print_isrs
    call newline

    mov al, 0xFF
    out PIC1_DATA, al
    out PIC2_DATA, al
    exit 0

; --- sources -------------------------------------------------------------
; Each makes its line request and waits (IF=0) until the IRR shows it.

req_irq0:                           ; PIT channel 0, mode 0, count 100
    push eax
    mov al, 0x30
    out PIT_CMD, al
    mov al, 100
    out PIT_CH0, al
    mov al, 0
    out PIT_CH0, al
    mov ah, 0x01
    call wait_master_irr
    pop eax
    ret

req_irq4:                           ; COM1 THR empty interrupt
    push eax
    push edx
    mov dx, COM1_IER
    mov al, 0x02
    out dx, al
    mov ah, 0x10
    call wait_master_irr
    pop edx
    pop eax
    ret

req_irq8:                           ; RTC periodic interrupt
    push eax
    push ecx
    mov al, 0x0C
    out RTC_INDEX, al
    in al, RTC_DATA                 ; clear old flags
    mov al, 0x0B
    out RTC_INDEX, al
    in al, RTC_DATA
    or al, 0x40                     ; PIE
    mov ah, al
    mov al, 0x0B
    out RTC_INDEX, al
    mov al, ah
    out RTC_DATA, al
    mov ecx, 10000000
.poll:
    pic_irr PIC2
    test al, 0x01
    jnz .done
    dec ecx
    jnz .poll
.done:
    pop ecx
    pop eax
    ret

; wait_master_irr: AH = IRR bit(s) to wait for (bounded).
wait_master_irr:
    push ecx
    mov ecx, 10000000
.poll:
    pic_irr PIC1
    and al, ah
    cmp al, ah
    je .done
    dec ecx
    jnz .poll
.done:
    pop ecx
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

quiet_rtc:                          ; PIE off, read register C (lowers IRQ8)
    push eax
    mov al, 0x0B
    out RTC_INDEX, al
    in al, RTC_DATA
    and al, ~0x40
    mov ah, al
    mov al, 0x0B
    out RTC_INDEX, al
    mov al, ah
    out RTC_DATA, al
    mov al, 0x0C
    out RTC_INDEX, al
    in al, RTC_DATA
    pop eax
    ret

; take: clear the log, STI, wait ~3 ms, CLI. take_more: the same, keeping
; the log.
take:
    mov dword [log_len], 0
take_more:
    push ecx
    sti
    mov ecx, 3
    call pit_wait_ms
    cli
    pop ecx
    ret

; poll_master: OCW3 poll on the master, print the byte read.
poll_master:
    mov al, OCW3_POLL
    out PIC1, al
    in al, PIC1
    print_hex8 al
    ret

print_isrs:                         ; "mm/ss": master and slave ISR
    pic_isr PIC1
    print_hex8 al
    print "/"
    pic_isr PIC2
    print_hex8 al
    ret

; print_log: "vv isr=mm/ss irr=ii" per logged interrupt, comma-separated.
print_log:
    push ebx
    xor ebx, ebx
.next:
    cmp ebx, [log_len]
    jae .done
    test ebx, ebx
    jz .first
    print ", "
.first:
    print_hex8 [log + ebx * 4]
    print " isr="
    print_hex8 [log + ebx * 4 + 1]
    print "/"
    print_hex8 [log + ebx * 4 + 2]
    print " irr="
    print_hex8 [log + ebx * 4 + 3]
    inc ebx
    jmp .next
.done:
    pop ebx
    ret

; --- handlers --------------------------------------------------------------
%assign v 0
%rep 16
irq_stub_ %+ v:
    push dword v
    jmp irq_common
%assign v v + 1
%endrep

irq_common:
    push eax
    push ebx
    push ecx
    mov ecx, [esp + 12]             ; IRQ number
    mov ebx, [log_len]
    cmp ebx, 16
    jae .logged
    lea eax, [ecx + VEC_MASTER]
    mov [log + ebx * 4], al
    pic_isr PIC1
    mov [log + ebx * 4 + 1], al
    pic_isr PIC2
    mov [log + ebx * 4 + 2], al
    pic_irr PIC1
    and al, 0x15
    mov [log + ebx * 4 + 3], al
    inc dword [log_len]
.logged:
    cmp ecx, 4
    jne .not4
    call quiet_uart
.not4:
    cmp ecx, 8
    jne .not8
    call quiet_rtc
.not8:
    cmp ecx, 8
    jae .slave
    bt dword [no_eoi], ecx
    jc .out
    mov al, cl
    or al, OCW2_SEOI
    out PIC1, al
    jmp .out
.slave:
    mov al, cl
    sub al, 8
    or al, OCW2_SEOI
    out PIC2, al
    mov al, OCW2_SEOI | 2
    out PIC1, al
.out:
    pop ecx
    pop ebx
    pop eax
    add esp, 4
    iret

section .bss
log_len:    resd 1
seen:       resb 8
log:        resb 64
no_eoi:     resd 1                  ; bit n set: IRQn (n < 8) gets no EOI
