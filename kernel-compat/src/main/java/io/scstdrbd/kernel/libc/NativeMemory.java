package io.scstdrbd.kernel.libc;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;

/** Native addresses of direct buffers and raw memory writes for syscall argument structs. */
public final class NativeMemory {
    private static final MemoryIO IO = MemoryIO.getInstance();

    private NativeMemory() {
    }

    /** Address of a direct buffer's first byte (index 0, not its position). */
    public static long address(ByteBuffer direct) {
        if (!direct.isDirect()) {
            throw new IllegalArgumentException("not a direct buffer");
        }
        return IO.getDirectBufferAddress(direct);
    }

    public static void putLong(long address, long value) {
        IO.putLong(address, value);
    }

    public static long getLong(long address) {
        return IO.getLong(address);
    }
}
