package io.scstdrbd.drbd.handshake;

import io.scstdrbd.drbd.sync.digest.HmacAlgorithm;
import io.scstdrbd.drbd.wire.WireConstants;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Challenge-response authentication with the shared secret (drbd.md §7.1 step 3). Each side sends
 * 64 random bytes, answers the peer's challenge with HMAC(secret, challenge [‖ be32(my node id) in
 * the DRBD 9 dialect]) and checks the peer's answer to its own challenge. One instance per
 * connection attempt; not thread-safe.
 */
public final class CramHmac {
    private final HmacAlgorithm alg;
    private final byte[] secret;
    private final boolean appendNodeId;
    private final byte[] myChallenge;

    public CramHmac(HmacAlgorithm alg, String sharedSecret, boolean dialect9, SecureRandom random) {
        this.alg = alg;
        this.secret = sharedSecret.getBytes(StandardCharsets.UTF_8);
        this.appendNodeId = dialect9;
        this.myChallenge = new byte[WireConstants.CHALLENGE_LEN];
        random.nextBytes(myChallenge);
    }

    public byte[] myChallenge() {
        return myChallenge.clone();
    }

    /**
     * The response to the peer's challenge.
     *
     * @throws AuthenticationException if the challenge has the wrong length or equals mine (a reflection)
     */
    public byte[] respond(byte[] peerChallenge, int myNodeId) throws AuthenticationException {
        if (peerChallenge.length != WireConstants.CHALLENGE_LEN) {
            throw new AuthenticationException("peer's challenge has " + peerChallenge.length + " bytes, expected "
                    + WireConstants.CHALLENGE_LEN);
        }
        if (Arrays.equals(peerChallenge, myChallenge)) {
            throw new AuthenticationException("peer sent back my own challenge");
        }
        return mac(peerChallenge, myNodeId);
    }

    /** Checks the peer's response to my challenge. */
    public void verify(byte[] peerResponse, int peerNodeId) throws AuthenticationException {
        if (peerResponse.length != alg.length()) {
            throw new AuthenticationException("peer's response has " + peerResponse.length + " bytes, " + alg
                    + " gives " + alg.length());
        }
        byte[] expect = mac(myChallenge, peerNodeId);
        if (!java.security.MessageDigest.isEqual(expect, peerResponse)) {
            throw new AuthenticationException("peer's response does not match: wrong shared-secret or cram-hmac-alg");
        }
    }

    private byte[] mac(byte[] challenge, int nodeId) {
        if (appendNodeId) {
            return alg.mac(secret, challenge, ByteBuffer.allocate(4).putInt(nodeId).array());
        }
        return alg.mac(secret, challenge);
    }

    /** Authentication failed; the connection is refused and not retried. */
    public static final class AuthenticationException extends Exception {
        public AuthenticationException(String message) {
            super(message);
        }
    }
}
