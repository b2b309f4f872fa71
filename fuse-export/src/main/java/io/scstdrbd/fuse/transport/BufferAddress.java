package io.scstdrbd.fuse.transport;

import io.scstdrbd.kernel.libc.NativeMemory;
import java.lang.reflect.Field;
import java.nio.Buffer;
import java.nio.ByteBuffer;

/**
 * Native address of a direct buffer's first byte. Reads {@code Buffer.address} through Unsafe
 * (a field read, no JNI call: this runs twice per reply); falls back to jffi when Unsafe is not
 * usable.
 */
final class BufferAddress {
    private static final sun.misc.Unsafe UNSAFE;
    private static final long ADDRESS_OFFSET;

    static {
        sun.misc.Unsafe u = null;
        long off = -1;
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            u = (sun.misc.Unsafe) f.get(null);
            off = u.objectFieldOffset(Buffer.class.getDeclaredField("address"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            u = null;
        }
        UNSAFE = u;
        ADDRESS_OFFSET = off;
    }

    private BufferAddress() {
    }

    static long of(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("FUSE I/O needs direct buffers");
        }
        return UNSAFE != null ? UNSAFE.getLong(direct, ADDRESS_OFFSET) : NativeMemory.address(direct);
    }
}
