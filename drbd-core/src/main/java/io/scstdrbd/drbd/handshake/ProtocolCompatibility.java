package io.scstdrbd.drbd.handshake;

import io.scstdrbd.drbd.sync.uuid.AfterSbPolicy;
import io.scstdrbd.drbd.wire.ProtocolParams;
import io.scstdrbd.drbd.wire.WireConstants;

/**
 * The compatibility check of the peer's P_PROTOCOL against this node's net options (drbd.md §5.1).
 * Any mismatch refuses the connection with a message that names the setting.
 */
public final class ProtocolCompatibility {
    private ProtocolCompatibility() {
    }

    /** Returns null if compatible, otherwise what does not match. */
    public static String check(ProtocolParams mine, ProtocolParams peer) {
        if (mine.wireProtocol() != peer.wireProtocol()) {
            return "incompatible communication protocols (" + name(mine.wireProtocol()) + " here, "
                    + name(peer.wireProtocol()) + " on the peer)";
        }
        if (!policyMatches(mine.afterSb0p(), peer.afterSb0p())) {
            return "incompatible after-sb-0pri settings";
        }
        if (!policyMatches(mine.afterSb1p(), peer.afterSb1p())) {
            return "incompatible after-sb-1pri settings";
        }
        if (!policyMatches(mine.afterSb2p(), peer.afterSb2p())) {
            return "incompatible after-sb-2pri settings";
        }
        if ((mine.connFlags() & WireConstants.CF_DISCARD_MY_DATA) != 0
                && (peer.connFlags() & WireConstants.CF_DISCARD_MY_DATA) != 0) {
            return "incompatible discard-my-data settings (both sides want to discard their data)";
        }
        if (mine.twoPrimaries() != peer.twoPrimaries()) {
            return "incompatible allow-two-primaries settings";
        }
        if (!mine.integrityAlg().equals(peer.integrityAlg())) {
            return "incompatible data-integrity-alg settings ('" + mine.integrityAlg() + "' here, '"
                    + peer.integrityAlg() + "' on the peer)";
        }
        return null;
    }

    private static boolean policyMatches(int mine, int peers) {
        try {
            return AfterSbPolicy.fromCode(peers).mirrored().code() == mine;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String name(int p) {
        return p >= 1 && p <= 3 ? String.valueOf((char) ('A' + p - 1)) : String.valueOf(p);
    }
}
