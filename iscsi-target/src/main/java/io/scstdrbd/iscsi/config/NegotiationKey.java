package io.scstdrbd.iscsi.config;

/**
 * The session keys of iscsi-scstd.conf with the RFC default, the target's local default, the
 * limits a configured value must respect and the negotiation rule (reference: original system
 * 8.2). Boolean values are 1/0; digest values are masks of {@link #DIGEST_NONE} and
 * {@link #DIGEST_CRC32C} (a configured list, or the single negotiated result).
 */
public enum NegotiationKey {
    INITIAL_R2T("InitialR2T", NegotiationRule.OR, 1, 0, 0, 1, 0, 1),
    IMMEDIATE_DATA("ImmediateData", NegotiationRule.AND, 1, 1, 0, 1, 0, 1),
    MAX_CONNECTIONS("MaxConnections", NegotiationRule.MIN, 1, 1, 1, 1, 1, 65535),
    MAX_RECV_DATA_SEGMENT_LENGTH("MaxRecvDataSegmentLength", NegotiationRule.DECLARATIVE, 8192, Defaults.SEGMENT,
            512, Defaults.MAX_24, 512, Defaults.MAX_24),
    MAX_XMIT_DATA_SEGMENT_LENGTH("MaxXmitDataSegmentLength", NegotiationRule.LOCAL, 8192, Defaults.SEGMENT,
            512, Defaults.MAX_24, 512, Defaults.MAX_24),
    MAX_BURST_LENGTH("MaxBurstLength", NegotiationRule.MIN, 262144, Defaults.SEGMENT, 512, Defaults.MAX_24,
            512, Defaults.MAX_24),
    FIRST_BURST_LENGTH("FirstBurstLength", NegotiationRule.MIN, 65536, 65536, 512, Defaults.MAX_24,
            512, Defaults.MAX_24),
    DEFAULT_TIME2WAIT("DefaultTime2Wait", NegotiationRule.MAX, 2, 0, 0, 0, 0, 3600),
    DEFAULT_TIME2RETAIN("DefaultTime2Retain", NegotiationRule.MIN, 20, 0, 0, 0, 0, 3600),
    MAX_OUTSTANDING_R2T("MaxOutstandingR2T", NegotiationRule.MIN, 1, 32, 1, 65535, 1, 65535),
    DATA_PDU_IN_ORDER("DataPDUInOrder", NegotiationRule.OR, 1, 0, 0, 1, 0, 1),
    DATA_SEQUENCE_IN_ORDER("DataSequenceInOrder", NegotiationRule.OR, 1, 0, 0, 1, 0, 1),
    ERROR_RECOVERY_LEVEL("ErrorRecoveryLevel", NegotiationRule.MIN, 0, 0, 0, 0, 0, 2),
    HEADER_DIGEST("HeaderDigest", NegotiationRule.DIGEST_LIST, 1, 1, 1, 3, 1, 3),
    DATA_DIGEST("DataDigest", NegotiationRule.DIGEST_LIST, 1, 1, 1, 3, 1, 3),
    OF_MARKER("OFMarker", NegotiationRule.AND, 0, 0, 0, 0, 0, 1),
    IF_MARKER("IFMarker", NegotiationRule.AND, 0, 0, 0, 0, 0, 1),
    OF_MARK_INT("OFMarkInt", NegotiationRule.MARKER_RANGE, 2048, 2048, 1, 65535, 1, 65535),
    IF_MARK_INT("IFMarkInt", NegotiationRule.MARKER_RANGE, 2048, 2048, 1, 65535, 1, 65535),
    RDMA_EXTENSIONS("RDMAExtensions", NegotiationRule.AND, 0, 0, 0, 0, 0, 1),
    TARGET_RECV_DATA_SEGMENT_LENGTH("TargetRecvDataSegmentLength", NegotiationRule.MIN, 8192, 512, 512,
            Defaults.MAX_24, 512, Defaults.MAX_24),
    INITIATOR_RECV_DATA_SEGMENT_LENGTH("InitiatorRecvDataSegmentLength", NegotiationRule.MIN, 8192,
            Defaults.SEGMENT, 512, Defaults.MAX_24, 512, Defaults.MAX_24),
    MAX_AHS_LENGTH("MaxAHSLength", NegotiationRule.MIN, 256, 0, 0, Defaults.MAX_32, 0, Defaults.MAX_32),
    TAGGED_BUFFER_FOR_SOLICITED_DATA_ONLY("TaggedBufferForSolicitedDataOnly", NegotiationRule.AND, 0, 0, 0, 0,
            0, 1),
    ISER_HELLO_REQUIRED("iSERHelloRequired", NegotiationRule.AND, 0, 0, 0, 0, 0, 1),
    MAX_OUTSTANDING_UNEXPECTED_PDUS("MaxOutstandingUnexpectedPDUs", NegotiationRule.MIN, 0, 0, 0, Defaults.MAX_32,
            0, Defaults.MAX_32);

    public static final long DIGEST_NONE = 1;
    public static final long DIGEST_CRC32C = 2;

    /** Holder for constants the enum constructor arguments use. */
    private static final class Defaults {
        /** The "computed" local default (-1 in the original) of the data segment and burst sizes: 1 MiB. */
        static final long SEGMENT = 1 << 20;
        static final long MAX_24 = (1 << 24) - 1;
        static final long MAX_32 = 0xffffffffL;
    }

