package io.scstdrbd.drbd.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.scstdrbd.drbd.wire.HeaderFormat;
import io.scstdrbd.drbd.wire.PacketCodec;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.Payload;

/**
 * Writes packets to one socket. Writes are queued without flushing; a flush is scheduled once per
 * burst on the socket's event loop (explicit flushing after each batch, never a wait for more
 * data). Thread-safe: writes may come from any thread and keep their order. A writer must be the
 * only one writing to its channel after the first packet (flush bookkeeping is per writer).
 */
public final class PacketWriter {
    private final Channel ch;
    /** Only touched on the channel's event loop. */
    private boolean flushScheduled;
    private volatile HeaderFormat format = HeaderFormat.H80;
    private final Runnable flushTask = this::doFlush;

    public PacketWriter(Channel ch) {
        this.ch = ch;
    }

    public Channel channel() {
        return ch;
    }

    /** Switches to the h100 header once the features exchange is done. */
    public void useFormat(HeaderFormat f) {
        this.format = f;
    }

    /** Writes a packet without data. */
    public ChannelFuture send(PacketType type, int volume, Payload payload) {
        return send(type, volume, payload, null, ch.newPromise());
    }

    /** Writes a packet whose data bytes follow its payload; the writer takes ownership of {@code data}. */
    public ChannelFuture send(PacketType type, int volume, Payload payload, ByteBuf data, ChannelPromise promise) {
        HeaderFormat f = type == PacketType.CONNECTION_FEATURES || type == PacketType.INITIAL_DATA
                || type == PacketType.INITIAL_META ? HeaderFormat.H80 : format;
        int dlen = data == null ? 0 : data.readableBytes();
        ByteBuf head = PacketCodec.encodeHead(ch.alloc(), f, type, volume, payload, dlen);
        if (ch.eventLoop().inEventLoop()) {
            writeOnLoop(head, data, promise);
        } else {
            // the write and the decision to flush must both happen on the channel's loop: a flush task
            // queued from here could otherwise run before a write queued after it
            try {
                ch.eventLoop().execute(() -> writeOnLoop(head, data, promise));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                head.release();
                if (data != null) {
                    data.release();
                }
                promise.tryFailure(e);
            }
        }
        return promise;
    }

    private void writeOnLoop(ByteBuf head, ByteBuf data, ChannelPromise promise) {
        if (data == null) {
            ch.write(head, promise);
        } else {
            ch.write(head, ch.voidPromise());
            ch.write(data, promise);
        }
        if (!flushScheduled) {
            flushScheduled = true;
            ch.eventLoop().execute(flushTask);
        }
    }

    private void doFlush() {
        flushScheduled = false;
        ch.flush();
    }

    /**
     * Closes the socket after everything written so far has been flushed (a plain close from another
     * thread could overtake queued writes).
     */
    public void flushAndClose() {
        ch.eventLoop().execute(() -> {
            ch.flush();
            ch.close();
        });
    }

    /** Whether the socket's outbound buffer is below its high-water mark. */
    public boolean isWritable() {
        return ch.isWritable();
    }
}
