package io.scstdrbd.drbd.netlink;

/**
 * One field of a DRBD netlink struct.
 *
 * @param number       attribute number inside its TLA (1-based)
 * @param name         the name used in drbd_genl.h (for messages)
 * @param type         payload encoding
 * @param flags        {@link #MANDATORY}, {@link #REQUIRED}, {@link #INVARIANT}, {@link #SENSITIVE}
 * @param defaultValue value when not given (Boolean, Long or String/byte[]); null = no default
 * @param maxLength    for strings and binaries, the largest accepted length in bytes
 */
public record Field(int number, String name, FieldType type, int flags, Object defaultValue, int maxLength) {
    /** drbd-utils send the field with 0x4000; an unknown mandatory field is an error. */
    public static final int MANDATORY = 1;
    /** Must be present in requests that create the object. */
    public static final int REQUIRED = 2;
    /** Cannot be changed once set (the CHG_* commands refuse it). */
    public static final int INVARIANT = 4;
    /** Not shown to unprivileged readers (shared secrets). */
    public static final int SENSITIVE = 8;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    static Field flag(int n, String name, int flags, boolean def) {
        return new Field(n, name, FieldType.FLAG, flags, def, 1);
    }

    static Field u32(int n, String name, int flags, Long def) {
        return new Field(n, name, FieldType.U32, flags, def, 4);
    }

    static Field s32(int n, String name, int flags, Long def) {
        return new Field(n, name, FieldType.S32, flags, def, 4);
    }

    static Field u64(int n, String name, int flags, Long def) {
        return new Field(n, name, FieldType.U64, flags, def, 8);
    }

    static Field str(int n, String name, int flags, String def, int max) {
        return new Field(n, name, FieldType.STRING, flags, def, max);
    }

    static Field bin(int n, String name, int flags, int max) {
        return new Field(n, name, FieldType.BINARY, flags, null, max);
    }
}
