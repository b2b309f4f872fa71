package io.scstdrbd.iscsi.conn;

import io.scstdrbd.iscsi.config.IscsiConfig;
import io.scstdrbd.iscsi.session.SessionRegistry;
import io.scstdrbd.scst.fabric.ScsiTargetCore;
import java.security.SecureRandom;
import java.util.concurrent.Executor;

/**
 * What every connection of a portal shares.
 *
 * @param loginExecutor runs the blocking parts of a login (opening the SCSI session), off the event loops
 * @param loginTimeoutMillis a connection that has not completed its login by then is closed
 */
public record PortalContext(IscsiConfig config, ScsiTargetCore core, SessionRegistry sessions,
                            Executor loginExecutor, SecureRandom random, long loginTimeoutMillis) {
}
