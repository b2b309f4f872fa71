package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.ModeSelectCdb;
import io.scstdrbd.scst.cdb.ModeSenseCdb;
import io.scstdrbd.scst.cdb.Opcodes;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.mode.ModePage;
import io.scstdrbd.scst.mode.ModePages;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/** MODE SENSE(6/10) and MODE SELECT(6/10) (SPC-4 6.9-6.12). */
public final class ModeHandler implements Handler {
    private final Executor background;

    public ModeHandler(Executor background) {
        this.background = background;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        int op = task.cdb()[0] & 0xff;
        if (op == Opcodes.MODE_SENSE_6 || op == Opcodes.MODE_SENSE_10) {
            ModeSenseCdb c = ModeSenseCdb.parse(task.cdb());
            DataIn.respond(task, sense(c, task), c.allocationLength());
        } else {
            select(task, ModeSelectCdb.parse(task.cdb()));
        }
    }

    static byte[] sense(ModeSenseCdb c, Task task) throws ScsiException {
        VirtualDevice dev = task.device();
        ModePages mp = dev.modePages();
        if (c.subpageCode() != 0 && c.subpageCode() != 0xff) {
            throw ScsiException.invalidCdbField(3, -1);
        }
        List<ModePage> pages = mp.select(c.pageCode(), c.subpageCode());
        if (pages.isEmpty()) {
            throw ScsiException.invalidCdbField(2, 5);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean longLba = c.ten() && c.llbaa();
        if (!c.dbd()) {
            body.writeBytes(blockDescriptor(dev, longLba, c.pageControl() == ModeSenseCdb.PC_CHANGEABLE));
        }
        int bdLen = body.size();
        for (ModePage p : pages) {
            body.writeBytes(mp.values(p, c.pageControl()));
        }
        byte[] b = body.toByteArray();
        int dsp = 0x10; // DPOFUA
        if (dev.writeProtected() || task.nexus().readOnly()) {
            dsp |= 0x80;
        }
        if (c.ten()) {
            byte[] out = new byte[8 + b.length];
            BigEndian.put16(out, 0, out.length - 2);
            out[3] = (byte) dsp;
            out[4] = (byte) (longLba ? 1 : 0);
            BigEndian.put16(out, 6, bdLen);
            System.arraycopy(b, 0, out, 8, b.length);
            return out;
        }
        byte[] out = new byte[4 + b.length];
        out[0] = (byte) Math.min(255, out.length - 1);
        out[2] = (byte) dsp;
        out[3] = (byte) bdLen;
        System.arraycopy(b, 0, out, 4, b.length);
        return out;
    }

    static byte[] blockDescriptor(VirtualDevice dev, boolean longLba, boolean changeable) {
        if (longLba) {
            byte[] d = new byte[16];
            if (!changeable) {
                BigEndian.put64(d, 0, dev.capacityBlocks());
                BigEndian.put32(d, 12, dev.blockSize());
            }
            return d;
        }
        byte[] d = new byte[8];
        if (!changeable) {
            BigEndian.put32(d, 0, Math.min(dev.capacityBlocks(), 0xffffffffL));
            BigEndian.put24(d, 5, dev.blockSize());
        }
        return d;
    }

    private void select(Task task, ModeSelectCdb c) throws ScsiException {
        if (c.parameterListLength() == 0) {
            task.good();
            return;
        }
        if (!c.pageFormat()) {
            throw ScsiException.invalidCdbField(1, 4);
        }
        int hdr = c.ten() ? 8 : 4;
        if (c.parameterListLength() < hdr) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        int len = (int) Math.min(c.parameterListLength(), task.expectedDataLength());
        task.receiveData(len, (t, data) -> {
            byte[] p = Segments.toArray(data);
            if (p.length < hdr) {
                throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
            }
            List<byte[]> pages = new ArrayList<>();
            List<Integer> offsets = new ArrayList<>();
            parse(p, c.ten(), t.device(), pages, offsets);
            if (c.savePages()) {
                background.execute(() -> apply(t, pages, offsets, true));
            } else {
                apply(t, pages, offsets, false);
            }
        });
    }

    private static void apply(Task t, List<byte[]> pages, List<Integer> offsets, boolean save) {
        try {
            if (t.device().modePages().apply(pages, offsets, save)) {
                t.device().broadcastUnitAttention(ScsiError.MODE_PARAMETERS_CHANGED, t.nexus());
            }
            t.good();
        } catch (ScsiException e) {
            t.fail(e);
        }
    }

    /** Splits a MODE SELECT parameter list into its block descriptors (checked) and pages. */
    static void parse(byte[] p, boolean ten, VirtualDevice dev, List<byte[]> pages, List<Integer> offsets)
            throws ScsiException {
        int hdr = ten ? 8 : 4;
        int bdLen = ten ? BigEndian.u16(p, 6) : p[3] & 0xff;
        boolean longLba = ten && (p[4] & 1) != 0;
        int bdSize = longLba ? 16 : 8;
        if (hdr + bdLen > p.length || bdLen % bdSize != 0) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        for (int off = hdr; off < hdr + bdLen; off += bdSize) {
            long blockLen = longLba ? BigEndian.u32(p, off + 12) : BigEndian.u24(p, off + 5);
            if (blockLen != 0 && blockLen != dev.blockSize()) {
                throw ScsiException.invalidParameter(off + (longLba ? 12 : 5), -1);
            }
        }
        int off = hdr + bdLen;
        while (off < p.length) {
            boolean spf = (p[off] & 0x40) != 0;
            if (off + (spf ? 4 : 2) > p.length) {
                throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
            }
            int len = spf ? 4 + BigEndian.u16(p, off + 2) : 2 + (p[off + 1] & 0xff);
            if (off + len > p.length) {
                throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
            }
            byte[] page = new byte[len];
            System.arraycopy(p, off, page, 0, len);
            page[0] &= 0x7f; // PS is reserved in MODE SELECT
            pages.add(page);
            offsets.add(off);
            off += len;
        }
    }
}
