package io.scstdrbd.drbd.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.scstdrbd.drbd.wire.HeaderCodec;
import io.scstdrbd.drbd.wire.HeaderFormat;
import io.scstdrbd.drbd.wire.PacketHeader;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.ProtocolException;
import java.util.List;

/**
 * Cuts the byte stream of one socket into {@link Frame}s. Every header is checked before its
 * payload is buffered: the magic, the header layout (h80 only for the first packets and
 * P_CONNECTION_FEATURES, h100 for everything else, never h95), a known command, and a declared
 * length within that command's bounds. Unknown commands from {@code P_MAY_IGNORE} (0x100) on are
 * skipped. A violation raises a {@link DecoderException} wrapping a {@link ProtocolException}.
 */
public final class PacketFrameDecoder extends ByteToMessageDecoder {
    /** Largest payload of an ignorable unknown command that is skipped rather than refused. */
    static final long MAX_IGNORED_LENGTH = 1 << 20;

    /** Up to this many buffered bytes a partial packet is copied together; beyond, read buffers are chained. */
    static final int MERGE_LIMIT = 64 * 1024;

    /**
     * Small packets split across reads are merged into one buffer as usual; a large one (data up
     * to 1 MiB) is gathered as a chain of the read buffers instead, so its bytes are not copied
     * (and the buffer reallocated) several times before the packet is complete.
     */
    static final Cumulator SIZE_AWARE = (alloc, cumulation, in) ->
            cumulation.readableBytes() + in.readableBytes() <= MERGE_LIMIT
                    ? MERGE_CUMULATOR.cumulate(alloc, cumulation, in)
                    : COMPOSITE_CUMULATOR.cumulate(alloc, cumulation, in);

    public PacketFrameDecoder() {
        setCumulator(SIZE_AWARE);
    }

    private PacketHeader pending;
    private PacketType pendingType;
    private long skipping;
    private boolean failed;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes()); // the stream is unusable after an error; the socket is closing
            return;
        }
        try {
            decodeFrames(in, out);
        } catch (DecoderException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            throw e;
        }
    }

    private void decodeFrames(ByteBuf in, List<Object> out) {
        while (true) {
            if (skipping > 0) {
                int n = (int) Math.min(skipping, in.readableBytes());
                in.skipBytes(n);
                skipping -= n;
                if (skipping > 0) {
                    return;
                }
            }
            if (pending == null) {
                if (in.readableBytes() < HeaderCodec.MAGIC_PEEK) {
                    return;
                }
                HeaderFormat f = HeaderCodec.peekFormat(in);
                if (f == null) {
                    throw error("bad magic 0x" + Integer.toHexString(in.getInt(in.readerIndex())));
                }
                if (f == HeaderFormat.H95) {
                    throw error("h95 header, but no protocol 95-99 is ever agreed");
                }
                if (in.readableBytes() < f.size()) {
                    return;
                }
                PacketHeader h;
                try {
                    h = HeaderCodec.read(in, f);
                } catch (ProtocolException e) {
                    throw new DecoderException(e);
                }
                PacketType t = PacketType.fromCode(h.command());
                if (t == null) {
                    if (h.command() >= PacketType.MAY_IGNORE && h.length() <= MAX_IGNORED_LENGTH) {
                        skipping = h.length();
                        continue;
                    }
                    throw error("unknown packet command 0x" + Integer.toHexString(h.command()));
                }
                boolean early = t == PacketType.INITIAL_DATA || t == PacketType.INITIAL_META
                        || t == PacketType.CONNECTION_FEATURES;
                if (early != (f == HeaderFormat.H80)) {
                    throw error(t + " with a " + f + " header");
                }
                if (h.length() < t.minLength() || h.length() > t.maxLength()) {
                    throw error(t + " declares " + h.length() + " payload bytes (allowed " + t.minLength() + ".."
                            + t.maxLength() + ")");
                }
                pending = h;
                pendingType = t;
            }
            int len = (int) pending.length();
            if (in.readableBytes() < len) {
                return;
            }
            out.add(new Frame(pendingType, pending.volume(), in.readRetainedSlice(len)));
            pending = null;
            pendingType = null;
        }
    }

    private static DecoderException error(String msg) {
        return new DecoderException(new ProtocolException(msg));
    }
}
