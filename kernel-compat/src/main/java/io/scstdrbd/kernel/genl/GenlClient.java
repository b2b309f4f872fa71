package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;

/**
 * One netlink socket as the bus sees it: a drbdsetup process connected through the Unix-socket
 * transport, or an in-process client in tests.
 *
 * <p>Threading: {@link #deliver} is called from any thread (the client's own request thread for
 * replies, a state-change thread for multicast events) and must not block for long; the
 * transport queues the message and writes it on its own thread. Messages handed to one client
 * arrive in the order {@code deliver} was called. Ownership: the buffer passes to the client.
 */
public interface GenlClient {

    /** True if the peer may run administrative operations (root, like CAP_NET_ADMIN). */
    boolean privileged();

    /**
     * Queues one complete netlink message for the client.
     *
     * @param multicast true for events: a client that cannot keep up loses them (like the
     *                  kernel's ENOBUFS) instead of stalling the sender
     * @return false if the message was dropped (client gone or overrun)
     */
    boolean deliver(ByteBuffer message, boolean multicast);

    /** A short name for logs, e.g. {@code "genl#3 pid 1234"}. */
    String describe();
}
