package io.scstdrbd.drbd.netlink;

/** Payload encodings of the fields of DRBD's netlink structs (genl_magic_struct.h). */
public enum FieldType {
    /** One byte, 0 or 1 (DRBD sends flags as u8). */
    FLAG,
    U32,
    S32,
    U64,
    /** NUL-terminated text, at most {@code maxLength} bytes. */
    STRING,
    /** Raw bytes, at most {@code maxLength}. */
    BINARY
}
