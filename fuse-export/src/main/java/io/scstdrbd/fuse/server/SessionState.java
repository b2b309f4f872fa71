package io.scstdrbd.fuse.server;

/** The FUSE session as the protocol defines it: INIT first, then requests, then DESTROY or unmount. */
public enum SessionState {
    /** Mounted; the kernel's INIT has not been answered yet. Any other request is a protocol error. */
    AWAITING_INIT,
    /** INIT answered: requests are served. */
    RUNNING,
    /** DESTROY received or the connection is gone: nothing more is served. */
    CLOSED;

    public boolean canMoveTo(SessionState next) {
        switch (this) {
            case AWAITING_INIT:
                return next == RUNNING || next == CLOSED;
            case RUNNING:
                return next == CLOSED;
            default:
                return false;
        }
    }
}
