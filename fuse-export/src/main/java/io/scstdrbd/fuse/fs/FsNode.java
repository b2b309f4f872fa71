package io.scstdrbd.fuse.fs;

import io.scstdrbd.kernel.block.BlockDevice;
import io.scstdrbd.kernel.proc.ProcNode;

/**
 * A node of the FUSE tree with its FUSE node id (also its inode number). Paths are relative to
 * the FUSE root ("" is the root, "dev/tcmu000", "proc/partitions").
 */
public sealed interface FsNode permits FsNode.Dir, FsNode.Block, FsNode.Proc {
    long id();

    String path();

    /** Last path component ("" for the root). */
    default String name() {
        String p = path();
        int slash = p.lastIndexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }

    /** A directory: the root, dev/, proc/, sys/ and the directories of the proc registry. */
    record Dir(long id, String path) implements FsNode {
    }

    /** A block device of the registry, shown as a regular file of the device's size. */
    record Block(long id, String path, BlockDevice device) implements FsNode {
    }

    /** A text node of the proc registry (also module parameters and dev/tcmur). */
    record Proc(long id, String path, ProcNode node) implements FsNode {
    }
}
