package io.scstdrbd.fuse.fs;

/**
 * Tells the kernel that the tree changed behind its caches (FUSE notifications).
 *
 * <p>Threading: may be called from any thread, including from inside registry listeners;
 * implementations never block the caller (the kernel may need a reader thread to finish
 * processing a notification).
 */
public interface TreeNotifications {
    /** {@code name} in directory {@code parent} is gone; {@code child} was its node id (0 if never looked up). */
    void entryDeleted(long parent, long child, String name);

    /** A cached lookup (positive or negative) of {@code name} in {@code parent} is out of date. */
    void entryChanged(long parent, String name);

    /** The attributes (e.g. the size) of node {@code id} changed. */
    void attributesChanged(long id);
}
