package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.fs.DirEntry;
import io.scstdrbd.fuse.fs.FsNode;
import io.scstdrbd.fuse.fs.FuseTree;
import io.scstdrbd.fuse.fs.HandleTable;
import io.scstdrbd.fuse.fs.OpenFile;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.fuse.fs.NodeAttributes;
import io.scstdrbd.fuse.protocol.AttrOut;
import io.scstdrbd.fuse.protocol.Dirent;
import io.scstdrbd.fuse.protocol.EntryOut;
import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.fuse.protocol.GetattrIn;
import io.scstdrbd.fuse.protocol.OpenOut;
import io.scstdrbd.fuse.protocol.ReadIn;
import io.scstdrbd.fuse.protocol.ReleaseIn;
import io.scstdrbd.fuse.protocol.SetattrIn;
import io.scstdrbd.fuse.protocol.StatfsOut;
import io.scstdrbd.fuse.protocol.StatxIn;
import io.scstdrbd.fuse.protocol.StatxOut;
import io.scstdrbd.fuse.protocol.Wire;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Requests about names and attributes: LOOKUP, GETATTR, STATX, SETATTR, STATFS, OPENDIR, READDIR,
 * RELEASEDIR. All answered on the reader thread from the tree, without I/O.
 *
 * <p>SETATTR policy: mode and owner changes are EPERM, a size other than the current one is
 * EPERM (devices are not truncated), time updates are accepted and ignored (touch works).
 */
final class MetadataOps {
    private final FuseTree tree;
    private final NodeAttributes attrs;
    private final HandleTable<OpenFile> files;
    private final LongSupplier attrTimeoutMillis;
    private final RateLimitedLog warnings;

    MetadataOps(FuseTree tree, NodeAttributes attrs, HandleTable<OpenFile> files, LongSupplier attrTimeoutMillis,
            RateLimitedLog warnings) {
        this.tree = tree;
        this.attrs = attrs;
        this.files = files;
        this.attrTimeoutMillis = attrTimeoutMillis;
        this.warnings = warnings;
    }

    private long validSec() {
        return attrTimeoutMillis.getAsLong() / 1000;
    }

    private int validNsec() {
        return (int) (attrTimeoutMillis.getAsLong() % 1000) * 1_000_000;
    }

    void lookup(FuseRequest req) {
        FsNode parent = tree.get(req.nodeid());
        if (parent == null) {
            req.replyError(Errno.ENOENT);
            return;
        }
        if (!(parent instanceof FsNode.Dir dir)) {
            req.replyError(Errno.ENOTDIR);
            return;
        }
        String name = Wire.cString(req.mem(), req.body(), req.bodyLength());
        if (name == null) {
            warnings.warn("lookupname", "FUSE LOOKUP without a NUL-terminated name: answered EINVAL");
            req.replyError(Errno.EINVAL);
            return;
        }
        if (name.length() > 255) {
            req.replyError(Errno.ENAMETOOLONG);
            return;
        }
        FsNode child = tree.lookup(dir, name);
        if (child == null) {
            req.replyError(Errno.ENOENT);
            return;
        }
        long sec = validSec();
        int nsec = validNsec();
        new EntryOut(child.id(), 0, sec, sec, nsec, nsec, attrs.of(child)).encode(req.mem(), FuseRequest.BODY);
        req.replyBody(EntryOut.SIZE);
    }

    void getattr(FuseRequest req) {
        if (req.rejectShortBody(GetattrIn.SIZE, warnings)) {
            return;
        }
        FsNode n = tree.get(req.nodeid());
        if (n == null) {
            req.replyError(Errno.ENOENT);
            return;
        }
        replyAttr(req, n);
    }

    private void replyAttr(FuseRequest req, FsNode n) {
        new AttrOut(validSec(), validNsec(), attrs.of(n)).encode(req.mem(), FuseRequest.BODY);
        req.replyBody(AttrOut.SIZE);
    }

