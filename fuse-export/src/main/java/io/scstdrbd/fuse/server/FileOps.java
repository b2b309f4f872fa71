package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.block.BlockNodeIo;
import io.scstdrbd.fuse.block.RangeLock;
import io.scstdrbd.fuse.block.WriterGrace;
import io.scstdrbd.fuse.fs.FsNode;
import io.scstdrbd.fuse.fs.FuseTree;
import io.scstdrbd.fuse.fs.HandleTable;
import io.scstdrbd.fuse.fs.OpenFile;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.fuse.protocol.FallocateIn;
import io.scstdrbd.fuse.protocol.FsyncIn;
import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.fuse.protocol.OpenIn;
import io.scstdrbd.fuse.protocol.OpenOut;
import io.scstdrbd.fuse.protocol.ReadIn;
import io.scstdrbd.fuse.protocol.ReleaseIn;
import io.scstdrbd.fuse.protocol.WriteIn;
import io.scstdrbd.fuse.protocol.WriteOut;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.KernelException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests on open files: OPEN, READ, WRITE, FSYNC, FALLOCATE, RELEASE. Block nodes go to the
 * device asynchronously (the request is detached and replies from the completion); proc nodes are
 * answered on the reader thread (text regenerated on every read, one {@code write} per WRITE).
 *
 * <p>Opens: O_ACCMODE becomes the registry's open mode, the holder is "fuse pid N (comm)", and a
 * conflict with another FUSE writer waits for its release (see {@link WriterGrace}). Every node is
 * opened FOPEN_DIRECT_IO (no page cache between FUSE and the other paths to the device); block
 * nodes opened for writing also get FOPEN_PARALLEL_DIRECT_WRITES; O_DSYNC opens write with FUA.
 */
final class FileOps {
    private static final Logger LOG = LoggerFactory.getLogger(FileOps.class);

    private final FuseTree tree;
    private final HandleTable<OpenFile> files;
    private final WriterGrace opens;
    private final RateLimitedLog warnings;

    FileOps(FuseTree tree, HandleTable<OpenFile> files, WriterGrace opens, RateLimitedLog warnings) {
        this.tree = tree;
        this.files = files;
        this.opens = opens;
        this.warnings = warnings;
    }

    boolean open(FuseRequest req) {
        if (req.rejectShortBody(OpenIn.SIZE, warnings)) {
            return false;
        }
        FsNode n = tree.get(req.nodeid());
        if (n == null) {
            req.replyError(Errno.ENOENT);
            return false;
        }
        OpenIn in = OpenIn.decode(req.mem(), req.body());
        boolean wantsWrite = in.accessMode() != Fuse.O_RDONLY;
        if (n instanceof FsNode.Dir) {
            req.replyError(Errno.EISDIR);
            return false;
        }
        if (n instanceof FsNode.Proc p) {
            int perm = FuseTree.permissions(p);
            if (wantsWrite ? (perm & 0222) == 0 : (perm & 0444) == 0) {
                req.replyError(Errno.EACCES);
                return false;
            }
            long fh = files.add(new OpenFile.ProcFile(p, wantsWrite));
            OpenOut.put(req.mem(), FuseRequest.BODY, fh, Fuse.FOPEN_DIRECT_IO);
            req.replyBody(OpenOut.SIZE);
            return false;
        }
        FsNode.Block b = (FsNode.Block) n;
        OpenMode mode = wantsWrite ? OpenMode.READ_WRITE : OpenMode.READ;
        boolean dsync = (in.flags() & Fuse.O_DSYNC) != 0;
        req.detach();
        opens.open(b.device().name(), mode, Holders.of(req.pid()), new WriterGrace.OpenDone() {
            @Override
            public void opened(DeviceHandle handle) {
                long fh = files.add(new OpenFile.BlockFile(b, handle, new RangeLock(), dsync));
                int flags = Fuse.FOPEN_DIRECT_IO | (wantsWrite ? Fuse.FOPEN_PARALLEL_DIRECT_WRITES : 0);
                OpenOut.put(req.mem(), FuseRequest.BODY, fh, flags);
                req.replyBody(OpenOut.SIZE);
            }

            @Override
            public void failed(KernelException error) {
                LOG.info("open of {} for {} refused: {}", b.path(), mode == OpenMode.READ ? "reading" : "writing",
                        error.getMessage());
                req.replyError(error.errno());
            }
        });
        return true;
    }

    void release(FuseRequest req) {
        if (req.rejectShortBody(ReleaseIn.SIZE, warnings)) {
            return;
        }
        OpenFile f = files.remove(ReleaseIn.decode(req.mem(), req.body()).fh());
        if (f instanceof OpenFile.BlockFile b) {
            boolean writer = b.handle().mode().writable();
            b.handle().close();
            if (writer) {
                opens.released(b.node().device().name());
            }
        }
        req.replyOk();
    }

