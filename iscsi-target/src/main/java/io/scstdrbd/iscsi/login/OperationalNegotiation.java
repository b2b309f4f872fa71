package io.scstdrbd.iscsi.login;

import io.scstdrbd.iscsi.config.KeySettings;
import io.scstdrbd.iscsi.config.NegotiationKey;
import io.scstdrbd.iscsi.config.NegotiationRule;
import java.util.EnumMap;
import java.util.Map;

/**
 * The target's side of the operational keys of one login (RFC 7143 6.2 and 13): answers each
 * offered key by its rule against the local value and remembers the outcome. Keys nobody offered
 * keep their RFC default.
 */
public final class OperationalNegotiation {
    public static final String REJECT = "Reject";
    public static final String IRRELEVANT = "Irrelevant";

    private final KeySettings local;
    private final Map<NegotiationKey, Long> results = new EnumMap<>(NegotiationKey.class);
    private long initiatorMaxRecv = 8192;
    private boolean targetMaxRecvDeclared;

    public OperationalNegotiation(KeySettings local) {
        this.local = local;
    }

    /** The answer to {@code key=offered}; records the result. */
    public String answer(NegotiationKey key, String offered) {
        if (key.rule() == NegotiationRule.DIGEST_LIST) {
            return answerDigest(key, offered);
        }
        long off;
        try {
            off = key.parseWireValue(offered);
        } catch (IllegalArgumentException e) {
            return REJECT;
        }
        long mine = local.get(key);
        long result;
        switch (key.rule()) {
            case OR:
                result = (off != 0 || mine != 0) ? 1 : 0;
                break;
            case AND:
                result = (off != 0 && mine != 0) ? 1 : 0;
                break;
            case MIN:
                result = Math.min(off, mine);
                break;
            case MAX:
                result = Math.max(off, mine);
                break;
            case DECLARATIVE:
                initiatorMaxRecv = off;
                targetMaxRecvDeclared = true;
                return key.format(mine);
            case MARKER_RANGE:
                return IRRELEVANT; // markers are never enabled (OFMarker/IFMarker are limited to No)
            default:
                return "NotUnderstood";
        }
        results.put(key, result);
        return key.format(result);
    }

    private String answerDigest(NegotiationKey key, String offered) {
        long allowed = local.get(key);
        for (String part : offered.split(",")) {
            String p = part.trim();
            if (p.equals("None") && (allowed & NegotiationKey.DIGEST_NONE) != 0) {
                results.put(key, NegotiationKey.DIGEST_NONE);
                return "None";
            }
            if (p.equals("CRC32C") && (allowed & NegotiationKey.DIGEST_CRC32C) != 0) {
                results.put(key, NegotiationKey.DIGEST_CRC32C);
                return "CRC32C";
            }
        }
        return REJECT;
    }

    /** True once the target has declared its MaxRecvDataSegmentLength in a response. */
    public boolean targetMaxRecvDeclared() {
        return targetMaxRecvDeclared;
    }

    /** The target's own declaration, for a response that leaves the operational stage without one. */
    public String declareTargetMaxRecv() {
        targetMaxRecvDeclared = true;
        return NegotiationKey.MAX_RECV_DATA_SEGMENT_LENGTH.format(
                local.get(NegotiationKey.MAX_RECV_DATA_SEGMENT_LENGTH));
    }

    /** The result of key {@code k} (its RFC default when it was not negotiated). */
    public long result(NegotiationKey k) {
        Long v = results.get(k);
        return v != null ? v : k.rfcDefault();
    }

    /** The parameters the connection runs with. */
    public NegotiatedParameters parameters() {
        int targetRecv = targetMaxRecvDeclared
                ? (int) local.get(NegotiationKey.MAX_RECV_DATA_SEGMENT_LENGTH) : 8192;
        int xmit = (int) Math.min(initiatorMaxRecv, local.get(NegotiationKey.MAX_XMIT_DATA_SEGMENT_LENGTH));
        int maxBurst = (int) result(NegotiationKey.MAX_BURST_LENGTH);
        int firstBurst = (int) Math.min(result(NegotiationKey.FIRST_BURST_LENGTH), maxBurst);
        return new NegotiatedParameters(
                result(NegotiationKey.INITIAL_R2T) != 0,
                result(NegotiationKey.IMMEDIATE_DATA) != 0,
                (int) result(NegotiationKey.MAX_CONNECTIONS),
                targetRecv,
                xmit,
                maxBurst,
                firstBurst,
                (int) result(NegotiationKey.DEFAULT_TIME2WAIT),
                (int) result(NegotiationKey.DEFAULT_TIME2RETAIN),
                (int) result(NegotiationKey.MAX_OUTSTANDING_R2T),
                result(NegotiationKey.DATA_PDU_IN_ORDER) != 0,
                result(NegotiationKey.DATA_SEQUENCE_IN_ORDER) != 0,
                (int) result(NegotiationKey.ERROR_RECOVERY_LEVEL),
                result(NegotiationKey.HEADER_DIGEST) == NegotiationKey.DIGEST_CRC32C,
                result(NegotiationKey.DATA_DIGEST) == NegotiationKey.DIGEST_CRC32C);
    }
}
