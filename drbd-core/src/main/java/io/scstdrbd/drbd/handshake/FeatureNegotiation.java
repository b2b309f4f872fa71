package io.scstdrbd.drbd.handshake;

import io.scstdrbd.drbd.wire.ConnectionFeatures;
import io.scstdrbd.drbd.wire.WireConstants;

/**
 * The version and feature agreement of P_CONNECTION_FEATURES (drbd.md §6). Both sides compute the
 * same result from the two packets.
 */
public final class FeatureNegotiation {
    private FeatureNegotiation() {
    }

    /** The result: either an agreed version and feature set, or the reason for refusing the peer. */
    public record Result(int agreedVersion, int agreedFeatures, String refusal) {
        public boolean ok() {
            return refusal == null;
        }

        public boolean isDialect9() {
            return agreedVersion >= WireConstants.PRO_VERSION_9;
        }
    }

    /**
     * @param mine       what this node sent
     * @param peer       what the peer sent
     * @param myNodeId   this node's id
     * @param peerNodeId the configured id of the peer
     */
    public static Result negotiate(ConnectionFeatures mine, ConnectionFeatures peer, int myNodeId, int peerNodeId) {
        int peerMax = peer.effectiveMax();
        int myMax = mine.effectiveMax();
        if (myMax < peer.protocolMin() || mine.protocolMin() > peerMax) {
            return refuse("incompatible DRBD dialects: I support " + mine.protocolMin() + "-" + myMax + ", peer supports "
                    + peer.protocolMin() + "-" + peerMax);
        }
        if (peerMax > 101 && peerMax < 118) {
            return refuse("incompatible DRBD 9 dialects: peer's maximum protocol " + peerMax + " lies in 102-117");
        }
        int agreed = Math.min(myMax, peerMax);
        if (agreed > 101 && agreed < 118) {
            return refuse("agreed protocol " + agreed + " lies in the gap 102-117 this node does not speak");
        }
        int features = mine.featureFlags() & peer.featureFlags();
        if (agreed == 121 && (features & WireConstants.FF_RESYNC_DAGTAG) != 0) {
            return refuse("protocol 121 with resync dagtags is refused");
        }
        if (agreed >= WireConstants.PRO_VERSION_9) {
            if (peer.senderNodeId() != peerNodeId) {
                return refuse("peer presents node id " + peer.senderNodeId() + ", configured is " + peerNodeId);
            }
            if (peer.receiverNodeId() != myNodeId) {
                return refuse("peer expects node id " + peer.receiverNodeId() + ", mine is " + myNodeId);
            }
        }
        return new Result(agreed, features, null);
    }

    private static Result refuse(String why) {
        return new Result(0, 0, why);
    }
}
