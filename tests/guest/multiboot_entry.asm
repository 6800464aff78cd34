; multiboot_entry: the machine state a Multiboot v1 loader hands over. EAX
; holds the loader magic, EBX the info block with valid memory fields
; (mem_lower about 640 KiB, mem_upper about 127 MiB for -m 128), and CR0 has
; PE set and PG clear. Exact mem_* values differ between loaders (QEMU
; reports 639 / 129920), so they are matched by range.
; expect-exit: 1
; expect: magic=2badb002
; expect: flags.mem=1
; expect-match: mem_lower=6[0-9][0-9] KiB
; expect-match: mem_upper=1(2[6-9]|30)[0-9]{3} KiB
; expect: cr0.pe=1 cr0.pg=0

%include "guest.inc"

main:
    print "magic="
    print_hex32 eax
    call newline

    print "flags.mem="
    mov eax, [ebx]
    and eax, 1
    print_dec eax
    call newline

    print "mem_lower="
    print_dec [ebx + 4]
    println " KiB"
    print "mem_upper="
    print_dec [ebx + 8]
    println " KiB"

    mov eax, cr0
    mov edx, eax
    and eax, 1
    shr edx, 31
    print "cr0.pe="
    print_dec eax
    print " cr0.pg="
    print_dec edx
    call newline
    exit 0
