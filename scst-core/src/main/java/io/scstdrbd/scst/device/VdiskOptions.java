package io.scstdrbd.scst.device;

import java.util.Collection;
import java.util.Locale;

/**
 * How a vdisk was opened (SCST procfs {@code vdisk open NAME FILE [BLOCK_SIZE] [flags...]}).
 *
 * @param name         device name (at most 64 characters)
 * @param filename     the backing path: {@code <fsroot>/dev/NAME} for an in-process block device,
 *                     another path for a file or real device; ignored for NULLIO
 * @param blockSize    logical block size, 512 or 4096
 * @param t10DevId     T10 device id for VPD page 83h (at most 16 characters; default: the name)
 */
public record VdiskOptions(String name, String filename, int blockSize, boolean writeThrough, boolean readOnly,
                           boolean oDirect, boolean nullio, boolean nvCache, boolean blockio, boolean removable,
                           String t10DevId) {

    public static final int MAX_NAME = 64;
    public static final int MAX_T10_DEV_ID = 16;

    public VdiskOptions {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            throw new IllegalArgumentException("device name must have 1 to " + MAX_NAME + " characters");
        }
        if (blockSize != 512 && blockSize != 4096) {
            throw new IllegalArgumentException("block size " + blockSize + " is not 512 or 4096");
        }
        if (t10DevId == null || t10DevId.isEmpty()) {
            t10DevId = name.length() > MAX_T10_DEV_ID ? name.substring(0, MAX_T10_DEV_ID) : name;
        }
    }

    /** Builds options from SCST flag words (long or short forms); unknown words are an error. */
    public static VdiskOptions of(String name, String filename, int blockSize, Collection<String> flags,
                                  String t10DevId) {
        boolean wt = false, ro = false, dr = false, nio = false, nv = false, bio = false, rm = false;
        for (String f : flags) {
            switch (f.toUpperCase(Locale.ROOT)) {
                case "WRITE_THROUGH": case "WT": wt = true; break;
                case "READ_ONLY": case "RO": ro = true; break;
                case "O_DIRECT": case "DR": dr = true; break;
                case "NULLIO": case "NIO": nio = true; break;
                case "NV_CACHE": case "NV": nv = true; break;
                case "BLOCKIO": case "BIO": bio = true; break;
                case "REMOVABLE": case "RM": rm = true; break;
                default:
                    throw new IllegalArgumentException("unknown vdisk option '" + f + "'");
            }
        }
        if (!nio && (filename == null || !filename.startsWith("/"))) {
            throw new IllegalArgumentException("file name '" + filename + "' is not an absolute path");
        }
        return new VdiskOptions(name, filename, blockSize, wt, ro, dr, nio, nv, bio, rm, t10DevId);
    }

    public VdiskOptions withT10DevId(String id) {
        return new VdiskOptions(name, filename, blockSize, writeThrough, readOnly, oDirect, nullio, nvCache, blockio,
                removable, id);
    }

    /** Option codes as SCST's vdisk listing prints them: WT NV RO DR NIO BIO RM. */
    public String codes() {
        StringBuilder sb = new StringBuilder();
        append(sb, writeThrough, "WT");
        append(sb, nvCache, "NV");
        append(sb, readOnly, "RO");
        append(sb, oDirect, "DR");
        append(sb, nullio, "NIO");
        append(sb, blockio, "BIO");
        append(sb, removable, "RM");
        return sb.toString();
    }

    /** The flag words for an {@code open} command or a config line. */
    public String flagWords() {
        StringBuilder sb = new StringBuilder();
        append(sb, writeThrough, "WRITE_THROUGH");
        append(sb, nvCache, "NV_CACHE");
        append(sb, readOnly, "READ_ONLY");
        append(sb, oDirect, "O_DIRECT");
        append(sb, nullio, "NULLIO");
        append(sb, blockio, "BLOCKIO");
        append(sb, removable, "REMOVABLE");
        return sb.toString();
    }

    private static void append(StringBuilder sb, boolean on, String code) {
        if (on) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(code);
        }
    }
}
