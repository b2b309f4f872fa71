package io.scstdrbd.iscsi.conn;

import io.scstdrbd.iscsi.login.LoginException;
import io.scstdrbd.iscsi.login.LoginNegotiator;
import io.scstdrbd.iscsi.login.LoginStatus;
import io.scstdrbd.iscsi.session.IscsiSession;
import io.scstdrbd.iscsi.session.SessionIdentity;
import io.scstdrbd.iscsi.session.SessionRegistry;
import io.scstdrbd.scst.fabric.ScsiSession;
import io.scstdrbd.scst.fabric.SessionKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of a login, off the event loops (opening a SCSI session may wait on the core's
 * configuration lock): checks a non-zero TSIH, reserves the TSIH, ends the session this login
 * reinstates, opens the I_T nexus in the SCSI core. Exactly one callback runs, on the login
 * executor; the caller carries it to its event loop.
 */
final class SessionOpener {
    private static final Logger LOG = LoggerFactory.getLogger(SessionOpener.class);

    /** How an opening ended. */
    interface Callback {
        /** The TSIH is reserved and (for a normal session) the nexus open; the caller publishes the session. */
        void opened(int tsih, ScsiSession scsi);

        /** Nothing was reserved or opened (or it has been undone). */
        void failed(LoginException e);

        /**
         * The SCSI core ended the nexus on its own (TARGET COLD RESET from another session):
         * drop the connection without a logout, as RFC 7143 asks of a cold reset.
         */
        void endedByCore();
    }

    private SessionOpener() {
    }

    /**
     * @param requestedTsih the login's TSIH: 0 for a new session (any existing session of the same
     *                      identity is reinstated), else the session this connection continues
     * @param targetName    null for a discovery session
     */
    static void open(PortalContext portal, SessionIdentity id, int requestedTsih, int maxSessions,
                     String initiatorName, String targetName, String peer, Callback callback) {
        portal.loginExecutor().execute(() -> {
            SessionRegistry.Reservation r = null;
            ScsiSession scsi = null;
            try {
                if (requestedTsih != 0) {
                    IscsiSession existing = portal.sessions().find(requestedTsih);
                    if (existing == null || !existing.identity().equals(id)) {
                        throw new LoginException(LoginStatus.SESSION_DOES_NOT_EXIST,
                                "TSIH " + requestedTsih + " names no session of " + id);
                    }
                }
                r = portal.sessions().reserve(id, maxSessions, requestedTsih);
                if (r.replaced() != null) {
                    LOG.info("{}: reinstating {}", peer, r.replaced());
                    r.replaced().close();
                    r.replaced().connection().terminate("session reinstated by a new login");
                }
                if (targetName != null) {
                    String port = SessionIdentity.initiatorPortName(initiatorName, id.isid());
                    scsi = portal.core().openSession(new SessionKey("iscsi", targetName, initiatorName, port,
                            SessionIdentity.transportId(initiatorName, id.isid()), LoginNegotiator.PORTAL_GROUP_TAG),
                            callback::endedByCore);
                }
                callback.opened(r.tsih(), scsi);
            } catch (LoginException e) {
                if (r != null) {
                    portal.sessions().cancel(r.tsih());
                }
                callback.failed(e);
            } catch (RuntimeException e) {
                LOG.error("{}: opening the session failed", peer, e);
                if (scsi != null) {
                    scsi.close();
                }
                if (r != null) {
                    portal.sessions().cancel(r.tsih());
                }
                callback.failed(new LoginException(LoginStatus.TARGET_ERROR, e.toString()));
            }
        });
    }
}
