package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;

/**
 * A received request for a family's operation, as handed to its {@link GenlDoit} or
 * {@link GenlDumpit}. Buffers are read-only views of the received message.
 */
public final class GenlRequest {
    private final GenlFamily family;
    private final NetlinkHeader header;
    private final int cmd;
    private final int version;
    private final ByteBuffer userHeader;
    private final ByteBuffer attributes;
    private final GenlClient client;
    private NlAttrs parsed;

    GenlRequest(GenlFamily family, NetlinkHeader header, int cmd, int version, ByteBuffer userHeader,
            ByteBuffer attributes, GenlClient client) {
        this.family = family;
        this.header = header;
        this.cmd = cmd;
        this.version = version;
        this.userHeader = userHeader;
        this.attributes = attributes;
        this.client = client;
    }

    public GenlFamily family() {
        return family;
    }

    public NetlinkHeader header() {
        return header;
    }

    public int cmd() {
        return cmd;
    }

    public int version() {
        return version;
    }

    /** The family's fixed header (hdrsize bytes, host order). */
    public ByteBuffer userHeader() {
        return userHeader.duplicate().order(NetlinkHeader.ORDER);
    }

    /** The raw attribute bytes after the user header. */
    public ByteBuffer attributeBytes() {
        return attributes.duplicate().order(NetlinkHeader.ORDER);
    }

    /** The top-level attributes; EINVAL if they are malformed. */
    public NlAttrs attrs() throws GenlException {
        if (parsed == null) {
            parsed = NlAttrs.parse(attributes);
        }
        return parsed;
    }

    public GenlClient client() {
        return client;
    }

    /** A builder for the doit reply: same family, flags 0, the request's seq and port id. */
    public GenlMessageBuilder reply(int replyCmd) {
        return new GenlMessageBuilder(family.id(), 0, header.seq(), header.portId(), replyCmd, family.version(),
                family.headerSize());
    }

    /** A builder for one part of a dump reply (NLM_F_MULTI, the request's seq and port id). */
    public GenlMessageBuilder dumpPart(int replyCmd) {
        return new GenlMessageBuilder(family.id(), NetlinkHeader.NLM_F_MULTI, header.seq(), header.portId(),
                replyCmd, family.version(), family.headerSize());
    }
}
