package io.scstdrbd.fuse.fs;

/** One name listed by READDIR: the child's node id and whether it is a directory. */
public record DirEntry(String name, long id, boolean directory) {
}
