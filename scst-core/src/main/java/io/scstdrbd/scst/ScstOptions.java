package io.scstdrbd.scst;

import java.nio.file.Path;

/**
 * How the SCSI target core starts.
 *
 * @param scstConf       an scst.conf in the procfs-era format, or null for the embedded default
 *                       (Default group: LUN 0 = tcmu000 REMOVABLE, LUN 1 = tcmu001, BLOCKIO, 512-byte blocks)
 * @param stateDir       SCST's state directory (default {@code /var/lib/scst}): persistent
 *                       reservations in {@code pr/}, saved mode pages in {@code vdev_mode_pages/}
 * @param fileIoThreads  I/O threads for FILEIO vdisks (module parameter num_threads)
 */
public record ScstOptions(Path scstConf, Path stateDir, int fileIoThreads) {
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/scst");

    public ScstOptions {
        if (stateDir == null) {
            stateDir = DEFAULT_STATE_DIR;
        }
        if (fileIoThreads <= 0) {
            fileIoThreads = 4;
        }
    }

    public static ScstOptions defaults() {
        return new ScstOptions(null, DEFAULT_STATE_DIR, 4);
    }

    public Path prDir() {
        return stateDir.resolve("pr");
    }

    public Path modePagesDir() {
        return stateDir.resolve("vdev_mode_pages");
    }
}