    boolean read(FuseRequest req) {
        if (req.rejectShortBody(ReadIn.SIZE, warnings)) {
            return false;
        }
        ReadIn in = ReadIn.decode(req.mem(), req.body());
        OpenFile f = files.get(in.fh());
        if (f instanceof OpenFile.BlockFile b) {
            int size = Math.min(Math.max(in.size(), 0),
                    FuseRequest.INPUT_SIZE - BlockNodeIo.readSlack(b.handle().device()));
            req.detach();
            BlockNodeIo.read(b.handle(), in.offset(), size, req.readTarget(), req);
            return true;
        }
        if (f instanceof OpenFile.ProcFile p) {
            readProc(req, p, in);
            return false;
        }
        req.replyError(f instanceof OpenFile.DirListing ? Errno.EISDIR : Errno.EBADF);
        return false;
    }

    private void readProc(FuseRequest req, OpenFile.ProcFile p, ReadIn in) {
        byte[] text;
        try {
            text = p.node().node().read().getBytes(StandardCharsets.UTF_8);
        } catch (KernelException e) {
            warnings.warn("read " + p.node().path(), "read of {} failed: {}", p.node().path(), e.toString());
            req.replyError(e.errno());
            return;
        }
        long off = in.offset();
        if (off < 0) {
            req.replyError(Errno.EINVAL);
            return;
        }
        int n = off >= text.length ? 0 : (int) Math.min(Math.min(in.size(), FuseRequest.INPUT_SIZE), text.length - off);
        req.mem().put(FuseRequest.INPUT_OFFSET, text, (int) Math.min(off, text.length), n);
        req.replyData(FuseRequest.INPUT_OFFSET, n);
    }

    boolean write(FuseRequest req) {
        if (req.rejectShortBody(WriteIn.SIZE, warnings)) {
            return false;
        }
        WriteIn in = WriteIn.decode(req.mem(), req.body());
        if (in.size() < 0 || in.size() > req.bodyLength() - WriteIn.SIZE) {
            warnings.warn("writesize", "FUSE WRITE announces {} bytes but carries {}: answered EINVAL", in.size(),
                    req.bodyLength() - WriteIn.SIZE);
            req.replyError(Errno.EINVAL);
            return false;
        }
        OpenFile f = files.get(in.fh());
        int dataAt = req.body() + WriteIn.SIZE;
        if (f instanceof OpenFile.BlockFile b) {
            if (!b.handle().mode().writable()) {
                req.replyError(Errno.EBADF);
                return false;
            }
            req.detach();
            BlockNodeIo.write(b.handle(), b.writes(), in.offset(), req.dataSlice(dataAt, in.size()), req.scratch(),
                    b.dsync() ? Bio.FUA : 0, req);
            return true;
        }
        if (f instanceof OpenFile.ProcFile p) {
            if (!p.writable()) {
                req.replyError(Errno.EBADF);
                return false;
            }
            byte[] bytes = new byte[in.size()];
            req.mem().get(dataAt, bytes);
            try {
                p.node().node().write(new String(bytes, StandardCharsets.UTF_8));
            } catch (KernelException e) {
                LOG.warn("write to {} failed: {}", p.node().path(), e.toString());
                req.replyError(e.errno());
                return false;
            }
            WriteOut.put(req.mem(), FuseRequest.BODY, in.size());
            req.replyBody(WriteOut.SIZE);
            return false;
        }
        req.replyError(f instanceof OpenFile.DirListing ? Errno.EISDIR : Errno.EBADF);
        return false;
    }

    boolean fsync(FuseRequest req) {
        if (req.rejectShortBody(FsyncIn.SIZE, warnings)) {
            return false;
        }
        OpenFile f = files.get(FsyncIn.decode(req.mem(), req.body()).fh());
        if (f instanceof OpenFile.BlockFile b) {
            req.detach();
            BlockNodeIo.flush(b.handle(), req);
            return true;
        }
        if (f == null) {
            req.replyError(Errno.EBADF);
        } else {
            req.replyOk(); // proc nodes have nothing to make durable
        }
        return false;
    }

    boolean fallocate(FuseRequest req) {
        if (req.rejectShortBody(FallocateIn.SIZE, warnings)) {
            return false;
        }
        FallocateIn in = FallocateIn.decode(req.mem(), req.body());
        OpenFile f = files.get(in.fh());
        if (f instanceof OpenFile.BlockFile b) {
            if (!b.handle().mode().writable()) {
                req.replyError(Errno.EBADF);
                return false;
            }
            req.detach();
            BlockNodeIo.fallocate(b.handle(), b.writes(), in.mode(), in.offset(), in.length(), req);
            return true;
        }
        req.replyError(f == null ? Errno.EBADF : Errno.EOPNOTSUPP);
        return false;
    }
}
