package io.scstdrbd.drbd.sync.digest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A hash named the way the kernel's crypto API names it ({@code md5}, {@code sha1}, {@code sha256},
 * {@code crc32c}, …), as used by verify-alg, csums-alg and integrity-alg. Digests are byte-identical
 * to the kernel's, so they can be compared with a kernel peer's. Instances are immutable; each
 * {@link #digest} call is independent and thread-safe.
 */
public final class DigestAlgorithm {
    private final String name;
    private final String javaName;
    private final int length;

    private DigestAlgorithm(String name, String javaName, int length) {
        this.name = name;
        this.javaName = javaName;
        this.length = length;
    }

    /** The algorithm for a kernel crypto name, or empty if this engine does not implement it. */
    public static Optional<DigestAlgorithm> forName(String kernelName) {
        if (kernelName == null) {
            return Optional.empty();
        }
        String n = kernelName.trim().toLowerCase(Locale.ROOT);
        switch (n) {
            case "crc32c": return Optional.of(new DigestAlgorithm(n, null, 4));
            case "md5": return java("md5", "MD5");
            case "sha1": return java("sha1", "SHA-1");
            case "sha224": return java("sha224", "SHA-224");
            case "sha256": return java("sha256", "SHA-256");
            case "sha384": return java("sha384", "SHA-384");
            case "sha512": return java("sha512", "SHA-512");
            default: return Optional.empty();
        }
    }

    private static Optional<DigestAlgorithm> java(String name, String javaName) {
        try {
            return Optional.of(new DigestAlgorithm(name, javaName, MessageDigest.getInstance(javaName).getDigestLength()));
        } catch (NoSuchAlgorithmException e) {
            return Optional.empty();
        }
    }

    public String name() {
        return name;
    }

    /** Digest length in bytes. */
    public int length() {
        return length;
    }

    /** Digest of the remaining bytes of {@code data} (positions are not moved). */
    public byte[] digest(ByteBuffer... data) {
        if (javaName == null) {
            CRC32C crc = new CRC32C();
            for (ByteBuffer b : data) {
                crc.update(b.duplicate());
            }
            // the kernel's crc32c hash emits the final (inverted) CRC little-endian
            return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) crc.getValue()).array();
        }
        try {
            MessageDigest md = MessageDigest.getInstance(javaName);
            for (ByteBuffer b : data) {
                md.update(b.duplicate());
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
