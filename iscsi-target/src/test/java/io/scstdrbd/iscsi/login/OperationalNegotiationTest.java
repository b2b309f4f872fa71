package io.scstdrbd.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.iscsi.config.IscsiConfigParser;
import io.scstdrbd.iscsi.config.KeySettings;
import io.scstdrbd.iscsi.config.NegotiationKey;
import org.junit.jupiter.api.Test;

/** Every session key of the seed's iscsi-scstd.conf, negotiated by its rule. */
class OperationalNegotiationTest {
    private static final KeySettings SEED = seed();

    private static KeySettings seed() {
        try {
            return IscsiConfigParser.parse("seed", String.join("\n", "Target iqn.2001-04.com.example.blackbox:1",
                    "InitialR2T No", "ImmediateData Yes", "MaxConnections 1", "MaxRecvDataSegmentLength 16773120",
                    "MaxXmitDataSegmentLength 16773120", "MaxBurstLength 16773120", "FirstBurstLength 16773120",
                    "DefaultTime2Wait 0", "DefaultTime2Retain 0", "MaxOutstandingR2T 8", "DataPDUInOrder Yes",
                    "DataSequenceInOrder Yes", "ErrorRecoveryLevel 0", "HeaderDigest None", "DataDigest None"))
                    .targets().get(0).keys();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String answer(KeySettings local, String key, String offered) {
        return new OperationalNegotiation(local).answer(NegotiationKey.byWireName(key), offered);
    }

    @Test
    void initialR2tIsOr() {
        assertEquals("No", answer(SEED, "InitialR2T", "No"));
        assertEquals("Yes", answer(SEED, "InitialR2T", "Yes"));
        KeySettings yes = SEED.with(NegotiationKey.INITIAL_R2T, 1);
        assertEquals("Yes", answer(yes, "InitialR2T", "No"));
    }

    @Test
    void immediateDataIsAnd() {
        assertEquals("Yes", answer(SEED, "ImmediateData", "Yes"));
        assertEquals("No", answer(SEED, "ImmediateData", "No"));
        assertEquals("No", answer(SEED.with(NegotiationKey.IMMEDIATE_DATA, 0), "ImmediateData", "Yes"));
    }

    @Test
    void maxConnectionsIsMin() {
        assertEquals("1", answer(SEED, "MaxConnections", "8"));
        assertEquals("Reject", answer(SEED, "MaxConnections", "0"));
    }

    @Test
    void maxRecvDataSegmentLengthIsDeclarative() {
        OperationalNegotiation n = new OperationalNegotiation(SEED.with(NegotiationKey.MAX_XMIT_DATA_SEGMENT_LENGTH,
                65536));
        assertEquals("16773120", n.answer(NegotiationKey.MAX_RECV_DATA_SEGMENT_LENGTH, "262144"));
        NegotiatedParameters p = n.parameters();
        assertEquals(16773120, p.maxRecvDataSegmentLength());
        // what the target sends: the initiator's 262144 capped by MaxXmitDataSegmentLength 65536
        assertEquals(65536, p.maxXmitDataSegmentLength());
        assertEquals("Reject", answer(SEED, "MaxRecvDataSegmentLength", "100"));
        assertEquals("Reject", answer(SEED, "MaxRecvDataSegmentLength", "16777216"));
    }

    @Test
    void maxXmitDataSegmentLengthIsNotAWireKey() {
        assertEquals(null, NegotiationKey.byWireName("MaxXmitDataSegmentLength"));
        OperationalNegotiation n = new OperationalNegotiation(SEED);
        n.answer(NegotiationKey.MAX_RECV_DATA_SEGMENT_LENGTH, "262144");
        assertEquals(262144, n.parameters().maxXmitDataSegmentLength());
    }

    @Test
    void burstLengthsAreMinAndFirstBurstNeverExceedsMaxBurst() {
        OperationalNegotiation n = new OperationalNegotiation(SEED);
        assertEquals("262144", n.answer(NegotiationKey.MAX_BURST_LENGTH, "262144"));
        assertEquals("16773120", n.answer(NegotiationKey.FIRST_BURST_LENGTH, "16776192"));
        NegotiatedParameters p = n.parameters();
        assertEquals(262144, p.maxBurstLength());
        assertEquals(262144, p.firstBurstLength());
        assertEquals("65536", answer(KeySettings.defaults(), "FirstBurstLength", "262144"));
        assertEquals("Reject", answer(SEED, "MaxBurstLength", "511"));
        assertEquals("Reject", answer(SEED, "FirstBurstLength", "lots"));
    }

    @Test
    void time2WaitIsMaxAndTime2RetainIsMin() {
        assertEquals("2", answer(SEED, "DefaultTime2Wait", "2"));
        assertEquals("0", answer(SEED, "DefaultTime2Wait", "0"));
        assertEquals("0", answer(SEED, "DefaultTime2Retain", "20"));
        assertEquals("Reject", answer(SEED, "DefaultTime2Wait", "3601"));
    }

    @Test
    void maxOutstandingR2tIsMin() {
        assertEquals("1", answer(SEED, "MaxOutstandingR2T", "1"));
        assertEquals("8", answer(SEED, "MaxOutstandingR2T", "16"));
        assertEquals("32", answer(KeySettings.defaults(), "MaxOutstandingR2T", "64"));
    }

    @Test
    void orderKeysAreOr() {
        assertEquals("Yes", answer(SEED, "DataPDUInOrder", "No"));
        assertEquals("Yes", answer(SEED, "DataSequenceInOrder", "No"));
        assertEquals("No", answer(KeySettings.defaults(), "DataPDUInOrder", "No"));
        assertEquals("Yes", answer(KeySettings.defaults(), "DataSequenceInOrder", "Yes"));
    }

    @Test
    void errorRecoveryLevelIsMin() {
        assertEquals("0", answer(SEED, "ErrorRecoveryLevel", "2"));
        assertEquals("Reject", answer(SEED, "ErrorRecoveryLevel", "3"));
    }

    @Test
    void digestsPickTheInitiatorsFirstAllowedValue() {
        assertEquals("None", answer(SEED, "HeaderDigest", "CRC32C,None"));
        assertEquals("Reject", answer(SEED, "DataDigest", "CRC32C"));
        KeySettings both = SEED.with(NegotiationKey.HEADER_DIGEST, 3).with(NegotiationKey.DATA_DIGEST, 3);
        assertEquals("CRC32C", answer(both, "HeaderDigest", "CRC32C,None"));
        assertEquals("None", answer(both, "DataDigest", "None,CRC32C"));
        assertEquals("CRC32C", answer(both, "DataDigest", "Foo,CRC32C"));
        OperationalNegotiation n = new OperationalNegotiation(both);
        n.answer(NegotiationKey.HEADER_DIGEST, "CRC32C");
        n.answer(NegotiationKey.DATA_DIGEST, "CRC32C,None");
        assertTrue(n.parameters().headerDigest());
        assertTrue(n.parameters().dataDigest());
    }

    @Test
    void markersStayOff() {
        assertEquals("No", answer(SEED, "OFMarker", "Yes"));
        assertEquals("No", answer(SEED, "IFMarker", "No"));
        assertEquals("Irrelevant", answer(SEED, "OFMarkInt", "2048~8192"));
        assertEquals("No", answer(SEED, "RDMAExtensions", "Yes"));
    }

    @Test
    void unofferedKeysKeepRfcDefaults() {
        NegotiatedParameters p = new OperationalNegotiation(SEED).parameters();
        assertTrue(p.initialR2T());
        assertTrue(p.immediateData());
        assertEquals(262144, p.maxBurstLength());
        assertEquals(65536, p.firstBurstLength());
        assertEquals(1, p.maxOutstandingR2T());
        assertEquals(8192, p.maxRecvDataSegmentLength());
        assertEquals(8192, p.maxXmitDataSegmentLength());
        assertFalse(p.headerDigest());
    }
}
