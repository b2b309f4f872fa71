package io.scstdrbd.fuse.fs;

import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.fuse.protocol.FuseAttr;
import io.scstdrbd.fuse.protocol.StatxOut;
import io.scstdrbd.kernel.block.BlockDevice;

/**
 * stat(2) data of tree nodes. Block nodes are regular files (tools such as mkfs, mount -o loop
 * and fsck take regular files; FUSE cannot show S_IFBLK without the kernel treating the node as
 * one of its own devices) of the device's size with its physical block size as st_blksize.
 * Proc nodes have size 0 like /proc files; every read regenerates them. Owner: the daemon's user.
 */
public final class NodeAttributes {
    private final int uid;
    private final int gid;
    private final long timeSec;
    private final int timeNsec;

    public NodeAttributes(int uid, int gid, long epochMillis) {
        this.uid = uid;
        this.gid = gid;
        this.timeSec = epochMillis / 1000;
        this.timeNsec = (int) (epochMillis % 1000) * 1_000_000;
    }

    public FuseAttr of(FsNode n) {
        int perm = FuseTree.permissions(n);
        if (n instanceof FsNode.Block b) {
            BlockDevice d = b.device();
            long size = d.capacity();
            return new FuseAttr(n.id(), size, (size + 511) / 512, timeSec, timeSec, timeSec, timeNsec, timeNsec,
                    timeNsec, Fuse.S_IFREG | perm, 1, uid, gid, 0, d.physicalBlockSize(), 0);
        }
        if (n instanceof FsNode.Proc) {
            return new FuseAttr(n.id(), 0, 0, timeSec, timeSec, timeSec, timeNsec, timeNsec, timeNsec,
                    Fuse.S_IFREG | perm, 1, uid, gid, 0, 4096, 0);
        }
        return new FuseAttr(n.id(), 0, 0, timeSec, timeSec, timeSec, timeNsec, timeNsec, timeNsec,
                Fuse.S_IFDIR | perm, 2, uid, gid, 0, 4096, 0);
    }

    /** The same facts as a statx reply (STATX_BASIC_STATS). */
    public StatxOut statx(FsNode n, long validSec, int validNsec) {
        FuseAttr a = of(n);
        return new StatxOut(validSec, validNsec, StatxOut.STATX_BASIC_STATS, a.blksize(), a.nlink(), a.uid(), a.gid(),
                a.mode(), a.ino(), a.size(), a.blocks(), timeSec, timeNsec);
    }
}