    void statx(FuseRequest req) {
        if (req.rejectShortBody(StatxIn.SIZE, warnings)) {
            return;
        }
        FsNode n = tree.get(req.nodeid());
        if (n == null) {
            req.replyError(Errno.ENOENT);
            return;
        }
        attrs.statx(n, validSec(), validNsec()).encode(req.mem(), FuseRequest.BODY);
        req.replyBody(StatxOut.SIZE);
    }

    void setattr(FuseRequest req) {
        if (req.rejectShortBody(SetattrIn.SIZE, warnings)) {
            return;
        }
        FsNode n = tree.get(req.nodeid());
        if (n == null) {
            req.replyError(Errno.ENOENT);
            return;
        }
        SetattrIn in = SetattrIn.decode(req.mem(), req.body());
        if (in.has(Fuse.FATTR_MODE) || in.has(Fuse.FATTR_UID) || in.has(Fuse.FATTR_GID)) {
            req.replyError(Errno.EPERM);
            return;
        }
        if (in.has(Fuse.FATTR_SIZE) && in.size() != attrs.of(n).size()) {
            req.replyError(n instanceof FsNode.Dir ? Errno.EISDIR : Errno.EPERM);
            return;
        }
        replyAttr(req, n);
    }

    void statfs(FuseRequest req) {
        long blocks = tree.totalCapacity() / 4096;
        new StatfsOut(blocks, 0, 0, tree.knownNodes(), 0, 4096, 255, 4096).encode(req.mem(), FuseRequest.BODY);
        req.replyBody(StatfsOut.SIZE);
    }

    void opendir(FuseRequest req) {
        FsNode n = tree.get(req.nodeid());
        if (n == null) {
            req.replyError(Errno.ENOENT);
            return;
        }
        if (!(n instanceof FsNode.Dir dir)) {
            req.replyError(Errno.ENOTDIR);
            return;
        }
        long fh = files.add(new OpenFile.DirListing(dir, tree.list(dir)));
        OpenOut.put(req.mem(), FuseRequest.BODY, fh, 0);
        req.replyBody(OpenOut.SIZE);
    }

    void readdir(FuseRequest req) {
        if (req.rejectShortBody(ReadIn.SIZE, warnings)) {
            return;
        }
        ReadIn in = ReadIn.decode(req.mem(), req.body());
        if (!(files.get(in.fh()) instanceof OpenFile.DirListing listing)) {
            req.replyError(Errno.EBADF);
            return;
        }
        List<DirEntry> entries = listing.entries();
        int max = Math.min(Math.max(in.size(), 0), FuseRequest.INPUT_SIZE);
        ByteBuffer m = req.mem();
        int at = FuseRequest.INPUT_OFFSET;
        int used = 0;
        // offsets: 0 is ".", 1 is "..", 2 + k is entries[k]; each dirent carries the next offset
        for (long i = Math.max(0, in.offset()); i < entries.size() + 2L; i++) {
            Dirent d;
            if (i == 0) {
                d = new Dirent(listing.dir().id(), 1, Fuse.DT_DIR, ".");
            } else if (i == 1) {
                d = new Dirent(parentId(listing.dir()), 2, Fuse.DT_DIR, "..");
            } else {
                DirEntry e = entries.get((int) (i - 2));
                d = new Dirent(e.id(), i + 1, e.directory() ? Fuse.DT_DIR : Fuse.DT_REG, e.name());
            }
            int size = d.encodedSize();
            if (used + size > max) {
                break;
            }
            used += d.encode(m, at + used);
        }
        req.replyData(at, used);
    }

    private long parentId(FsNode.Dir dir) {
        String p = dir.path();
        if (p.isEmpty()) {
            return FuseTree.ROOT_ID;
        }
        int slash = p.lastIndexOf('/');
        FsNode parent = tree.resolve(slash < 0 ? "" : p.substring(0, slash));
        return parent != null ? parent.id() : FuseTree.ROOT_ID;
    }

    void releasedir(FuseRequest req) {
        if (req.rejectShortBody(ReleaseIn.SIZE, warnings)) {
            return;
        }
        files.remove(ReleaseIn.decode(req.mem(), req.body()).fh());
        req.replyOk();
    }
}
