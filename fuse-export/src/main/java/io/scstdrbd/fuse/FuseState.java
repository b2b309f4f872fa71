package io.scstdrbd.fuse;

/** Lifecycle of the FUSE export. */
public enum FuseState {
    CREATED,
    /** Mounted and served by the reader threads. */
    SERVING,
    /** Shutdown asked: unmount attempts continue (still serving) until nothing holds a node. */
    UNMOUNTING,
    STOPPED;

    public boolean canMoveTo(FuseState next) {
        switch (this) {
            case CREATED:
                return next == SERVING || next == STOPPED;
            case SERVING:
                return next == UNMOUNTING;
            case UNMOUNTING:
                return next == STOPPED;
            default:
                return false;
        }
    }
}
