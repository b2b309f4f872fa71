package io.scstdrbd.drbd.sync.digest;

import java.security.GeneralSecurityException;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keyed hash of cram-hmac authentication: {@code cram-hmac-alg sha1} means the kernel's
 * {@code hmac(sha1)}. Immutable and thread-safe.
 */
public final class HmacAlgorithm {
    private final String name;
    private final String javaName;
    private final int length;

    private HmacAlgorithm(String name, String javaName, int length) {
        this.name = name;
        this.javaName = javaName;
        this.length = length;
    }

    /** The HMAC for a configured cram-hmac-alg, or empty if it is not implemented. */
    public static Optional<HmacAlgorithm> forName(String alg) {
        if (alg == null) {
            return Optional.empty();
        }
        String n = alg.trim().toLowerCase(Locale.ROOT);
        String j;
        switch (n) {
            case "md5": j = "HmacMD5"; break;
            case "sha1": j = "HmacSHA1"; break;
            case "sha224": j = "HmacSHA224"; break;
            case "sha256": j = "HmacSHA256"; break;
            case "sha384": j = "HmacSHA384"; break;
            case "sha512": j = "HmacSHA512"; break;
            default: return Optional.empty();
        }
        try {
            return Optional.of(new HmacAlgorithm(n, j, Mac.getInstance(j).getMacLength()));
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    public String name() {
        return name;
    }

    public int length() {
        return length;
    }

    /** HMAC(key, message parts concatenated). */
    public byte[] mac(byte[] key, byte[]... parts) {
        try {
            Mac m = Mac.getInstance(javaName);
            // HMAC zero-pads the key to the block size, so an empty secret (legal in drbd.conf, but
            // refused by SecretKeySpec) is the same key as a single zero byte
            m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, javaName));
            for (byte[] p : parts) {
                m.update(p);
            }
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "hmac(" + name + ")";
    }
}
