package io.scstdrbd.fuse;

import io.scstdrbd.fuse.fs.OpenFile;
import io.scstdrbd.fuse.transport.LoopDevices;
import io.scstdrbd.fuse.transport.MountTable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Explains why the FUSE root cannot be unmounted yet: which device nodes are held, by a loop
 * device (and the file system mounted on it) or by an open from a process.
 */
final class HolderReport {
    private HolderReport() {
    }

    static List<String> describe(String root, List<OpenFile> open, List<LoopDevices.Loop> loops, MountTable mounts) {
        String devPrefix = root + "/dev/";
        List<String> out = new ArrayList<>();
        Set<String> explained = new LinkedHashSet<>();
        for (LoopDevices.Loop l : loops) {
            if (!l.backingFile().startsWith(devPrefix)) {
                continue;
            }
            String name = l.backingFile().substring(devPrefix.length());
            List<String> mps = mounts.mountPointsOf(l.device());
            String where = mps.isEmpty() ? l.device() : l.device() + " → " + String.join(", ", mps);
            out.add(name + " is held open by a mount or loop device (" + where + ")");
            explained.add(name);
        }
        for (OpenFile f : open) {
            if (f instanceof OpenFile.BlockFile b) {
                String name = b.node().device().name();
                if (!explained.contains(name)) {
                    out.add(name + " is held open by " + b.handle().holder());
                }
            } else if (f instanceof OpenFile.ProcFile p) {
                out.add(p.node().path() + " is open");
            }
        }
        if (out.isEmpty()) {
            out.add("a process has a file or its working directory under " + root);
        }
        return out;
    }
}
