package io.scstdrbd.drbd.engine;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code drbdsetup status --verbose --statistics} shows in flight for one peer device, counted
 * as the kernel counts them. {@code pending} (ap_pending_cnt + rs_pending_cnt): requests sent to
 * the peer that wait for its answer, i.e. application writes under protocol B or C until acked,
 * reads until answered, resync and verify requests until answered, resync data and verify replies
 * until the peer confirms them. {@code unacked} (unacked_cnt): the peer's requests this node has not
 * answered yet.
 *
 * <p>Counts belong to one connection: {@link #reset} starts them afresh when it ends, and callers
 * count an answer only while the request's connection is the current one. Never below zero.
 *
 * <p>Threading: written on the resource loop only; read by status readers on any thread.
 */
final class InFlight {
    private static final Logger LOG = LoggerFactory.getLogger(InFlight.class);
    private volatile int pending;
    private volatile int unacked;
    /** An answer without a request was counted once: said in the log once, not per packet. */
    private boolean underflowLogged;

    /** A request to the peer that waits for its answer was sent. */
    void sent() {
        pending++;
    }

    /** The peer answered a request counted by {@link #sent}. */
    void answered() {
        if (pending > 0) {
            pending--;
        } else {
            underflow("pending");
        }
    }

    /** A request of the peer that this node must answer arrived. */
    void received() {
        unacked++;
    }

    /** This node answered a request counted by {@link #received}. */
    void replied() {
        if (unacked > 0) {
            unacked--;
        } else {
            underflow("unacked");
        }
    }

    private void underflow(String which) {
        if (!underflowLogged) {
            underflowLogged = true;
            LOG.warn("in-flight accounting: {} would go below 0 (an answer counted twice); status may show too few",
                    which);
        }
    }

    /** The connection is gone: nothing is in flight on it any more. */
    void reset() {
        pending = 0;
        unacked = 0;
    }

    int pending() {
        return pending;
    }

    int unacked() {
        return unacked;
    }
}
