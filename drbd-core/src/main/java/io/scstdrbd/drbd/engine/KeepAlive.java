package io.scstdrbd.drbd.engine;

import io.netty.util.concurrent.ScheduledFuture;
import io.scstdrbd.drbd.state.ConnState;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.Payload;
import io.scstdrbd.drbd.wire.WireConstants;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * P_PING and P_PING_ACK on the meta socket: the keep-alive (a ping after ping-int of silence, the
 * connection lost when its ack takes longer than ping-timeout or a write stays unacknowledged for
 * timeout x ko-count), and meta round trips that run an action once the peer has processed
 * everything sent on the meta socket before it.
 *
 * <p>Threading: on the resource loop, like everything in the engine.
 */
final class KeepAlive {
    private final PeerConnection conn;
    private final ResourceEngine res;
    private final ArrayDeque<long[]> metaWaiterTargets = new ArrayDeque<>();
    private final ArrayDeque<Runnable> metaWaiters = new ArrayDeque<>();
    private ScheduledFuture<?> keepAliveTimer;
    private long lastMetaRxNanos;
    private long pingSentNanos;
    private long pingsSent;
    private long pingAcks;

    KeepAlive(PeerConnection conn) {
        this.conn = conn;
        this.res = conn.resource();
    }

    void start() {
        lastMetaRxNanos = System.nanoTime();
        pingSentNanos = 0;
        final int gen = conn.generation();
        long tickMs = Math.max(100, Math.min(conn.net().pingTimeout() * 100L, 1000));
        keepAliveTimer = res.loop().scheduleAtFixedRate(() -> {
            if (gen != conn.generation() || conn.metaWriter() == null) {
                return;
            }
            tick();
        }, tickMs, tickMs, TimeUnit.MILLISECONDS);
    }

    /** Stops the keep-alive timer (the connection is going down). */
    void stop() {
        if (keepAliveTimer != null) {
            keepAliveTimer.cancel(false);
        }
        keepAliveTimer = null;
    }

    /** Forgets pings and round trips of the connection that went down. */
    void reset() {
        pingsSent = 0;
        pingAcks = 0;
        metaWaiters.clear();
        metaWaiterTargets.clear();
    }

    /** Something arrived on the meta socket. */
    void metaReceived() {
        lastMetaRxNanos = System.nanoTime();
    }

    void onPingAck() {
        pingSentNanos = 0;
        pingAcks++;
        runMetaWaiters();
    }

    /**
     * Runs {@code r} once the peer has processed everything sent on the meta socket so far: a
     * P_PING is sent and {@code r} runs at its P_PING_ACK. A kernel peer handles the meta socket
     * in another thread than the data socket, so e.g. the P_STATE that ends a resync must not
     * overtake the last P_RS_WRITE_ACK.
     */
    void afterMetaRoundTrip(Runnable r) {
        if (conn.metaWriter() == null) {
            return;
        }
        conn.metaWriter().send(PacketType.PING, WireConstants.VOLUME_CONNECTION, Payload.EMPTY);
        pingsSent++;
        if (pingSentNanos == 0) {
            pingSentNanos = System.nanoTime();
        }
        metaWaiterTargets.add(new long[] {pingsSent});
        metaWaiters.add(r);
    }

    private void runMetaWaiters() {
        while (!metaWaiters.isEmpty() && metaWaiterTargets.peek()[0] <= pingAcks) {
            metaWaiterTargets.poll();
            metaWaiters.poll().run();
        }
    }

    private void tick() {
        long now = System.nanoTime();
        long pingTimeoutNs = conn.net().pingTimeout() * 100_000_000L;
        if (pingSentNanos != 0 && now - pingSentNanos > pingTimeoutNs) {
            conn.connectionLost(ConnState.NETWORK_FAILURE, "PingAck did not arrive in time");
            return;
        }
        if (pingSentNanos == 0 && now - lastMetaRxNanos > conn.net().pingInt() * 1_000_000_000L) {
            pingSentNanos = now;
            pingsSent++;
            conn.metaWriter().send(PacketType.PING, WireConstants.VOLUME_CONNECTION, Payload.EMPTY);
        }
        long koNs = (long) conn.net().timeout() * conn.net().koCount() * 100_000_000L;
        for (PeerDevice pd : conn.devicesView()) {
            long age = pd.oldestUnackedAge(now);
            if (age > koNs && koNs > 0) {
                // the kernel's words, with its figures
                conn.connectionLost(ConnState.TIMEOUT, "Remote failed to finish a request within " + age / 1_000_000
                        + "ms > ko-count (" + conn.net().koCount() + ") * timeout (" + conn.net().timeout()
                        + " * 0.1s)");
                return;
            }
        }
    }
}
