package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.block.BlockNodeIo;
import io.scstdrbd.fuse.block.RangeLock;
import io.scstdrbd.fuse.block.WriterGrace;
import io.scstdrbd.fuse.fs.DirEntry;
import io.scstdrbd.fuse.fs.FsNode;
import io.scstdrbd.fuse.fs.FuseTree;
import io.scstdrbd.fuse.fs.HandleTable;
import io.scstdrbd.fuse.fs.NodeAttributes;
import io.scstdrbd.fuse.fs.OpenFile;
import io.scstdrbd.fuse.protocol.AttrOut;
import io.scstdrbd.fuse.protocol.Dirent;
import io.scstdrbd.fuse.protocol.EntryOut;
import io.scstdrbd.fuse.protocol.FallocateIn;
import io.scstdrbd.fuse.protocol.FsyncIn;
import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.fuse.protocol.FuseOpcode;
import io.scstdrbd.fuse.protocol.GetattrIn;
import io.scstdrbd.fuse.protocol.InitIn;
import io.scstdrbd.fuse.protocol.InitOut;
import io.scstdrbd.fuse.protocol.OpenIn;
import io.scstdrbd.fuse.protocol.OpenOut;
import io.scstdrbd.fuse.protocol.ReadIn;
import io.scstdrbd.fuse.protocol.ReleaseIn;
import io.scstdrbd.fuse.protocol.SetattrIn;
import io.scstdrbd.fuse.protocol.StatfsOut;
import io.scstdrbd.fuse.protocol.StatxIn;
import io.scstdrbd.fuse.protocol.StatxOut;
import io.scstdrbd.fuse.protocol.Wire;
import io.scstdrbd.fuse.protocol.WriteIn;
import io.scstdrbd.fuse.protocol.WriteOut;
import io.scstdrbd.kernel.block.Bio;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each request, runs it against the tree, the open files and the block devices, and
 * encodes the reply. Metadata requests are answered on the reader thread; block I/O, fsync,
 * fallocate and opens that wait for a previous FUSE writer go asynchronous and reply from their
 * completion, so a reader never waits for I/O.
 *
 * <p>Policy (like /proc: only the daemon creates nodes): CREATE, MKNOD, MKDIR, SYMLINK, LINK,
 * UNLINK, RMDIR, RENAME, TMPFILE and SETATTR of mode, owner or size are EPERM (a size equal to the
 * current one is accepted, so O_TRUNC-style opens of proc nodes work); time updates are accepted
 * and ignored. Extended attributes and every opcode not handled here are ENOSYS (never ENODATA:
 * with ENOSYS the kernel stops asking). FORGET, BATCH_FORGET, INTERRUPT and NOTIFY_REPLY get no
 * reply.
 *
 * <p>Threading: {@link #dispatch} runs concurrently on all reader threads.
 */
public final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Kernel minor versions older than this lack max_pages (1 MiB requests). */
    static final int MIN_KERNEL_MINOR = 28;
    static final int MAX_PAGES = FuseRequest.MAX_WRITE / 4096;
    static final int MAX_BACKGROUND = 64;
    static final int WANTED_INIT_FLAGS = Fuse.ASYNC_READ | Fuse.ATOMIC_O_TRUNC | Fuse.BIG_WRITES | Fuse.ASYNC_DIO
            | Fuse.PARALLEL_DIROPS | Fuse.MAX_PAGES;

    private final FuseTree tree;
    private final NodeAttributes attrs;
    private final HandleTable<OpenFile> files;
    private final WriterGrace opens;
    private final LongSupplier attrTimeoutMillis;
    private final RateLimitedLog warnings = new RateLimitedLog(LOG);
    private final AtomicReference<SessionState> state = new AtomicReference<>(SessionState.AWAITING_INIT);
    private volatile Runnable onInit = () -> { };

    /**
     * @param attrTimeoutMillis how long the kernel may cache names and attributes (read per reply,
     *                          so a module parameter can change it at run time)
     */
    public Dispatcher(FuseTree tree, NodeAttributes attrs, HandleTable<OpenFile> files, WriterGrace opens,
            LongSupplier attrTimeoutMillis) {
        this.tree = tree;
        this.attrs = attrs;
        this.files = files;
        this.opens = opens;
        this.attrTimeoutMillis = attrTimeoutMillis;
    }

    /** Runs once the INIT reply is out (e.g. to start sending notifications). */
    public void onInit(Runnable r) {
        this.onInit = r;
    }

    public SessionState state() {
        return state.get();
    }

    /** The connection is gone (unmounted): no more requests will come. */
    public void close() {
        moveTo(SessionState.CLOSED);
    }

    private boolean moveTo(SessionState next) {
        while (true) {
            SessionState cur = state.get();
            if (!cur.canMoveTo(next)) {
                return false;
            }
            if (state.compareAndSet(cur, next)) {
                return true;
            }
        }
    }

    /**
     * Handles the request just read into {@code req}.
     *
     * @return true if the request went asynchronous and took the buffer with it
     */
    public boolean dispatch(FuseRequest req) {
        if (!req.parseHeader()) {
            warnings.warn("malformed", "malformed FUSE request ({} bytes read, header says {}): answered EIO",
                    req.length(), req.length() >= 4 ? req.mem().getInt(FuseRequest.INPUT_OFFSET) : -1);
            if (req.unique() != 0) {
                req.replyError(Errno.EIO);
            }
            return false;
        }
        FuseOpcode op = FuseOpcode.of(req.opcode());
        if (op == null) {
            warnings.warn("op" + req.opcode(), "unknown FUSE opcode {}: answered ENOSYS", req.opcode());
            req.replyError(Errno.ENOSYS);
            return false;
        }
        if (op.hasNoReply() || op == FuseOpcode.NOTIFY_REPLY) {
            return false; // FORGET: node ids stay valid while their node exists; nothing to count
        }
        SessionState s = state.get();
        if (op == FuseOpcode.INIT) {
            init(req);
            return false;
        }
        if (s != SessionState.RUNNING) {
            warnings.warn("state", "FUSE request {} in session state {}: answered EIO", op, s);
            req.replyError(Errno.EIO);
            return false;
        }
        try {
            return handle(op, req);
        } catch (RuntimeException e) {
            // a bug must cost one request, never the reader thread
            LOG.error("FUSE {} failed", op, e);
            if (!req.hasReplied()) {
                req.replyError(Errno.EIO);
            }
            return req.isDetached();
        }
    }

    private boolean handle(FuseOpcode op, FuseRequest req) {
        switch (op) {
            case LOOKUP:
                lookup(req);
                return false;
            case GETATTR:
                getattr(req);
                return false;
            case SETATTR:
                setattr(req);
                return false;
            case STATX:
                statx(req);
                return false;
            case OPEN:
                return open(req);
            case READ:
                return read(req);
            case WRITE:
                return write(req);
            case RELEASE:
                release(req);
                return false;
            case FLUSH:
            case FSYNCDIR:
                req.replyOk();
                return false;
            case FSYNC:
                return fsync(req);
            case FALLOCATE:
                return fallocate(req);
            case OPENDIR:
                opendir(req);
                return false;
            case READDIR:
                readdir(req);
                return false;
            case RELEASEDIR:
                files.remove(ReleaseIn.decode(req.mem(), req.body()).fh());
                req.replyOk();
                return false;
            case STATFS:
                statfs(req);
                return false;
            case DESTROY:
                moveTo(SessionState.CLOSED);
                req.replyOk();
                return false;
            case IOCTL:
                req.replyError(Errno.ENOTTY);
                return false;
            case READLINK:
                req.replyError(Errno.EINVAL);
                return false;
            case CREATE:
            case MKNOD:
            case MKDIR:
            case SYMLINK:
            case LINK:
            case UNLINK:
            case RMDIR:
            case RENAME:
            case RENAME2:
            case TMPFILE:
                req.replyError(Errno.EPERM);
                return false;
            default:
                // xattrs, locks, access, lseek, poll, bmap, copy_file_range, syncfs, mappings
                req.replyError(Errno.ENOSYS);
                return false;
        }
    }

    private boolean tooShort(FuseRequest req, int need, FuseOpcode op) {
        if (req.bodyLength() >= need) {
            return false;
        }
        warnings.warn("short" + op, "FUSE {} with a {}-byte body (needs {}): answered EINVAL", op,
                req.bodyLength(), need);
        req.replyError(Errno.EINVAL);
        return true;
    }

    // ---- INIT ----

    private void init(FuseRequest req) {
        ByteBuffer m = req.mem();
        if (req.bodyLength() < InitIn.SIZE_V1) {
            req.replyError(Errno.EINVAL);
            return;
        }
        InitIn in = InitIn.decode(m, req.body(), req.bodyLength());
        if (state.get() != SessionState.AWAITING_INIT) {
            warnings.warn("init2", "second FUSE INIT: answered EIO");
            req.replyError(Errno.EIO);
            return;
        }
        if (in.major() > Fuse.KERNEL_VERSION) {
            // the kernel retries with our major version
            new InitOut(Fuse.KERNEL_VERSION, Fuse.KERNEL_MINOR_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0)
                    .encode(m, FuseRequest.BODY);
            req.replyBody(InitOut.SIZE);
            return;
        }
        if (in.major() < Fuse.KERNEL_VERSION || in.minor() < MIN_KERNEL_MINOR) {
            LOG.error("the kernel speaks FUSE {}.{}; this daemon needs 7.{} or later", in.major(), in.minor(),
                    MIN_KERNEL_MINOR);
            req.replyError(Errno.EPROTO);
            moveTo(SessionState.CLOSED);
            return;
        }
        int flags = in.flags() & WANTED_INIT_FLAGS;
        int minor = Math.min(in.minor(), Fuse.KERNEL_MINOR_VERSION);
        new InitOut(Fuse.KERNEL_VERSION, minor, in.maxReadahead(), flags, MAX_BACKGROUND, MAX_BACKGROUND * 3 / 4,
                FuseRequest.MAX_WRITE, 1, MAX_PAGES, 0, 0).encode(m, FuseRequest.BODY);
        moveTo(SessionState.RUNNING);
        req.replyBody(InitOut.SIZE);
        LOG.info("FUSE session up: kernel 7.{}, speaking 7.{}, flags 0x{}, max_write {}", in.minor(), minor,
                Integer.toHexString(flags), FuseRequest.MAX_WRITE);
        onInit.run();
    }

    // ---- metadata ----

    private long validSec() {
        return attrTimeoutMillis.getAsLong() / 1000;
    }

    private int validNsec() {
        return (int) (attrTimeoutMillis.getAsLong() % 1000) * 1_000_000;
    }

    private void lookup(FuseRequest req) {
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
            tooShort(req, Integer.MAX_VALUE, FuseOpcode.LOOKUP);
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

    private void getattr(FuseRequest req) {
        if (tooShort(req, GetattrIn.SIZE, FuseOpcode.GETATTR)) {
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

    private void statx(FuseRequest req) {
        if (tooShort(req, StatxIn.SIZE, FuseOpcode.STATX)) {
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

    private void setattr(FuseRequest req) {
        if (tooShort(req, SetattrIn.SIZE, FuseOpcode.SETATTR)) {
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

    private void statfs(FuseRequest req) {
        long blocks = tree.totalCapacity() / 4096;
        new StatfsOut(blocks, 0, 0, tree.knownNodes(), 0, 4096, 255, 4096).encode(req.mem(), FuseRequest.BODY);
        req.replyBody(StatfsOut.SIZE);
    }

    private void opendir(FuseRequest req) {
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

    private void readdir(FuseRequest req) {
        if (tooShort(req, ReadIn.SIZE, FuseOpcode.READDIR)) {
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

    // ---- files ----

    private boolean open(FuseRequest req) {
        if (tooShort(req, OpenIn.SIZE, FuseOpcode.OPEN)) {
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

    private void release(FuseRequest req) {
        if (tooShort(req, ReleaseIn.SIZE, FuseOpcode.RELEASE)) {
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

    private boolean read(FuseRequest req) {
        if (tooShort(req, ReadIn.SIZE, FuseOpcode.READ)) {
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

    private boolean write(FuseRequest req) {
        if (tooShort(req, WriteIn.SIZE, FuseOpcode.WRITE)) {
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

    private boolean fsync(FuseRequest req) {
        if (tooShort(req, FsyncIn.SIZE, FuseOpcode.FSYNC)) {
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

    private boolean fallocate(FuseRequest req) {
        if (tooShort(req, FallocateIn.SIZE, FuseOpcode.FALLOCATE)) {
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