    private final String wireName;
    private final NegotiationRule rule;
    private final long rfcDefault;
    private final long localDefault;
    private final long configMin;
    private final long configMax;
    private final long wireMin;
    private final long wireMax;

    NegotiationKey(String wireName, NegotiationRule rule, long rfcDefault, long localDefault, long configMin,
                   long configMax, long wireMin, long wireMax) {
        this.wireName = wireName;
        this.rule = rule;
        this.rfcDefault = rfcDefault;
        this.localDefault = localDefault;
        this.configMin = configMin;
        this.configMax = configMax;
        this.wireMin = wireMin;
        this.wireMax = wireMax;
    }

    public String wireName() {
        return wireName;
    }

    public NegotiationRule rule() {
        return rule;
    }

    public long rfcDefault() {
        return rfcDefault;
    }

    public long localDefault() {
        return localDefault;
    }

    public long configMin() {
        return configMin;
    }

    public long configMax() {
        return configMax;
    }

    public long wireMin() {
        return wireMin;
    }

    public long wireMax() {
        return wireMax;
    }

    public boolean isBoolean() {
        return rule == NegotiationRule.OR || rule == NegotiationRule.AND;
    }

    /** The key for a name (case-insensitive, as in iscsi-scstd.conf), or null. */
    public static NegotiationKey byName(String name) {
        for (NegotiationKey k : values()) {
            if (k.wireName.equalsIgnoreCase(name)) {
                return k;
            }
        }
        return null;
    }

    /** The key for an exact wire name (keys on the wire are case-sensitive), or null. */
    public static NegotiationKey byWireName(String name) {
        for (NegotiationKey k : values()) {
            if (k.rule != NegotiationRule.LOCAL && k.wireName.equals(name)) {
                return k;
            }
        }
        return null;
    }

    /**
     * Parses a configured value (iscsi-scstd.conf: Yes/No, a decimal number, or None/CRC32C lists)
     * and checks it against this key's limits.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public long parseConfigValue(String text) {
        long v = parseValue(text, true);
        if (v < configMin || v > configMax) {
            throw new IllegalArgumentException(wireName + " " + text + " is out of range " + format(configMin)
                    + ".." + format(configMax));
        }
        return v;
    }

    /**
     * Parses a value as sent by an initiator (case-sensitive Yes/No, digests as a list).
     *
     * @throws IllegalArgumentException when it is not a valid value of this key
     */
    public long parseWireValue(String text) {
        long v = parseValue(text, false);
        if (rule != NegotiationRule.DIGEST_LIST && (v < wireMin || v > wireMax)) {
            throw new IllegalArgumentException(wireName + "=" + text + " is out of range");
        }
        return v;
    }

    private long parseValue(String text, boolean lenient) {
        String t = text.trim();
        if (isBoolean()) {
            if (lenient ? t.equalsIgnoreCase("Yes") : t.equals("Yes")) {
                return 1;
            }
            if (lenient ? t.equalsIgnoreCase("No") : t.equals("No")) {
                return 0;
            }
            throw new IllegalArgumentException(wireName + ": '" + text + "' is not Yes or No");
        }
        if (rule == NegotiationRule.DIGEST_LIST) {
            long mask = 0;
            for (String part : t.split(",", -1)) {
                String p = part.trim();
                if (lenient ? p.equalsIgnoreCase("None") : p.equals("None")) {
                    mask |= DIGEST_NONE;
                } else if (lenient ? p.equalsIgnoreCase("CRC32C") : p.equals("CRC32C")) {
                    mask |= DIGEST_CRC32C;
                } else if (!lenient) {
                    // unknown digest names in an initiator's list are skipped (RFC 7143 6.2.1)
                    continue;
                } else {
                    throw new IllegalArgumentException(wireName + ": '" + part + "' is not None or CRC32C");
                }
            }
            if (mask == 0 && lenient) {
                throw new IllegalArgumentException(wireName + ": empty list");
            }
            return mask;
        }
        if (rule == NegotiationRule.MARKER_RANGE && t.contains("~")) {
            String[] r = t.split("~", 2);
            long lo = parseNumber(r[0]);
            long hi = parseNumber(r[1]);
            if (lo > hi) {
                throw new IllegalArgumentException(wireName + ": empty range " + text);
            }
            return lo;
        }
        return parseNumber(t);
    }

    private long parseNumber(String t) {
        // RFC 7143 5.1: numerical values are decimal or 0x-hex; at most 64 bits
        try {
            if (t.startsWith("0x") || t.startsWith("0X")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            if (t.isEmpty() || !t.chars().allMatch(Character::isDigit)) {
                throw new NumberFormatException();
            }
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(wireName + ": '" + t + "' is not a number");
        }
    }

    /** The value as it is written on the wire. */
    public String format(long v) {
        if (isBoolean()) {
            return v != 0 ? "Yes" : "No";
        }
        if (rule == NegotiationRule.DIGEST_LIST) {
            if (v == DIGEST_CRC32C) {
                return "CRC32C";
            }
            if (v == (DIGEST_CRC32C | DIGEST_NONE)) {
                return "CRC32C,None";
            }
            return "None";
        }
        return Long.toString(v);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
