package io.scstdrbd.iscsi.session;

/**
 * The connection a session runs on, as the session layer sees it.
 *
 * <p>Threading: {@link #terminate} may be called from any thread; it never blocks.
 */
public interface SessionConnection {
    /** Closes the connection (session reinstatement, shutdown); its session ends with it. */
    void terminate(String reason);

    /** Number of SCSI commands the connection has in progress. */
    int activeCommands();
}
