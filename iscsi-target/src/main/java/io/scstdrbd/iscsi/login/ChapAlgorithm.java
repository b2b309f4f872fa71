package io.scstdrbd.iscsi.login;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** CHAP_A values (RFC 1994 / RFC 7143 12.1.3; 6-8 from the IANA CHAP algorithm registry). */
public enum ChapAlgorithm {
    MD5(5, "MD5", 16),
    SHA1(6, "SHA-1", 20),
    SHA256(7, "SHA-256", 32),
    SHA3_256(8, "SHA3-256", 32);

    private final int code;
    private final String jdkName;
    private final int length;

    ChapAlgorithm(int code, String jdkName, int length) {
        this.code = code;
        this.jdkName = jdkName;
        this.length = length;
    }

    public int code() {
        return code;
    }

    /** Digest (and challenge) length in bytes. */
    public int length() {
        return length;
    }

    public static ChapAlgorithm of(int code) {
        for (ChapAlgorithm a : values()) {
            if (a.code == code) {
                return a;
            }
        }
        return null;
    }

    /** The CHAP response: H(identifier || secret || challenge) (RFC 1994 4.1). */
    public byte[] response(int identifier, byte[] secret, byte[] challenge) {
        try {
            MessageDigest md = MessageDigest.getInstance(jdkName);
            md.update((byte) identifier);
            md.update(secret);
            md.update(challenge);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(jdkName + " is not available in this JDK", e);
        }
    }
}
