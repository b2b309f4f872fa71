package io.scstdrbd.iscsi.config;

/** How the result of a key is reached (RFC 7143 6.2, 13). */
public enum NegotiationRule {
    /** Boolean, result Yes if either side says Yes. */
    OR,
    /** Boolean, result Yes only if both sides say Yes. */
    AND,
    /** Numeric, the smaller value wins. */
    MIN,
    /** Numeric, the larger value wins. */
    MAX,
    /** Each side declares its own value (MaxRecvDataSegmentLength): the answer is the target's declaration. */
    DECLARATIVE,
    /** A list in the initiator's order of preference; the target picks the first value it allows. */
    DIGEST_LIST,
    /** A range "low~high" (OFMarkInt, IFMarkInt): irrelevant here because markers are always off. */
    MARKER_RANGE,
    /** Target-local setting that is never sent on the wire (MaxXmitDataSegmentLength). */
    LOCAL
}
