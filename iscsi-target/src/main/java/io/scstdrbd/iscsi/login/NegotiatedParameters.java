package io.scstdrbd.iscsi.login;

/**
 * The operational parameters a connection runs with after login.
 *
 * @param maxRecvDataSegmentLength  the largest data segment the target accepts (its declaration)
 * @param maxXmitDataSegmentLength  the largest data segment the target sends: the initiator's
 *                                  MaxRecvDataSegmentLength, capped by the local MaxXmitDataSegmentLength
 * @param firstBurstLength          already capped by {@code maxBurstLength}
 */
public record NegotiatedParameters(boolean initialR2T, boolean immediateData, int maxConnections,
                                   int maxRecvDataSegmentLength, int maxXmitDataSegmentLength, int maxBurstLength,
                                   int firstBurstLength, int defaultTime2Wait, int defaultTime2Retain,
                                   int maxOutstandingR2T, boolean dataPduInOrder, boolean dataSequenceInOrder,
                                   int errorRecoveryLevel, boolean headerDigest, boolean dataDigest) {

    /** RFC defaults: what applies during login and for keys nobody negotiated. */
    public static NegotiatedParameters rfcDefaults() {
        return new NegotiatedParameters(true, true, 1, 8192, 8192, 262144, 65536, 2, 20, 1, true, true, 0, false,
                false);
    }

    @Override
    public String toString() {
        return "InitialR2T=" + yn(initialR2T) + " ImmediateData=" + yn(immediateData) + " MaxConnections="
                + maxConnections + " MaxRecvDataSegmentLength=" + maxRecvDataSegmentLength
                + " MaxXmitDataSegmentLength=" + maxXmitDataSegmentLength + " MaxBurstLength=" + maxBurstLength
                + " FirstBurstLength=" + firstBurstLength + " DefaultTime2Wait=" + defaultTime2Wait
                + " DefaultTime2Retain=" + defaultTime2Retain + " MaxOutstandingR2T=" + maxOutstandingR2T
                + " DataPDUInOrder=" + yn(dataPduInOrder) + " DataSequenceInOrder=" + yn(dataSequenceInOrder)
                + " ErrorRecoveryLevel=" + errorRecoveryLevel + " HeaderDigest=" + (headerDigest ? "CRC32C" : "None")
                + " DataDigest=" + (dataDigest ? "CRC32C" : "None");
    }

    private static String yn(boolean b) {
        return b ? "Yes" : "No";
    }
}
