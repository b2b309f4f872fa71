package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.replication.WireProtocol;
import io.scstdrbd.drbd.sync.uuid.AfterSbPolicy;

/**
 * The net options of one connection (drbd.conf {@code net} section, netlink NET_CONF), in the
 * units drbdsetup uses: seconds for connect-int and ping-int, tenths of a second for timeout,
 * ping-timeout and sock-check-timeo.
 */
public record NetConfig(String name, WireProtocol protocol, String cramHmacAlg, String sharedSecret,
        String integrityAlg, String verifyAlg, String csumsAlg, int connectInt, int timeout, int pingInt,
        int pingTimeout, int koCount, int maxEpochSize, int maxBuffers, AfterSbPolicy afterSb0p,
        AfterSbPolicy afterSb1p, AfterSbPolicy afterSb2p, AfterSbPolicy rrConflict, boolean twoPrimaries,
        boolean alwaysAsbp, boolean useRle, int sockCheckTimeo, int maxProtocol, boolean fencing) {

    public static NetConfig defaults(String peerName) {
        return new NetConfig(peerName, WireProtocol.C, "", "", "", "", "", 10, 60, 10, 5, 7, 2048, 2048,
                AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCONNECT,
                false, false, true, 0, 121, false);
    }

    public NetConfig {
        cramHmacAlg = cramHmacAlg == null ? "" : cramHmacAlg;
        sharedSecret = sharedSecret == null ? "" : sharedSecret;
        integrityAlg = integrityAlg == null ? "" : integrityAlg;
        verifyAlg = verifyAlg == null ? "" : verifyAlg;
        csumsAlg = csumsAlg == null ? "" : csumsAlg;
    }

    public NetConfig withProtocol(WireProtocol p) {
        return new NetConfig(name, p, cramHmacAlg, sharedSecret, integrityAlg, verifyAlg, csumsAlg, connectInt, timeout,
                pingInt, pingTimeout, koCount, maxEpochSize, maxBuffers, afterSb0p, afterSb1p, afterSb2p, rrConflict,
                twoPrimaries, alwaysAsbp, useRle, sockCheckTimeo, maxProtocol, fencing);
    }

    public NetConfig withAuth(String alg, String secret) {
        return new NetConfig(name, protocol, alg, secret, integrityAlg, verifyAlg, csumsAlg, connectInt, timeout,
                pingInt, pingTimeout, koCount, maxEpochSize, maxBuffers, afterSb0p, afterSb1p, afterSb2p, rrConflict,
                twoPrimaries, alwaysAsbp, useRle, sockCheckTimeo, maxProtocol, fencing);
    }

    public NetConfig withAlgorithms(String integrity, String verify, String csums) {
        return new NetConfig(name, protocol, cramHmacAlg, sharedSecret, integrity, verify, csums, connectInt, timeout,
                pingInt, pingTimeout, koCount, maxEpochSize, maxBuffers, afterSb0p, afterSb1p, afterSb2p, rrConflict,
                twoPrimaries, alwaysAsbp, useRle, sockCheckTimeo, maxProtocol, fencing);
    }

    public NetConfig withTimers(int connectIntSeconds, int pingIntSeconds, int pingTimeoutTenths, int timeoutTenths,
            int ko) {
        return new NetConfig(name, protocol, cramHmacAlg, sharedSecret, integrityAlg, verifyAlg, csumsAlg,
                connectIntSeconds, timeoutTenths, pingIntSeconds, pingTimeoutTenths, ko, maxEpochSize, maxBuffers,
                afterSb0p, afterSb1p, afterSb2p, rrConflict, twoPrimaries, alwaysAsbp, useRle, sockCheckTimeo,
                maxProtocol, fencing);
    }

    public NetConfig withSplitBrain(AfterSbPolicy p0, AfterSbPolicy p1, AfterSbPolicy p2, AfterSbPolicy rr,
            boolean twoPri) {
        return new NetConfig(name, protocol, cramHmacAlg, sharedSecret, integrityAlg, verifyAlg, csumsAlg, connectInt,
                timeout, pingInt, pingTimeout, koCount, maxEpochSize, maxBuffers, p0, p1, p2, rr, twoPri, alwaysAsbp,
                useRle, sockCheckTimeo, maxProtocol, fencing);
    }

    public NetConfig withMaxProtocol(int max, boolean rle) {
        return new NetConfig(name, protocol, cramHmacAlg, sharedSecret, integrityAlg, verifyAlg, csumsAlg, connectInt,
                timeout, pingInt, pingTimeout, koCount, maxEpochSize, maxBuffers, afterSb0p, afterSb1p, afterSb2p,
                rrConflict, twoPrimaries, alwaysAsbp, rle, sockCheckTimeo, max, fencing);
    }

    /**
     * fencing resource-only or stronger, or quorum enabled: the engine outdates the Secondary on a
     * graceful disconnect (the kernel's outdate_on_disconnect).
     */
    public NetConfig withFencing(boolean f) {
        return new NetConfig(name, protocol, cramHmacAlg, sharedSecret, integrityAlg, verifyAlg, csumsAlg, connectInt,
                timeout, pingInt, pingTimeout, koCount, maxEpochSize, maxBuffers, afterSb0p, afterSb1p, afterSb2p,
                rrConflict, twoPrimaries, alwaysAsbp, useRle, sockCheckTimeo, maxProtocol, f);
    }

    public boolean authenticates() {
        return !cramHmacAlg.isEmpty();
    }
}
