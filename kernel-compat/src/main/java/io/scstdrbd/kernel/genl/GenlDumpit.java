package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Handles a dump request: emits one message per object (built with {@link GenlRequest#dumpPart})
 * to {@code out}; the bus appends NLMSG_DONE when the method returns. Every object is emitted,
 * whatever the size, so a dump is always complete. Threading as {@link GenlDoit}.
 */
@FunctionalInterface
public interface GenlDumpit {
    /** @throws GenlException to end the dump with an NLMSG_DONE carrying {@code -errno} */
    void dumpit(GenlRequest request, Consumer<ByteBuffer> out) throws GenlException;
}
