package io.scstdrbd.backend.file;

import io.scstdrbd.backend.spi.BackendDevice;
import io.scstdrbd.backend.spi.BackendHandler;
import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.io.File;

/**
 * The file handler: positional I/O on a regular file or a real block device, on the handler's
 * own threads. A size creates or grows a regular file (sparse); without one the file or
 * device's own size is used.
 */
public final class FileHandler implements BackendHandler {

    @Override
    public String subtype() {
        return "file";
    }

    @Override
    public String configHelp() {
        return "file:PATH[:SIZE] (regular file, created sparse when absent and a size is given, or a block device)";
    }

    @Override
    public void checkConfig(String config, long size) throws KernelException {
        if (!config.startsWith("/")) {
            throw new KernelException(Errno.EINVAL, "file config '" + config + "' must be an absolute path");
        }
        if (size > 0 && size % 512 != 0) {
            throw new KernelException(Errno.EINVAL, "file size " + size + " is not a multiple of 512");
        }
        File f = new File(config);
        if (f.isDirectory()) {
            throw new KernelException(Errno.EISDIR, config + " is a directory");
        }
        if (!f.exists()) {
            if (size <= 0) {
                throw new KernelException(Errno.ENOENT, config + " does not exist; give a size to create it");
            }
            File parent = f.getAbsoluteFile().getParentFile();
            if (parent == null || !parent.isDirectory()) {
                throw new KernelException(Errno.ENOENT, "directory of " + config + " does not exist");
            }
        } else if (f.isFile() && size <= 0 && f.length() < 512) {
            throw new KernelException(Errno.EINVAL, config + " is empty; give a size, e.g. :1G");
        }
    }

    @Override
    public BackendDevice open(String config, long size) throws KernelException {
        checkConfig(config, size);
        return FileDevice.open(config, size);
    }
}
