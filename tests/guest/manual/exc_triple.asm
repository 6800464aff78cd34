; exc_triple: with an IDT whose limit is 0, INT3 cannot be delivered (#GP),
; nor can the #GP, nor the #DF: a triple fault. Under QEMU with -no-reboot
; the VM shuts down and the process exits with status 0; bt86 stops with
; status 2 and a message on stderr. The statuses differ, so this guest is
; not in the shared runner; the line below is what bt86 must give.
; expect-exit: 2
; expect: before

%include "guest.inc"
%include "idt.inc"

main:
    call setup_gdt
    println "before"
    lidt [null_idtr]
    int3
    println "after"
    exit 0

section .data
null_idtr:
    dw 0
    dd 0
