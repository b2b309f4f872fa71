package io.scstdrbd.iscsi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class IscsiConfigParserTest {
    /** The seed's /etc/iscsi-scstd.conf, verbatim. */
    static final String SEED = String.join("\n",
            "################################################################################",
            "# /etc/iscsi-scstd.conf",
            "",
            "Target iqn.2001-04.com.example.blackbox:1",
            "\tQueuedCommands 2048",
            "\tRspTimeout 90",
            "\tNOPInInterval 30",
            "\tNOPInTimeout 30",
            "\tMaxSessions 0",
            "\tInitialR2T No",
            "\tImmediateData Yes",
            "\tMaxConnections 1",
            "\tMaxRecvDataSegmentLength 16773120",
            "\tMaxXmitDataSegmentLength 16773120",
            "\tMaxBurstLength 16773120",
            "\tFirstBurstLength 16773120",
            "\tDefaultTime2Wait 0",
            "\tDefaultTime2Retain 0",
            "\tMaxOutstandingR2T 8",
            "\tDataPDUInOrder Yes",
            "\tDataSequenceInOrder Yes",
            "\tErrorRecoveryLevel 0",
            "\tHeaderDigest None",
            "\tDataDigest None",
            "");

    private static IscsiConfig parse(String text) throws ConfigException {
        return IscsiConfigParser.parse("test.conf", text);
    }

    private static String error(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).getMessage();
    }

    @Test
    void seedFile() throws Exception {
        IscsiConfig c = parse(SEED);
        assertEquals(1, c.targets().size());
        TargetConfig t = c.find("IQN.2001-04.com.example.BLACKBOX:1");
        assertEquals("iqn.2001-04.com.example.blackbox:1", t.name());
        assertEquals(2048, t.settings().get(TargetParam.QUEUED_COMMANDS));
        assertEquals(90, t.settings().get(TargetParam.RSP_TIMEOUT));
        assertEquals(30, t.settings().get(TargetParam.NOP_IN_INTERVAL));
        assertEquals(30, t.settings().get(TargetParam.NOP_IN_TIMEOUT));
        assertEquals(0, t.settings().get(TargetParam.MAX_SESSIONS));
        KeySettings k = t.keys();
        assertEquals(0, k.get(NegotiationKey.INITIAL_R2T));
        assertEquals(1, k.get(NegotiationKey.IMMEDIATE_DATA));
        assertEquals(1, k.get(NegotiationKey.MAX_CONNECTIONS));
        assertEquals(16773120, k.get(NegotiationKey.MAX_RECV_DATA_SEGMENT_LENGTH));
        assertEquals(16773120, k.get(NegotiationKey.MAX_XMIT_DATA_SEGMENT_LENGTH));
        assertEquals(16773120, k.get(NegotiationKey.MAX_BURST_LENGTH));
        assertEquals(16773120, k.get(NegotiationKey.FIRST_BURST_LENGTH));
        assertEquals(0, k.get(NegotiationKey.DEFAULT_TIME2WAIT));
        assertEquals(0, k.get(NegotiationKey.DEFAULT_TIME2RETAIN));
        assertEquals(8, k.get(NegotiationKey.MAX_OUTSTANDING_R2T));
        assertEquals(1, k.get(NegotiationKey.DATA_PDU_IN_ORDER));
        assertEquals(1, k.get(NegotiationKey.DATA_SEQUENCE_IN_ORDER));
        assertEquals(0, k.get(NegotiationKey.ERROR_RECOVERY_LEVEL));
        assertEquals(NegotiationKey.DIGEST_NONE, k.get(NegotiationKey.HEADER_DIGEST));
        assertEquals(NegotiationKey.DIGEST_NONE, k.get(NegotiationKey.DATA_DIGEST));
        assertTrue(t.incoming().isEmpty());
        assertNull(t.outgoing());
    }

    @Test
    void localDefaultsWithoutKeys() throws Exception {
        TargetConfig t = parse("Target iqn.2024-01.io.scst-drbd:x\n").targets().get(0);
        KeySettings k = t.keys();
        assertEquals(0, k.get(NegotiationKey.INITIAL_R2T));
        assertEquals(1 << 20, k.get(NegotiationKey.MAX_RECV_DATA_SEGMENT_LENGTH));
        assertEquals(65536, k.get(NegotiationKey.FIRST_BURST_LENGTH));
        assertEquals(32, k.get(NegotiationKey.MAX_OUTSTANDING_R2T));
        assertEquals(0, k.get(NegotiationKey.DATA_PDU_IN_ORDER));
        assertEquals(32, t.settings().queuedCommands());
    }

    @Test
    void chapAccountsGlobalAndPerTarget() throws Exception {
        IscsiConfig c = parse(String.join("\n",
                "# discovery",
                "IncomingUser disc secretdisc12",
                "OutgoingUser tgtdisc outsecret123",
                "iSNSServer 10.0.0.1",
                "Target iqn.2024-01.io.scst-drbd:a",
                "  Alias first",
                "  IncomingUser alice alicesecret1",
                "  IncomingUser2 bob bobsecret1234",
                "  OutgoingUser target targetsecret",
                "  HeaderDigest CRC32C, None",
                "Target iqn.2024-01.io.scst-drbd:b",
                "  DataDigest crc32c"));
        assertEquals("disc", c.discoveryIncoming().get(0).name());
        assertEquals("tgtdisc", c.discoveryOutgoing().name());
        TargetConfig a = c.find("iqn.2024-01.io.scst-drbd:a");
        assertEquals(2, a.incoming().size());
        assertEquals("bobsecret1234", a.incoming().get(1).secret());
        assertEquals("target", a.outgoing().name());
        assertEquals(NegotiationKey.DIGEST_NONE | NegotiationKey.DIGEST_CRC32C, a.keys().get(NegotiationKey.HEADER_DIGEST));
        TargetConfig b = c.find("iqn.2024-01.io.scst-drbd:b");
        assertTrue(b.incoming().isEmpty());
        assertEquals(NegotiationKey.DIGEST_CRC32C, b.keys().get(NegotiationKey.DATA_DIGEST));
    }

    @Test
    void errorsNameTheLine() {
        assertEquals("test.conf:2: Unknown or unexpected param 'Lun'",
                error("Target iqn.2024-01.io.scst-drbd:a\nLun 0 Path=/dev/sda\n"));
        assertEquals("test.conf:1: InitialR2T is only valid in a Target section", error("InitialR2T No"));
        assertEquals("test.conf:2: MaxConnections 2 is out of range 1..1",
                error("Target iqn.2024-01.io.scst-drbd:a\n MaxConnections 2"));
        assertEquals("test.conf:2: DefaultTime2Wait 2 is out of range 0..0",
                error("Target iqn.2024-01.io.scst-drbd:a\n DefaultTime2Wait 2"));
        assertEquals("test.conf:2: MaxRecvDataSegmentLength 100 is out of range 512..16777215",
                error("Target iqn.2024-01.io.scst-drbd:a\n MaxRecvDataSegmentLength 100"));
        assertEquals("test.conf:2: MaxOutstandingR2T: 'many' is not a number",
                error("Target iqn.2024-01.io.scst-drbd:a\n MaxOutstandingR2T many"));
        assertEquals("test.conf:2: ImmediateData: 'maybe' is not Yes or No",
                error("Target iqn.2024-01.io.scst-drbd:a\n ImmediateData maybe"));
        assertEquals("test.conf:2: HeaderDigest: 'MD5' is not None or CRC32C",
                error("Target iqn.2024-01.io.scst-drbd:a\n HeaderDigest MD5"));
        assertEquals("test.conf:2: QueuedCommands 4096 is out of range 1..2048",
                error("Target iqn.2024-01.io.scst-drbd:a\n QueuedCommands 4096"));
        assertEquals("test.conf:1: target name 'blackbox' is not an iqn., eui. or naa. name",
                error("Target blackbox"));
        assertEquals("test.conf:3: target IQN.2024-01.io.scst-drbd:A is defined twice",
                error("Target iqn.2024-01.io.scst-drbd:a\n\nTarget IQN.2024-01.io.scst-drbd:A"));
        assertEquals("test.conf:2: expected 'IncomingUser <name> <secret>'",
                error("Target iqn.2024-01.io.scst-drbd:a\n IncomingUser alice"));
        assertEquals("test.conf:3: only one OutgoingUser per target",
                error("Target iqn.2024-01.io.scst-drbd:a\n OutgoingUser t secretsecret1\n OutgoingUser u secretsecret2"));
        assertEquals("test.conf:2: ErrorRecoveryLevel: unexpected text after the value",
                error("Target iqn.2024-01.io.scst-drbd:a\n ErrorRecoveryLevel 0 # zero"));
        assertEquals("test.conf:2: iSNSServer is only valid before the first Target",
                error("Target iqn.2024-01.io.scst-drbd:a\n iSNSServer 1.2.3.4"));
    }

    @Test
    void eachSessionKeyOfTheSeedIsKnown() {
        for (String k : new String[] {"InitialR2T", "ImmediateData", "MaxConnections", "MaxRecvDataSegmentLength",
                "MaxXmitDataSegmentLength", "MaxBurstLength", "FirstBurstLength", "DefaultTime2Wait",
                "DefaultTime2Retain", "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder",
                "ErrorRecoveryLevel", "HeaderDigest", "DataDigest"}) {
            assertEquals(k, NegotiationKey.byName(k.toUpperCase()).wireName());
        }
        for (String k : new String[] {"QueuedCommands", "RspTimeout", "NopInInterval", "NopInTimeout",
                "MaxSessions"}) {
            assertEquals(k, TargetParam.byName(k.toLowerCase()).confName());
        }
    }

    @Test
    void names() {
        assertNull(IscsiNames.problem("iqn.2024-01.io.scst-drbd:vm"));
        assertNull(IscsiNames.problem("eui.02004567A425678D"));
        assertNull(IscsiNames.problem("naa.52004567BA64678D"));
        assertEquals("node-1.example", IscsiNames.sanitize("Node_1.Example"));
    }
}
