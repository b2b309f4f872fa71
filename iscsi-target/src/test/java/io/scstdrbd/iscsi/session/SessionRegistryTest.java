package io.scstdrbd.iscsi.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.iscsi.login.LoginException;
import io.scstdrbd.iscsi.login.LoginStatus;
import io.scstdrbd.iscsi.login.NegotiatedParameters;
import org.junit.jupiter.api.Test;

class SessionRegistryTest {
    private final SessionRegistry r = new SessionRegistry();
    private static final SessionConnection NONE = new SessionConnection() {
        @Override
        public void terminate(String reason) {
        }

        @Override
        public int activeCommands() {
            return 0;
        }
    };

    private IscsiSession add(SessionIdentity id, int max) throws LoginException {
        SessionRegistry.Reservation res = r.reserve(id, max);
        IscsiSession s = new IscsiSession(id, res.tsih(), null, NegotiatedParameters.rfcDefaults(), NONE);
        r.add(s);
        return s;
    }

    @Test
    void tsihsAreUniqueAndNonZero() throws Exception {
        IscsiSession a = add(new SessionIdentity("iqn.a", 1, "iqn.t"), 0);
        IscsiSession b = add(new SessionIdentity("iqn.a", 2, "iqn.t"), 0);
        assertNotEquals(0, a.tsih());
        assertNotEquals(a.tsih(), b.tsih());
        assertSame(a, r.find(a.tsih()));
        assertEquals(2, r.all().size());
    }

    @Test
    void sameInitiatorPortReinstates() throws Exception {
        IscsiSession a = add(new SessionIdentity("IQN.A", 1, "iqn.t"), 0);
        SessionRegistry.Reservation res = r.reserve(new SessionIdentity("iqn.a", 1, "IQN.T"), 0);
        assertSame(a, res.replaced());
        assertNull(r.find(a.tsih()));
        SessionRegistry.Reservation keep = r.reserve(new SessionIdentity("iqn.b", 1, "iqn.t"), 0);
        assertNull(keep.replaced());
    }

    @Test
    void reinstatementMayKeepTheTsih() throws Exception {
        IscsiSession a = add(new SessionIdentity("iqn.a", 1, "iqn.t"), 0);
        SessionRegistry.Reservation res = r.reserve(new SessionIdentity("iqn.a", 1, "iqn.t"), 0, a.tsih());
        assertEquals(a.tsih(), res.tsih());
        assertSame(a, res.replaced());
    }

    @Test
    void maxSessionsAndClosedLogins() throws Exception {
        add(new SessionIdentity("iqn.a", 1, "iqn.t"), 1);
        assertEquals(LoginStatus.OUT_OF_RESOURCES, assertThrows(LoginException.class,
                () -> r.reserve(new SessionIdentity("iqn.b", 1, "iqn.t"), 1)).status());
        add(new SessionIdentity("iqn.b", 1, "iqn.other"), 1);
        add(new SessionIdentity("iqn.b", 1, null), 1); // discovery sessions do not count
        r.closeLogins();
        assertTrue(r.loginsClosed());
        assertEquals(LoginStatus.SERVICE_UNAVAILABLE, assertThrows(LoginException.class,
                () -> r.reserve(new SessionIdentity("iqn.c", 1, "iqn.t"), 0)).status());
    }

    @Test
    void removeOnlyRemovesThatSession() throws Exception {
        IscsiSession a = add(new SessionIdentity("iqn.a", 1, "iqn.t"), 0);
        SessionRegistry.Reservation res = r.reserve(new SessionIdentity("iqn.a", 1, "iqn.t"), 0);
        IscsiSession b = new IscsiSession(a.identity(), res.tsih(), null, NegotiatedParameters.rfcDefaults(), NONE);
        r.add(b);
        r.remove(a); // the old connection closing late must not remove the new session
        assertSame(b, r.find(b.tsih()));
        assertEquals("iqn.a,i,0x000000000001", SessionIdentity.initiatorPortName("iqn.a", 1));
    }
}
