package io.scstdrbd.backend.ram;

import io.scstdrbd.backend.spi.BackendDevice;
import io.scstdrbd.backend.spi.BackendHandler;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.io.File;

/**
 * The ram handler: a RAM disk over an mmap of a file ({@code /tmp/cfg1}), so its contents survive
 * a restart, or over anonymous memory ({@code @}, contents dropped on close). Operations are
 * memory copies, so it declares itself non-blocking; keep the backing file on tmpfs or in the
 * page cache (it is a RAM disk).
 *
 * <p>Sizes: an anonymous disk needs one. For a file, the size given is created if the file is
 * absent and grown to if the file is smaller; a file larger than the size given is refused
 * (its tail would be silently lost). Without a size the file's own size is used, and an empty or
 * missing file is refused rather than silently becoming 1 GiB.
 */
public final class RamHandler implements BackendHandler {
    static final int BLOCK = 4096;

    @Override
    public String subtype() {
        return "ram";
    }

    @Override
    public String configHelp() {
        return "ram:PATH[:SIZE] (mmap of PATH, created sparse when absent) or ram:@:SIZE (anonymous memory)";
    }

    @Override
    public void checkConfig(String config, long size) throws KernelException {
        if (size > 0 && size % BLOCK != 0) {
            throw new KernelException(Errno.EINVAL, "ram size " + size + " is not a multiple of " + BLOCK);
        }
        if (config.equals("@")) {
            if (size <= 0) {
                throw new KernelException(Errno.EINVAL, "anonymous ram disk needs a size, e.g. ram:@:256M");
            }
            return;
        }
        if (!config.startsWith("/")) {
            throw new KernelException(Errno.EINVAL,
                    "ram config '" + config + "' must be an absolute path or @ (anonymous memory)");
        }
        File f = new File(config);
        if (f.exists()) {
            if (!f.isFile()) {
                throw new KernelException(Errno.EINVAL, config + " is not a regular file");
            }
            long len = f.length();
            if (size > 0 && len > size) {
                throw new KernelException(Errno.EINVAL,
                        config + " is " + len + " bytes, larger than the requested " + size);
            }
            if (size <= 0 && len / BLOCK == 0) {
                throw new KernelException(Errno.EINVAL, config + " is empty; give a size, e.g. :1G");
            }
        } else {
            if (size <= 0) {
                throw new KernelException(Errno.ENOENT, config + " does not exist; give a size to create it");
            }
            File parent = f.getAbsoluteFile().getParentFile();
            if (parent == null || !parent.isDirectory()) {
                throw new KernelException(Errno.ENOENT, "directory of " + config + " does not exist");
            }
        }
    }

    @Override
    public BackendDevice open(String config, long size) throws KernelException {
        checkConfig(config, size);
        return config.equals("@") ? RamDevice.anonymous(size) : RamDevice.mapFile(config, size);
    }
}
