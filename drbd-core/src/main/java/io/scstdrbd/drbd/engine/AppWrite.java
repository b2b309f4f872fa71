package io.scstdrbd.drbd.engine;

import io.scstdrbd.drbd.replication.RangeLock;
import io.scstdrbd.kernel.block.Bio;

/**
 * One application write in flight: it completes when the local write and every peer part are
 * done. A peer part is done when its data has left the socket and, for protocols B and C, its ack
 * arrived, or when the connection was lost (the blocks are then marked out of sync). The range
 * lock is released as soon as the local write is done, so an overlapping write can follow while
 * acks are outstanding.
 *
 * <p>Threading: thread-safe (local completions arrive on backend threads, peer events on the
 * resource loop).
 */
final class AppWrite {
    final Bio bio;
    final VolumeEngine volume;
    final long sector;
    final long sectors;
    long dagtagEnd;
    volatile RangeLock.Range range;
    private int pending = 1; // the arming token
    private int localErrno;
    private boolean localDone = true;
    private boolean peerOk;
    private boolean completed;

    AppWrite(Bio bio, VolumeEngine volume) {
        this.bio = bio;
        this.volume = volume;
        this.sector = bio.sector();
        this.sectors = bio.size() >>> Bio.SECTOR_SHIFT;
    }

    synchronized void addLocal() {
        pending++;
        localDone = false;
    }

    synchronized void addPeer() {
        pending++;
    }

    /** The local write finished. */
    void localDone(int errno) {
        RangeLock.Range r;
        synchronized (this) {
            localErrno = errno;
            localDone = true;
            r = range;
            range = null;
        }
        if (r != null) {
            r.release();
        }
        partDone();
    }

    /** A peer part finished; {@code ok} if the peer has the data. */
    void peerDone(boolean ok) {
        synchronized (this) {
            if (ok) {
                peerOk = true;
            }
        }
        partDone();
    }

    /** All parts were registered. */
    void armed() {
        RangeLock.Range r = null;
        synchronized (this) {
            if (localDone && range != null) {
                r = range; // no local part: nothing to order locally
                range = null;
            }
        }
        if (r != null) {
            r.release();
        }
        partDone();
    }

    private void partDone() {
        int result;
        synchronized (this) {
            if (--pending > 0 || completed) {
                return;
            }
            completed = true;
            result = localErrno == 0 || peerOk ? 0 : localErrno;
        }
        volume.writeFinished(this);
        bio.complete(result);
    }
}
