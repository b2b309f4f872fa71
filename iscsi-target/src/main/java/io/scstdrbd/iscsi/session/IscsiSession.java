package io.scstdrbd.iscsi.session;

import io.scstdrbd.iscsi.login.NegotiatedParameters;
import io.scstdrbd.scst.fabric.ScsiSession;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An iSCSI session (one connection: MaxConnections is 1). Created after a successful login,
 * ended when its connection ends (ErrorRecoveryLevel 0, DefaultTime2Retain 0).
 *
 * <p>Threading: the fields are set before the session is published; {@link #close} may be called
 * from any thread and runs once.
 */
public final class IscsiSession {
    private static final Logger LOG = LoggerFactory.getLogger(IscsiSession.class);

    private final SessionIdentity identity;
    private final int tsih;
    private final ScsiSession scsi;
    private final NegotiatedParameters parameters;
    private final SessionConnection connection;
    private final AtomicBoolean closed = new AtomicBoolean();

    public IscsiSession(SessionIdentity identity, int tsih, ScsiSession scsi, NegotiatedParameters parameters,
                        SessionConnection connection) {
        this.identity = identity;
        this.tsih = tsih;
        this.scsi = scsi;
        this.parameters = parameters;
        this.connection = connection;
    }

    public SessionIdentity identity() {
        return identity;
    }

    public int tsih() {
        return tsih;
    }

    public boolean discovery() {
        return identity.targetName() == null;
    }

    /** The SCSI nexus, or null for a discovery session. */
    public ScsiSession scsi() {
        return scsi;
    }

    public NegotiatedParameters parameters() {
        return parameters;
    }

    public SessionConnection connection() {
        return connection;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Ends the SCSI nexus (outstanding commands are aborted). Idempotent. */
    public void close() {
        if (closed.compareAndSet(false, true) && scsi != null) {
            try {
                scsi.close();
            } catch (RuntimeException e) {
                LOG.error("closing the SCSI session of {} failed", identity, e);
            }
        }
    }

    @Override
    public String toString() {
        return "session " + identity + " TSIH " + tsih;
    }
}
