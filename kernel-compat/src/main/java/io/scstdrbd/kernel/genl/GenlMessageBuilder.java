package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;

/**
 * Builds one outgoing generic-netlink message: {@code nlmsghdr}, {@code genlmsghdr}, the
 * family's fixed user header, then attributes. {@link #finish} patches {@code nlmsg_len} and
 * returns the message. Not thread-safe; one builder per message.
 */
public final class GenlMessageBuilder extends NlAttrWriter {
    public static final int GENL_HDRLEN = 4;

    private final int userHeaderAt;
    private final int userHeaderSize;
    private final int type;
    private final int flags;
    private final int seq;
    private final int portId;
    private boolean finished;

    /**
     * @param type           family id (nlmsg_type)
     * @param flags          NLM_F_* flags of this message
     * @param seq            sequence number (the request's, or an event counter)
     * @param portId         the requester's port id, 0 for events
     * @param cmd            genl command
     * @param version        genl version byte
     * @param userHeaderSize the family's fixed header size (hdrsize), zero-filled until set
     */
    public GenlMessageBuilder(int type, int flags, int seq, int portId, int cmd, int version, int userHeaderSize) {
        this.type = type;
        this.flags = flags;
        this.seq = seq;
        this.portId = portId;
        reserve(NetlinkHeader.SIZE);
        int g = reserve(GENL_HDRLEN);
        putRawU8(g, cmd);
        putRawU8(g + 1, version);
        this.userHeaderSize = userHeaderSize;
        this.userHeaderAt = reserve(NetlinkHeader.align(userHeaderSize));
    }

    /** Sets a 32-bit field of the user header (e.g. DRBD's minor and ret_code). */
    public GenlMessageBuilder userHeaderU32(int offset, int value) {
        if (offset < 0 || offset + 4 > userHeaderSize) {
            throw new IllegalArgumentException("user header offset " + offset);
        }
        putRawU32(userHeaderAt + offset, value);
        return this;
    }

    /** Completes the message; the builder cannot be used afterwards. */
    public ByteBuffer finish() {
        if (finished) {
            throw new IllegalStateException("message already finished");
        }
        finished = true;
        byte[] b = toByteArray();
        ByteBuffer out = ByteBuffer.wrap(b).order(NetlinkHeader.ORDER);
        new NetlinkHeader(b.length, type, flags, seq, portId).write(out, 0);
        return out;
    }
}
