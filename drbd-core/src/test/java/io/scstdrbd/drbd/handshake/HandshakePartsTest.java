package io.scstdrbd.drbd.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.sync.digest.HmacAlgorithm;
import io.scstdrbd.drbd.wire.ConnectionFeatures;
import io.scstdrbd.drbd.wire.ProtocolParams;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class HandshakePartsTest {
    private static final ConnectionFeatures US_A = new ConnectionFeatures(100, 0, 121, 0, 1);

    @Test
    void kernel84AgreesOn101() {
        FeatureNegotiation.Result r = FeatureNegotiation.negotiate(US_A, new ConnectionFeatures(86, 0x0f, 101, 0, 0), 0, 1);
        assertTrue(r.ok());
        assertEquals(101, r.agreedVersion());
        assertEquals(0, r.agreedFeatures());
        assertFalse(r.isDialect9());
    }

    @Test
    void drbd9AgreesOn121AndChecksNodeIds() {
        FeatureNegotiation.Result r = FeatureNegotiation.negotiate(US_A, new ConnectionFeatures(86, 0x27f, 124, 1, 0), 0, 1);
        assertTrue(r.ok());
        assertEquals(121, r.agreedVersion());
        assertFalse(FeatureNegotiation.negotiate(US_A, new ConnectionFeatures(118, 0, 121, 2, 0), 0, 1).ok());
        assertFalse(FeatureNegotiation.negotiate(US_A, new ConnectionFeatures(118, 0, 121, 1, 5), 0, 1).ok());
    }

    @Test
    void gapAndDisjointRangesAreRefused() {
        assertNotNull(FeatureNegotiation.negotiate(US_A, new ConnectionFeatures(86, 0, 110, 1, 0), 0, 1).refusal());
        assertNotNull(FeatureNegotiation.negotiate(US_A, new ConnectionFeatures(86, 0, 94, 1, 0), 0, 1).refusal());
        assertNotNull(FeatureNegotiation.negotiate(new ConnectionFeatures(100, 0, 101, 0, 1),
                new ConnectionFeatures(122, 0, 124, 1, 0), 0, 1).refusal());
    }

    @Test
    void protocolMaxZeroMeansMin() {
        FeatureNegotiation.Result r = FeatureNegotiation.negotiate(US_A, new ConnectionFeatures(100, 0, 0, 1, 0), 0, 1);
        assertEquals(100, r.agreedVersion());
    }

    @Test
    void cramHmacBothSidesAgreeWithSameSecret() throws Exception {
        for (boolean d9 : new boolean[] {false, true}) {
            HmacAlgorithm sha1 = HmacAlgorithm.forName("sha1").orElseThrow();
            CramHmac a = new CramHmac(sha1, "s3cret", d9, new SecureRandom());
            CramHmac b = new CramHmac(sha1, "s3cret", d9, new SecureRandom());
            byte[] ra = a.respond(b.myChallenge(), 0);
            byte[] rb = b.respond(a.myChallenge(), 1);
            b.verify(ra, 0);
            a.verify(rb, 1);
        }
    }

    @Test
    void cramHmacRefusesWrongSecretAndReflection() throws Exception {
        HmacAlgorithm sha256 = HmacAlgorithm.forName("sha256").orElseThrow();
        CramHmac a = new CramHmac(sha256, "right", true, new SecureRandom());
        CramHmac b = new CramHmac(sha256, "wrong", true, new SecureRandom());
        byte[] rb = b.respond(a.myChallenge(), 1);
        assertThrows(CramHmac.AuthenticationException.class, () -> a.verify(rb, 1));
        assertThrows(CramHmac.AuthenticationException.class, () -> a.respond(a.myChallenge(), 0));
        assertThrows(CramHmac.AuthenticationException.class, () -> a.respond(new byte[10], 0));
        // dialect 9 binds the node id: a correct HMAC for another node id is refused
        CramHmac c = new CramHmac(sha256, "right", true, new SecureRandom());
        byte[] rc = c.respond(a.myChallenge(), 7);
        assertThrows(CramHmac.AuthenticationException.class, () -> a.verify(rc, 1));
    }

    @Test
    void protocolCompatibility() {
        ProtocolParams c = new ProtocolParams(3, 0, 0, 0, 0, false, "");
        assertNull(ProtocolCompatibility.check(c, c));
        assertNotNull(ProtocolCompatibility.check(c, new ProtocolParams(1, 0, 0, 0, 0, false, "")));
        assertNotNull(ProtocolCompatibility.check(c, new ProtocolParams(3, 0, 0, 0, 0, true, "")));
        assertNotNull(ProtocolCompatibility.check(c, new ProtocolParams(3, 0, 0, 0, 0, false, "crc32c")));
        // discard-local here matches discard-remote there
        assertNull(ProtocolCompatibility.check(new ProtocolParams(3, 5, 0, 0, 0, false, ""),
                new ProtocolParams(3, 6, 0, 0, 0, false, "")));
        assertNotNull(ProtocolCompatibility.check(new ProtocolParams(3, 5, 0, 0, 0, false, ""),
                new ProtocolParams(3, 5, 0, 0, 0, false, "")));
        assertNotNull(ProtocolCompatibility.check(new ProtocolParams(3, 0, 0, 0, 1, false, ""),
                new ProtocolParams(3, 0, 0, 0, 1, false, "")));
    }
}
