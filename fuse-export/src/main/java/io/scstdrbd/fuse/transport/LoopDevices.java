package io.scstdrbd.fuse.transport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loop devices and their backing files, from {@code /sys/block/loop*}/loop/backing_file. */
public final class LoopDevices {
    private LoopDevices() {
    }

    /** A loop device ({@code /dev/loop3}) and the file behind it. */
    public record Loop(String device, String backingFile) {
    }

    /** Every configured loop device; empty if sysfs is not readable. */
    public static List<Loop> list() {
        return list(Path.of("/sys/block"));
    }

    static List<Loop> list(Path sysBlock) {
        List<Loop> l = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(sysBlock, "loop*")) {
            for (Path p : ds) {
                Path bf = p.resolve("loop/backing_file");
                if (Files.isReadable(bf)) {
                    try {
                        String f = Files.readString(bf).strip();
                        if (f.endsWith(" (deleted)")) {
                            f = f.substring(0, f.length() - " (deleted)".length());
                        }
                        l.add(new Loop("/dev/" + p.getFileName(), f));
                    } catch (IOException ignored) {
                        // the loop device was detached meanwhile
                    }
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        l.sort((a, b) -> a.device().compareTo(b.device()));
        return l;
    }
}
