package io.scstdrbd.iscsi.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.iscsi.config.ChapAccount;
import io.scstdrbd.iscsi.config.IscsiConfig;
import io.scstdrbd.iscsi.config.KeySettings;
import io.scstdrbd.iscsi.config.TargetConfig;
import io.scstdrbd.iscsi.config.TargetSettings;
import io.scstdrbd.iscsi.login.TextParameters.Pair;
import io.scstdrbd.iscsi.pdu.LoginRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoginNegotiatorTest {
    static final String OPEN = "iqn.2024-01.io.scst-drbd:open";
    static final String CHAP = "iqn.2024-01.io.scst-drbd:chap";
    static final String MUTUAL = "iqn.2024-01.io.scst-drbd:mutual";
    static final String INITIATOR = "iqn.1993-08.org.debian:01:abc";
    static final long ISID = 0x23d000000001L;

    static final IscsiConfig CONFIG = new IscsiConfig(List.of(
            TargetConfig.withDefaults(OPEN),
            new TargetConfig(CHAP, KeySettings.defaults(), TargetSettings.defaults(),
                    List.of(new ChapAccount("alice", "alicesecret12")), null),
            new TargetConfig(MUTUAL, KeySettings.defaults(), TargetSettings.defaults(),
                    List.of(new ChapAccount("bob", "bobsecret1234")), new ChapAccount("tgt", "targetsecret9"))),
            List.of(new ChapAccount("disc", "discsecret123")), null);

    private final LoginNegotiator n = new LoginNegotiator(CONFIG, new SecureRandom());

    private static LoginRequest req(int csg, int nsg, boolean transit) {
        return new LoginRequest(transit, false, csg, nsg, 0, 0, ISID, 0, 1, 0, 100, 0);
    }

    private static List<Pair> keys(String... kv) {
        List<Pair> out = new ArrayList<>();
        for (String s : kv) {
            int eq = s.indexOf('=');
            out.add(new Pair(s.substring(0, eq), s.substring(eq + 1)));
        }
        return out;
    }

    private static Map<String, String> map(List<Pair> pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Pair p : pairs) {
            m.put(p.key(), p.value());
        }
        return m;
    }

    static byte[] md5(int id, String secret, byte[] challenge) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update((byte) id);
        md.update(secret.getBytes(StandardCharsets.UTF_8));
        md.update(challenge);
        return md.digest();
    }

    static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }

    static byte[] unhex(String v) {
        return HexFormat.of().parseHex(v.substring(2));
    }

    @Test
    void openTargetInOneOperationalRequest() throws Exception {
        // what libiscsi sends without CHAP: straight to operational negotiation, T=1 to full feature
        LoginNegotiator.Step s = n.process(req(1, 3, true), keys("InitiatorName=" + INITIATOR,
                "TargetName=" + OPEN, "SessionType=Normal", "HeaderDigest=None,CRC32C", "DataDigest=None",
                "InitialR2T=No", "ImmediateData=Yes", "MaxBurstLength=262144", "FirstBurstLength=262144",
                "MaxRecvDataSegmentLength=262144", "DataPDUInOrder=Yes", "IFMarker=No", "OFMarker=No",
                "MaxConnections=1", "ErrorRecoveryLevel=0", "X-com.example.key=1"));
        assertTrue(s.complete());
        assertTrue(s.transit());
        assertEquals(LoginStage.FULL_FEATURE, s.nsg());
        Map<String, String> r = map(s.keys());
        assertEquals("1", r.get("TargetPortalGroupTag"));
        assertEquals("None", r.get("HeaderDigest"));
        assertEquals("No", r.get("InitialR2T"));
        assertEquals("262144", r.get("MaxBurstLength"));
        assertEquals("65536", r.get("FirstBurstLength"));
        assertEquals("1048576", r.get("MaxRecvDataSegmentLength"));
        assertEquals("NotUnderstood", r.get("X-com.example.key"));
        assertEquals(LoginNegotiator.State.COMPLETE, n.state());
        assertEquals(OPEN, n.targetName());
        assertFalse(n.discovery());
        NegotiatedParameters p = n.parameters();
        assertFalse(p.initialR2T());
        assertEquals(1 << 20, p.maxRecvDataSegmentLength());
        assertEquals(262144, p.maxXmitDataSegmentLength());
    }

    @Test
    void securityThenOperationalWithNone() throws Exception {
        LoginNegotiator.Step s = n.process(req(0, 1, true), keys("InitiatorName=" + INITIATOR,
                "TargetName=" + OPEN, "AuthMethod=None"));
        assertTrue(s.transit());
        assertFalse(s.complete());
        assertEquals("None", map(s.keys()).get("AuthMethod"));
        s = n.process(req(1, 3, false), keys("MaxOutstandingR2T=4"));
        assertFalse(s.transit());
        assertNull(map(s.keys()).get("TargetPortalGroupTag"));
        s = n.process(req(1, 3, true), keys());
        assertTrue(s.complete());
        // the target declares its MaxRecvDataSegmentLength in the last operational response
        assertEquals("1048576", map(s.keys()).get("MaxRecvDataSegmentLength"));
        assertEquals(4, n.parameters().maxOutstandingR2T());
    }

    @Test
    void oneWayChap() throws Exception {
        LoginNegotiator.Step s = n.process(req(0, 1, true), keys("InitiatorName=" + INITIATOR, "TargetName=" + CHAP,
                "AuthMethod=CHAP,None"));
        assertFalse(s.transit(), "no transit before authentication");
        assertEquals("CHAP", map(s.keys()).get("AuthMethod"));
        s = n.process(req(0, 1, false), keys("CHAP_A=7,5"));
        Map<String, String> c = map(s.keys());
        assertEquals("7", c.get("CHAP_A"), "the initiator's first supported choice");
        int id = Integer.parseInt(c.get("CHAP_I"));
        byte[] challenge = unhex(c.get("CHAP_C"));
        assertTrue(challenge.length >= 16);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) id);
        sha.update("alicesecret12".getBytes(StandardCharsets.UTF_8));
        sha.update(challenge);
        s = n.process(req(0, 1, true), keys("CHAP_N=alice", "CHAP_R=" + hex(sha.digest())));
        assertTrue(s.transit());
        assertEquals(LoginStage.OPERATIONAL, s.nsg());
        assertEquals("alice", n.chapUser());
        s = n.process(req(1, 3, true), keys("ImmediateData=No"));
        assertTrue(s.complete());
        assertFalse(n.parameters().immediateData());
    }

    @Test
    void mutualChapWithBase64Values() throws Exception {
        n.process(req(0, 1, false), keys("InitiatorName=" + INITIATOR, "TargetName=" + MUTUAL, "AuthMethod=CHAP"));
        Map<String, String> c = map(n.process(req(0, 1, false), keys("CHAP_A=5")).keys());
        int id = Integer.parseInt(c.get("CHAP_I"));
        byte[] challenge = unhex(c.get("CHAP_C"));
        byte[] mine = new byte[16];
        new SecureRandom().nextBytes(mine);
        LoginNegotiator.Step s = n.process(req(0, 1, true), keys("CHAP_N=bob",
                "CHAP_R=0b" + Base64.getEncoder().encodeToString(md5(id, "bobsecret1234", challenge)),
                "CHAP_I=77", "CHAP_C=" + hex(mine)));
        Map<String, String> r = map(s.keys());
        assertEquals("tgt", r.get("CHAP_N"));
        assertEquals(hex(md5(77, "targetsecret9", mine)), r.get("CHAP_R"));
        assertTrue(s.transit());
    }

    @Test
    void wrongSecretFails() throws Exception {
        n.process(req(0, 1, false), keys("InitiatorName=" + INITIATOR, "TargetName=" + CHAP, "AuthMethod=CHAP"));
        Map<String, String> c = map(n.process(req(0, 1, false), keys("CHAP_A=5")).keys());
        byte[] bad = md5(Integer.parseInt(c.get("CHAP_I")), "wrongsecret99", unhex(c.get("CHAP_C")));
        LoginException e = assertThrows(LoginException.class,
                () -> n.process(req(0, 1, true), keys("CHAP_N=alice", "CHAP_R=" + hex(bad))));
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, e.status());
        assertEquals(LoginNegotiator.State.FAILED, n.state());
    }

    @Test
    void unknownUserFails() throws Exception {
        n.process(req(0, 1, false), keys("InitiatorName=" + INITIATOR, "TargetName=" + CHAP, "AuthMethod=CHAP"));
        Map<String, String> c = map(n.process(req(0, 1, false), keys("CHAP_A=5")).keys());
        byte[] r = md5(Integer.parseInt(c.get("CHAP_I")), "alicesecret12", unhex(c.get("CHAP_C")));
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, assertThrows(LoginException.class,
                () -> n.process(req(0, 1, true), keys("CHAP_N=mallory", "CHAP_R=" + hex(r)))).status());
    }

    @Test
    void reflectedChallengeAndMissingOutgoingUserFail() throws Exception {
        n.process(req(0, 1, false), keys("InitiatorName=" + INITIATOR, "TargetName=" + MUTUAL, "AuthMethod=CHAP"));
        Map<String, String> c = map(n.process(req(0, 1, false), keys("CHAP_A=5")).keys());
        int id = Integer.parseInt(c.get("CHAP_I"));
        byte[] ch = unhex(c.get("CHAP_C"));
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, assertThrows(LoginException.class,
                () -> n.process(req(0, 1, true), keys("CHAP_N=bob", "CHAP_R=" + hex(md5(id, "bobsecret1234", ch)),
                        "CHAP_I=1", "CHAP_C=" + hex(ch)))).status());

        LoginNegotiator m = new LoginNegotiator(CONFIG, new SecureRandom());
        m.process(req(0, 1, false), keys("InitiatorName=" + INITIATOR, "TargetName=" + CHAP, "AuthMethod=CHAP"));
        c = map(m.process(req(0, 1, false), keys("CHAP_A=5")).keys());
        byte[] r = md5(Integer.parseInt(c.get("CHAP_I")), "alicesecret12", unhex(c.get("CHAP_C")));
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, assertThrows(LoginException.class,
                () -> m.process(req(0, 1, true), keys("CHAP_N=alice", "CHAP_R=" + hex(r), "CHAP_I=1",
                        "CHAP_C=0x00112233445566778899aabbccddeeff"))).status());
    }

    @Test
    void chapRequiredButNotOffered() {
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, assertThrows(LoginException.class,
                () -> n.process(req(0, 1, true), keys("InitiatorName=" + INITIATOR, "TargetName=" + CHAP,
                        "AuthMethod=None"))).status());
        LoginNegotiator m = new LoginNegotiator(CONFIG, new SecureRandom());
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, assertThrows(LoginException.class,
                () -> m.process(req(1, 3, true), keys("InitiatorName=" + INITIATOR, "TargetName=" + CHAP))).status());
    }

    @Test
    void chapOfferedWithoutAccounts() {
        assertEquals(LoginStatus.AUTHENTICATION_FAILURE, assertThrows(LoginException.class,
                () -> n.process(req(0, 1, true), keys("InitiatorName=" + INITIATOR, "TargetName=" + OPEN,
                        "AuthMethod=CHAP"))).status());
    }

    @Test
    void firstRequestChecks() {
        assertEquals(LoginStatus.NOT_FOUND, assertThrows(LoginException.class, () -> n.process(req(1, 3, true),
                keys("InitiatorName=" + INITIATOR, "TargetName=iqn.2024-01.nowhere:x"))).status());
        assertEquals(LoginStatus.MISSING_PARAMETER, assertThrows(LoginException.class,
                () -> new LoginNegotiator(CONFIG, new SecureRandom()).process(req(1, 3, true),
                        keys("TargetName=" + OPEN))).status());
        assertEquals(LoginStatus.MISSING_PARAMETER, assertThrows(LoginException.class,
                () -> new LoginNegotiator(CONFIG, new SecureRandom()).process(req(1, 3, true),
                        keys("InitiatorName=" + INITIATOR))).status());
        assertEquals(LoginStatus.SESSION_TYPE_NOT_SUPPORTED, assertThrows(LoginException.class,
                () -> new LoginNegotiator(CONFIG, new SecureRandom()).process(req(1, 3, true),
                        keys("InitiatorName=" + INITIATOR, "SessionType=Other"))).status());
        LoginRequest v1 = new LoginRequest(true, false, 1, 3, 2, 1, ISID, 0, 1, 0, 1, 0);
        assertEquals(LoginStatus.UNSUPPORTED_VERSION, assertThrows(LoginException.class,
                () -> new LoginNegotiator(CONFIG, new SecureRandom()).process(v1,
                        keys("InitiatorName=" + INITIATOR, "TargetName=" + OPEN))).status());
        LoginRequest badNsg = new LoginRequest(true, false, 1, 0, 0, 0, ISID, 0, 1, 0, 1, 0);
        assertEquals(LoginStatus.INITIATOR_ERROR, assertThrows(LoginException.class,
                () -> new LoginNegotiator(CONFIG, new SecureRandom()).process(badNsg,
                        keys("InitiatorName=" + INITIATOR, "TargetName=" + OPEN))).status());
    }

    @Test
    void stageAndIdentityMustStayConsistent() throws Exception {
        n.process(req(0, 1, false), keys("InitiatorName=" + INITIATOR, "TargetName=" + OPEN, "AuthMethod=None"));
        assertEquals(LoginStatus.INITIATOR_ERROR, assertThrows(LoginException.class,
                () -> n.process(req(1, 3, true), keys())).status(), "CSG 1 while the login is in the security stage");
        LoginNegotiator m = new LoginNegotiator(CONFIG, new SecureRandom());
        m.process(req(0, 1, false), keys("InitiatorName=" + INITIATOR, "TargetName=" + OPEN));
        LoginRequest other = new LoginRequest(false, false, 0, 1, 0, 0, ISID + 1, 0, 1, 0, 100, 0);
        assertEquals(LoginStatus.INITIATOR_ERROR, assertThrows(LoginException.class,
                () -> m.process(other, keys())).status());
    }

    @Test
    void discoveryUsesGlobalAccounts() throws Exception {
        LoginNegotiator.Step s = n.process(req(0, 1, false), keys("InitiatorName=" + INITIATOR,
                "SessionType=Discovery", "AuthMethod=CHAP,None"));
        assertTrue(n.discovery());
        assertNull(map(s.keys()).get("TargetPortalGroupTag"));
        assertEquals("CHAP", map(s.keys()).get("AuthMethod"));
        Map<String, String> c = map(n.process(req(0, 1, false), keys("CHAP_A=5")).keys());
        byte[] r = md5(Integer.parseInt(c.get("CHAP_I")), "discsecret123", unhex(c.get("CHAP_C")));
        assertTrue(n.process(req(0, 3, true), keys("CHAP_N=disc", "CHAP_R=" + hex(r))).complete());
    }

    @Test
    void textCodec() throws Exception {
        byte[] b = TextParameters.encode(keys("A=1", "CHAP_C=0x00", "Empty="));
        assertEquals("A=1\0CHAP_C=0x00\0Empty=\0", new String(b, StandardCharsets.UTF_8));
        assertEquals(keys("A=1", "CHAP_C=0x00", "Empty="), TextParameters.decode(b));
        assertEquals(keys("A=1"), TextParameters.decode("A=1".getBytes(StandardCharsets.UTF_8)));
        assertThrows(io.scstdrbd.iscsi.pdu.PduFormatException.class,
                () -> TextParameters.decode("novalue\0".getBytes(StandardCharsets.UTF_8)));
        assertThrows(io.scstdrbd.iscsi.pdu.PduFormatException.class,
                () -> TextParameters.decode("bad key=1\0".getBytes(StandardCharsets.UTF_8)));
        assertThrows(io.scstdrbd.iscsi.pdu.PduFormatException.class,
                () -> TextParameters.decode(("K" + "x".repeat(64) + "=1\0").getBytes(StandardCharsets.UTF_8)));
    }
}
