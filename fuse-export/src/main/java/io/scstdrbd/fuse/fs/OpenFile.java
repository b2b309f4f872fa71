package io.scstdrbd.fuse.fs;

import io.scstdrbd.fuse.block.RangeLock;
import io.scstdrbd.kernel.block.DeviceHandle;
import java.util.List;

/** What a FUSE file handle (fh) refers to between OPEN/OPENDIR and RELEASE/RELEASEDIR. */
public sealed interface OpenFile permits OpenFile.BlockFile, OpenFile.ProcFile, OpenFile.DirListing {

    /**
     * An open block node: the registry handle it holds (the holder is "fuse pid N (comm)"), a
     * range lock for its writes, and whether writes must be durable (opened with O_DSYNC/O_SYNC).
     */
    record BlockFile(FsNode.Block node, DeviceHandle handle, RangeLock writes, boolean dsync) implements OpenFile {
    }

    /** An open proc node; {@code writable} if opened for writing. */
    record ProcFile(FsNode.Proc node, boolean writable) implements OpenFile {
    }

    /** A directory listing taken at OPENDIR, so READDIR offsets stay consistent. */
    record DirListing(FsNode.Dir dir, List<DirEntry> entries) implements OpenFile {
    }
}
