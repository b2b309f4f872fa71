package io.scstdrbd.fuse.server;

import io.scstdrbd.kernel.block.FuseOpeners;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Names FUSE openers for the device registry: {@code "fuse pid 1234 (mkfs.ext4)"}. The kernel
 * sends the calling thread's id; the holder names its process (thread group) and command.
 */
final class Holders {
    private Holders() {
    }

    static String of(int tid) {
        int pid = tid;
        String comm = "?";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + tid + "/status"))) {
                if (line.startsWith("Tgid:")) {
                    pid = Integer.parseInt(line.substring(5).strip());
                    break;
                }
            }
            comm = Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
        } catch (IOException | RuntimeException e) {
            // the opener may already be gone; the id alone still identifies it in the log
        }
        return FuseOpeners.holder(pid, comm);
    }
}
