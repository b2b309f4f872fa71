package io.scstdrbd.drbd.wire;

/**
 * What decoding needs to know about a connection: the agreed protocol version (0 before the
 * features exchange) and the length of the data-integrity digest in data packets (0 without
 * integrity-alg).
 */
public record WireContext(int agreedVersion, int integrityDigestLength) {
    public static final WireContext INITIAL = new WireContext(0, 0);

    public boolean isDialect9() {
        return agreedVersion >= WireConstants.PRO_VERSION_9;
    }

    public boolean isDialect84() {
        return agreedVersion > 0 && agreedVersion < WireConstants.PRO_VERSION_9;
    }
}
