package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.block.WriterGrace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Names FUSE openers for the device registry: {@code "fuse pid 1234 (mkfs.ext4)"}. */
final class Holders {
    private Holders() {
    }

    static String of(int pid) {
        String comm;
        try {
            comm = Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException | RuntimeException e) {
            comm = "?";
        }
        return WriterGrace.FUSE_HOLDER_PREFIX + pid + " (" + comm + ")";
    }
}
