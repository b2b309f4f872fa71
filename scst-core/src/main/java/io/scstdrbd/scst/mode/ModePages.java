package io.scstdrbd.scst.mode;

import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mode parameters of one logical unit: current values (shared by all I_T nexuses), saved
 * values (kept in a file so that they survive a restart, like SCST's vdev_mode_pages), defaults
 * and changeable masks. Bits commands consult on every I/O (D_SENSE, SWP, WCE) are cached in
 * volatile fields.
 *
 * <p>Threading: thread-safe; {@link #select} with {@code save} writes a small file and should run
 * off event-loop threads.
 */
public final class ModePages {
    private static final Logger LOG = LoggerFactory.getLogger(ModePages.class);

    private final Map<Integer, ModePage> defs = new LinkedHashMap<>();
    private final Map<Integer, byte[]> current = new LinkedHashMap<>();
    private final Map<Integer, byte[]> saved = new LinkedHashMap<>();
    private final Path saveFile;
    private volatile boolean descriptorSense;
    private volatile boolean softwareWriteProtect;
    private volatile boolean writeCacheEnabled;

    /**
     * @param pages    the page definitions
     * @param saveFile where saved values live (loaded now if present), or null for no saving
     */
    public ModePages(List<ModePage> pages, Path saveFile) {
        for (ModePage p : pages) {
            defs.put(p.key(), p);
            current.put(p.key(), p.defaults());
        }
        this.saveFile = saveFile;
        load();
        refreshCache();
    }

    public boolean descriptorSense() {
        return descriptorSense;
    }

    public boolean softwareWriteProtect() {
        return softwareWriteProtect;
    }

    public boolean writeCacheEnabled() {
        return writeCacheEnabled;
    }

    public List<ModePage> definitions() {
        return List.copyOf(defs.values());
    }

    public boolean supports(int pageCode, int subpage) {
        return defs.containsKey(ModePage.key(pageCode, subpage));
    }

    /** Pages of a page code (all subpages), or all pages for 3Fh. */
    public List<ModePage> select(int pageCode, int subpage) {
        List<ModePage> l = new ArrayList<>();
        for (ModePage p : defs.values()) {
            boolean pageMatch = pageCode == 0x3f || p.pageCode() == pageCode;
            boolean subMatch = subpage == 0xff || p.subpage() == subpage;
            if (pageMatch && subMatch) {
                l.add(p);
            }
        }
        return l;
    }

    /** A copy of one page's values for a MODE SENSE page control (0 current .. 3 saved), PS set if savable. */
    public synchronized byte[] values(ModePage p, int pageControl) {
        byte[] v;
        switch (pageControl) {
            case 1:
                v = p.changeable();
                v[0] = p.defaultsView()[0];
                v[1] = p.defaultsView()[1];
                break;
            case 2:
                v = p.defaults();
                break;
            case 3: {
                byte[] s = saved.get(p.key());
                v = s != null ? s.clone() : p.defaults();
                break;
            }
            default:
                v = current.get(p.key()).clone();
        }
        if (p.savable()) {
            v[0] |= (byte) 0x80;
        } else {
            v[0] &= 0x7f;
        }
        return v;
    }

    /**
     * Applies the pages of a MODE SELECT parameter list atomically: every page must be known,
     * have its defined length and change only changeable bits, else nothing changes.
     *
     * @param pages  page images, header included, at parameter list offsets {@code offsets}
     * @param save   SP bit: also save the new values
     * @return true if a current value changed
     */
    public boolean apply(List<byte[]> pages, List<Integer> offsets, boolean save) throws ScsiException {
        boolean changed = false;
        synchronized (this) {
            Map<Integer, byte[]> next = new LinkedHashMap<>();
            for (int i = 0; i < pages.size(); i++) {
                byte[] img = pages.get(i);
                int off = offsets.get(i);
                boolean spf = (img[0] & 0x40) != 0;
                int code = img[0] & 0x3f;
                int sub = spf ? img[1] & 0xff : 0;
                ModePage def = defs.get(ModePage.key(code, sub));
                if (def == null) {
                    throw ScsiException.invalidParameter(off, 5);
                }
                if (img.length != def.length()) {
                    throw ScsiException.invalidParameter(off + 1, -1);
                }
                if (save && !def.savable()) {
                    throw ScsiException.of(ScsiError.SAVING_PARAMETERS_NOT_SUPPORTED);
                }
                byte[] cur = next.containsKey(def.key()) ? next.get(def.key()) : current.get(def.key());
                byte[] mask = def.changeableView();
                int hdr = spf ? 4 : 2;
                for (int b = hdr; b < img.length; b++) {
                    int diff = (img[b] ^ cur[b]) & 0xff;
                    if ((diff & ~mask[b] & 0xff) != 0) {
                        throw ScsiException.invalidParameter(off + b,
                                31 - Integer.numberOfLeadingZeros(diff & ~mask[b] & 0xff));
                    }
                }
                byte[] nv = cur.clone();
                for (int b = hdr; b < img.length; b++) {
                    nv[b] = (byte) ((cur[b] & ~mask[b]) | (img[b] & mask[b]));
                }
                next.put(def.key(), nv);
            }
            for (Map.Entry<Integer, byte[]> e : next.entrySet()) {
                if (!java.util.Arrays.equals(current.get(e.getKey()), e.getValue())) {
                    changed = true;
                }
                current.put(e.getKey(), e.getValue());
                if (save) {
                    saved.put(e.getKey(), e.getValue().clone());
                }
            }
            refreshCache();
        }
        if (save) {
            store();
        }
        return changed;
    }

    /** Back to the saved (or default) values: power-on and LOGICAL UNIT RESET. */
    public synchronized void resetToSaved() {
        for (ModePage p : defs.values()) {
            byte[] s = saved.get(p.key());
            current.put(p.key(), s != null ? s.clone() : p.defaults());
        }
        refreshCache();
    }

    private void refreshCache() {
        byte[] control = current.get(ModePage.key(ModePageCatalog.CONTROL, 0));
        descriptorSense = control != null && (control[2] & 0x04) != 0;
        softwareWriteProtect = control != null && (control[4] & 0x08) != 0;
        byte[] caching = current.get(ModePage.key(ModePageCatalog.CACHING, 0));
        writeCacheEnabled = caching != null && (caching[2] & 0x04) != 0;
    }

    private void load() {
        if (saveFile == null || !Files.isReadable(saveFile)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(saveFile, StandardCharsets.US_ASCII)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split("\\s+");
                if (f.length != 2) {
                    LOG.warn("{}: ignoring malformed line '{}'", saveFile, l);
                    continue;
                }
                int key = Integer.parseInt(f[0], 16);
                byte[] v = HexFormat.of().parseHex(f[1]);
                ModePage def = defs.get(key);
                if (def == null || v.length != def.length()) {
                    LOG.warn("{}: ignoring saved page {} (unknown or wrong length)", saveFile, f[0]);
                    continue;
                }
                // only changeable bits come from the file
                byte[] nv = def.defaults();
                byte[] mask = def.changeableView();
                for (int b = 2; b < nv.length; b++) {
                    nv[b] = (byte) ((nv[b] & ~mask[b]) | (v[b] & mask[b]));
                }
                saved.put(key, nv);
                current.put(key, nv.clone());
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("cannot load saved mode pages from {}: {}", saveFile, e.toString());
        }
    }

    private void store() throws ScsiException {
        if (saveFile == null) {
            throw ScsiException.of(ScsiError.SAVING_PARAMETERS_NOT_SUPPORTED);
        }
        StringBuilder sb = new StringBuilder("# saved mode pages: page<<8|subpage (hex) and page bytes\n");
        synchronized (this) {
            for (Map.Entry<Integer, byte[]> e : saved.entrySet()) {
                sb.append(String.format("%04x", e.getKey())).append(' ')
                        .append(HexFormat.of().formatHex(e.getValue())).append('\n');
            }
        }
        try {
            Files.createDirectories(saveFile.getParent());
            Path tmp = saveFile.resolveSibling(saveFile.getFileName() + ".tmp");
            Files.writeString(tmp, sb.toString(), StandardCharsets.US_ASCII);
            Files.move(tmp, saveFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.error("cannot save mode pages to {}: {}", saveFile, e.toString());
            throw ScsiException.of(ScsiError.SAVING_PARAMETERS_NOT_SUPPORTED);
        }
    }
}
