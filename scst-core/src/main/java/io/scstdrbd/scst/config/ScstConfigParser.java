package io.scstdrbd.scst.config;

import io.scstdrbd.scst.device.VdiskOptions;
import io.scstdrbd.scst.lun.AccessControl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Parses the old SCST configuration file as scstadmin 0.8 (procfs) read it. Comments are lines
 * whose first non-blank character is {@code #}. Every problem is reported with its line number;
 * nothing is applied by the parser.
 */
public final class ScstConfigParser {
    private enum Section { NONE, OPTIONS, VDISK, VCDROM, GROUP, ASSIGNMENT, TARGETS }

    private final String file;

    private ScstConfigParser(String file) {
        this.file = file;
    }

    public static ScstConfig parse(Path path) throws ConfigException {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(path.toString(), "cannot read: " + e.getMessage());
        }
        return parse(path.toString(), text);
    }

    public static ScstConfig parse(String fileName, String text) throws ConfigException {
        return new ScstConfigParser(fileName).run(text);
    }

    private ScstConfig run(String text) throws ConfigException {
        boolean keep = false;
        List<VdiskOptions> devices = new ArrayList<>();
        Map<String, Integer> deviceLine = new HashMap<>();
        Map<String, List<String>> groups = new LinkedHashMap<>();
        Map<String, String> userGroup = new HashMap<>();
        List<ScstConfig.Assignment> assignments = new ArrayList<>();
        Map<String, Integer> assignmentLine = new HashMap<>();
        Map<String, Set<Long>> lunsByGroup = new HashMap<>();
        Map<String, Set<String>> devsByGroup = new HashMap<>();
        Section section = Section.NONE;
        String sectionArg = null;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int no = i + 1;
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    throw err(no, "section header '" + line + "' lacks ']'");
                }
                String[] h = line.substring(1, line.length() - 1).strip().split("\\s+");
                String kind = h[0].toUpperCase(Locale.ROOT);
                sectionArg = h.length > 1 ? h[1] : null;
                if (h.length > 2) {
                    throw err(no, "too many words in section header '" + line + "'");
                }
                switch (kind) {
                    case "OPTIONS":
                        section = Section.OPTIONS;
                        break;
                    case "HANDLER":
                        if ("vdisk".equals(sectionArg)) {
                            section = Section.VDISK;
                        } else if ("vcdrom".equals(sectionArg)) {
                            section = Section.VCDROM;
                        } else {
                            throw err(no, "unknown handler '" + sectionArg + "' (vdisk and vcdrom exist)");
                        }
                        break;
                    case "GROUP":
                        requireArg(no, sectionArg, "GROUP");
                        checkName(no, sectionArg, "group");
                        if (groups.containsKey(sectionArg)) {
                            throw err(no, "group " + sectionArg + " is defined twice");
                        }
                        groups.put(sectionArg, new ArrayList<>());
                        section = Section.GROUP;
                        break;
                    case "ASSIGNMENT":
                        requireArg(no, sectionArg, "ASSIGNMENT");
                        if (!groups.containsKey(sectionArg) && !AccessControl.DEFAULT_GROUP.equals(sectionArg)) {
                            throw err(no, "assignment to group " + sectionArg + ", which no [GROUP] section defines");
                        }
                        section = Section.ASSIGNMENT;
                        break;
                    case "TARGETS":
                        if (!"enable".equals(sectionArg) && !"disable".equals(sectionArg)) {
                            throw err(no, "[TARGETS] takes enable or disable, not '" + sectionArg + "'");
                        }
                        section = Section.TARGETS;
                        break;
                    default:
                        throw err(no, "unknown section [" + h[0] + "]");
                }
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            String key = kv[0].toUpperCase(Locale.ROOT);
            String value = kv.length > 1 ? kv[1].strip() : "";
            switch (section) {
                case NONE:
                    throw err(no, "'" + line + "' outside any section");
                case OPTIONS:
                    if (key.equals("KEEP_CONFIG")) {
                        keep = bool(no, key, value);
                    } else if (key.equals("ISSUE_LIP")) {
                        bool(no, key, value);
                    } else {
                        throw err(no, "unknown option " + kv[0] + " (KEEP_CONFIG and ISSUE_LIP exist)");
                    }
                    break;
                case VDISK: {
                    expectKey(no, key, "DEVICE");
                    VdiskOptions o = vdisk(no, value);
                    if (deviceLine.containsKey(o.name())) {
                        throw err(no, "device " + o.name() + " is already defined on line " + deviceLine.get(o.name()));
                    }
                    deviceLine.put(o.name(), no);
                    devices.add(o);
                    break;
                }
                case VCDROM:
                    throw err(no, "vcdrom devices are not supported; use a REMOVABLE vdisk");
                case GROUP: {
                    expectKey(no, key, "USER");
                    if (value.isEmpty() || value.contains(" ")) {
                        throw err(no, "USER needs one initiator name");
                    }
                    if (userGroup.containsKey(value)) {
                        throw err(no, "initiator " + value + " is already in group " + userGroup.get(value));
                    }
                    userGroup.put(value, sectionArg);
                    groups.get(sectionArg).add(value);
                    break;
                }
                case ASSIGNMENT: {
                    expectKey(no, key, "DEVICE");
                    String[] f = value.split(",", -1);
                    if (f.length < 2 || f.length > 3) {
                        throw err(no, "expected DEVICE <name>,<lun>[,READ_ONLY]");
                    }
                    String dev = f[0].strip();
                    if (!deviceLine.containsKey(dev)) {
                        throw err(no, "device " + dev + " is not defined in a [HANDLER vdisk] section above");
                    }
                    long lun;
                    try {
                        lun = Long.parseLong(f[1].strip());
                    } catch (NumberFormatException e) {
                        throw err(no, "LUN '" + f[1].strip() + "' is not a number");
                    }
                    if (lun < 0 || lun > AccessControl.MAX_LUN) {
                        throw err(no, "LUN " + lun + " is outside 0.." + AccessControl.MAX_LUN);
                    }
                    boolean ro = false;
                    if (f.length == 3) {
                        String opt = f[2].strip().toUpperCase(Locale.ROOT);
                        if (!opt.equals("READ_ONLY") && !opt.equals("RO")) {
                            throw err(no, "unknown assignment option '" + f[2].strip() + "' (READ_ONLY exists)");
                        }
                        ro = true;
                    }
                    String key2 = sectionArg + "/" + lun;
                    if (!lunsByGroup.computeIfAbsent(sectionArg, k -> new HashSet<>()).add(lun)) {
                        throw err(no, "LUN " + lun + " of group " + sectionArg + " is already assigned on line "
                                + assignmentLine.get(key2));
                    }
                    if (!devsByGroup.computeIfAbsent(sectionArg, k -> new HashSet<>()).add(dev)) {
                        throw err(no, "device " + dev + " is assigned to group " + sectionArg + " twice");
                    }
                    assignmentLine.put(key2, no);
                    assignments.add(new ScstConfig.Assignment(sectionArg, dev, lun, ro));
                    break;
                }
                case TARGETS:
                    expectKey(no, key, "HOST");
                    break; // hardware (Fibre Channel) targets only: nothing to do here
                default:
                    throw err(no, "unexpected line");
            }
        }
        List<ScstConfig.Group> gl = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : groups.entrySet()) {
            gl.add(new ScstConfig.Group(e.getKey(), e.getValue()));
        }
        return new ScstConfig(keep, devices, gl, assignments);
    }

    /** DEVICE name,path,options,blocksize,t10id (trailing fields optional). */
    private VdiskOptions vdisk(int no, String value) throws ConfigException {
        String[] f = value.split(",", -1);
        if (f.length < 2 || f.length > 5) {
            throw err(no, "expected DEVICE <name>,<path>[,<options>[,<block size>[,<t10 device id>]]]");
        }
        String name = f[0].strip();
        checkName(no, name, "device");
        if (name.length() > VdiskOptions.MAX_NAME) {
            throw err(no, "device name " + name + " is longer than " + VdiskOptions.MAX_NAME + " characters");
        }
        String path = f[1].strip();
        List<String> opts = new ArrayList<>();
        if (f.length > 2) {
            for (String o : f[2].strip().split("[|\\s]+")) {
                if (!o.isEmpty()) {
                    opts.add(o);
                }
            }
        }
        int bs = 512;
        if (f.length > 3 && !f[3].isBlank()) {
            try {
                bs = Integer.decode(f[3].strip()); // decimal, 0x hex or 0 octal, as SCST accepts
            } catch (NumberFormatException e) {
                throw err(no, "block size '" + f[3].strip() + "' is not a number");
            }
        }
        String t10 = f.length > 4 ? f[4].strip() : "";
        if (t10.length() > VdiskOptions.MAX_T10_DEV_ID) {
            throw err(no, "T10 device id '" + t10 + "' is longer than " + VdiskOptions.MAX_T10_DEV_ID + " characters");
        }
        if (path.isEmpty() && opts.stream().noneMatch(o -> o.equalsIgnoreCase("NULLIO") || o.equalsIgnoreCase("NIO"))) {
            throw err(no, "device " + name + " has no path");
        }
        try {
            return VdiskOptions.of(name, path.isEmpty() ? null : path, bs, opts, t10);
        } catch (IllegalArgumentException e) {
            throw err(no, "device " + name + ": " + e.getMessage());
        }
    }

    private boolean bool(int no, String key, String v) throws ConfigException {
        switch (v.toUpperCase(Locale.ROOT)) {
            case "TRUE": case "YES": case "1":
                return true;
            case "FALSE": case "NO": case "0":
                return false;
            default:
                throw err(no, key + " takes TRUE or FALSE, not '" + v + "'");
        }
    }

    private void expectKey(int no, String key, String expected) throws ConfigException {
        if (!key.equals(expected)) {
            throw err(no, "expected " + expected + " here, not '" + key + "'");
        }
    }

    private void requireArg(int no, String arg, String section) throws ConfigException {
        if (arg == null) {
            throw err(no, "[" + section + "] needs a name");
        }
    }

    private void checkName(int no, String name, String what) throws ConfigException {
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ',' || c == '/')) {
            throw err(no, "invalid " + what + " name '" + name + "'");
        }
    }

    private ConfigException err(int no, String msg) {
        return new ConfigException(file, no, msg);
    }
}
