package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.block.WriterGrace;
import io.scstdrbd.fuse.fs.FuseTree;
import io.scstdrbd.fuse.fs.HandleTable;
import io.scstdrbd.fuse.fs.NodeAttributes;
import io.scstdrbd.fuse.fs.OpenFile;
import io.scstdrbd.fuse.protocol.Fuse;
import io.scstdrbd.fuse.protocol.FuseOpcode;
import io.scstdrbd.fuse.protocol.InitIn;
import io.scstdrbd.fuse.protocol.InitOut;
import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each request's header and session state, answers INIT, and hands the request to
 * {@link MetadataOps} (names and attributes, answered on the reader thread) or {@link FileOps}
 * (open files; block I/O, fsync, fallocate and opens that wait for a previous FUSE writer go
 * asynchronous and reply from their completion, so a reader never waits for I/O).
 *
 * <p>Policy (like /proc: only the daemon creates nodes): CREATE, MKNOD, MKDIR, SYMLINK, LINK,
 * UNLINK, RMDIR, RENAME and TMPFILE are EPERM. Extended attributes and every opcode not handled
 * here are ENOSYS (never ENODATA: with ENOSYS the kernel stops asking); IOCTL is ENOTTY.
 * FORGET, BATCH_FORGET, INTERRUPT and NOTIFY_REPLY get no reply. A malformed request gets EIO or
 * EINVAL and a rate-limited log line; a bug in a handler costs that request (EIO), never the reader.
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

    private final RateLimitedLog warnings = new RateLimitedLog(LOG);
    private final MetadataOps meta;
    private final FileOps fileOps;
    private final AtomicReference<SessionState> state = new AtomicReference<>(SessionState.AWAITING_INIT);
    private volatile Runnable onInit = () -> { };

    /**
     * @param attrTimeoutMillis how long the kernel may cache names and attributes (read per reply,
     *                          so a module parameter can change it at run time)
     */
    public Dispatcher(FuseTree tree, NodeAttributes attrs, HandleTable<OpenFile> files, WriterGrace opens,
            LongSupplier attrTimeoutMillis) {
        this.meta = new MetadataOps(tree, attrs, files, attrTimeoutMillis, warnings);
        this.fileOps = new FileOps(tree, files, opens, warnings);
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
                meta.lookup(req);
                return false;
            case GETATTR:
                meta.getattr(req);
                return false;
            case SETATTR:
                meta.setattr(req);
                return false;
            case STATX:
                meta.statx(req);
                return false;
            case OPEN:
                return fileOps.open(req);
            case READ:
                return fileOps.read(req);
            case WRITE:
                return fileOps.write(req);
            case RELEASE:
                fileOps.release(req);
                return false;
            case FLUSH:
            case FSYNCDIR:
                req.replyOk();
                return false;
            case FSYNC:
                return fileOps.fsync(req);
            case FALLOCATE:
                return fileOps.fallocate(req);
            case OPENDIR:
                meta.opendir(req);
                return false;
            case READDIR:
                meta.readdir(req);
                return false;
            case RELEASEDIR:
                meta.releasedir(req);
                return false;
            case STATFS:
                meta.statfs(req);
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
}
