package io.scstdrbd.systest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs libiscsi's conformance suite ({@code iscsi-test-cu -d}) one suite at a time, each under a
 * time limit, and classifies every test as PASS, SKIP (libiscsi passes skipped tests with a
 * "[SKIPPED]" message), FAIL or TIMEOUT, the way /work/shared/tools/iscsi/conformance.sh does.
 */
final class LibiscsiRunner {
    /** One test's outcome. */
    record Result(String test, String verdict, String message) {
    }

    private final Path workDir;
    private final Duration suiteTimeout;

    LibiscsiRunner(Path workDir, Duration suiteTimeout) {
        this.workDir = workDir;
        this.suiteTimeout = suiteTimeout;
    }

    static boolean available() {
        return Cmd.run("sh", "-c", "command -v iscsi-test-cu").exit() == 0;
    }

    /** FAMILY.SUITE.TEST names of the ALL family (SCSI and iSCSI tests once each). */
    List<String> allTests() {
        List<String> l = new ArrayList<>();
        for (String line : Cmd.run("iscsi-test-cu", "--list").output().split("\n")) {
            String t = line.strip();
            if (t.startsWith("ALL.") && t.split("\\.").length == 3) {
                l.add(t);
            }
        }
        return l;
    }

    /** Runs every suite of {@code tests} against {@code url} (and a second path, or null). */
    Map<String, Result> run(List<String> tests, String url, String secondUrl) throws IOException {
        Map<String, List<String>> bySuite = new LinkedHashMap<>();
        for (String t : tests) {
            String[] p = t.split("\\.");
            bySuite.computeIfAbsent(p[0] + "." + p[1], k -> new ArrayList<>()).add(t);
        }
        Map<String, Result> results = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : bySuite.entrySet()) {
            Map<String, Result> got = runOne(e.getKey(), url, secondUrl);
            for (String t : e.getValue()) {
                results.put(t, got.getOrDefault(t, new Result(t, "TIMEOUT",
                        "no result within " + suiteTimeout.toSeconds() + " s (suite " + e.getKey() + ")")));
            }
        }
        return results;
    }

    private Map<String, Result> runOne(String selector, String url, String secondUrl) throws IOException {
        Path cwd = Files.createDirectories(workDir.resolve("cwd"));
        Path out = workDir.resolve(selector + ".out");
        List<String> cmd = new ArrayList<>(List.of("timeout", "-k", "5", Long.toString(suiteTimeout.toSeconds()),
                "iscsi-test-cu", "-d", "-t", selector, url));
        if (secondUrl != null) {
            cmd.add(secondUrl);
        }
        // iscsi-test-cu reads a -t value that names an existing file as a list: run in an empty dir
        Cmd.Result r = Cmd.run(suiteTimeout.plusSeconds(30), Map.of(), "sh", "-c",
                "cd " + cwd + " && exec " + String.join(" ", cmd));
        Files.writeString(out, r.output(), StandardCharsets.UTF_8);
        return parse(r.output());
    }

    /** Parses CUnit's verbose output (Suite:/Test: lines, then passed/FAILED and messages). */
    static Map<String, Result> parse(String output) {
        Map<String, Result> m = new LinkedHashMap<>();
        String suite = null;
        String test = null;
        String verdict = null;
        String msg = "";
        boolean skip = false;
        for (String line : output.split("\n")) {
            if (line.startsWith("Suite: ")) {
                put(m, suite, test, verdict, skip, msg);
                test = null;
                suite = line.substring(7).strip();
                continue;
            }
            if (line.startsWith("  Test: ")) {
                put(m, suite, test, verdict, skip, msg);
                String rest = line.substring(8);
                int dots = rest.indexOf(" ...");
                test = dots < 0 ? rest.strip() : rest.substring(0, dots);
                String tail = dots < 0 ? "" : rest.substring(dots + 4);
                skip = tail.contains("[SKIPPED]");
                msg = skip || tail.contains("[FAILED]") ? tail.strip() : "";
                verdict = tail.startsWith("passed") ? "PASS" : tail.startsWith("FAILED") ? "FAIL" : null;
                continue;
            }
            if (test == null) {
                continue;
            }
            if (line.contains("[SKIPPED]") && verdict == null) {
                skip = true;
                msg = line.strip();
            } else if (line.contains("[FAILED]") && msg.isEmpty()) {
                msg = line.strip();
            }
            if (verdict == null && line.startsWith("passed")) {
                verdict = "PASS";
            } else if (verdict == null && line.startsWith("FAILED")) {
                verdict = "FAIL";
            } else if ("FAIL".equals(verdict) && line.startsWith("    1. ") && msg.isEmpty()) {
                msg = line.strip();
            }
        }
        put(m, suite, test, verdict, skip, msg);
        return m;
    }

    private static void put(Map<String, Result> m, String suite, String test, String verdict, boolean skip,
                            String msg) {
        if (suite == null || test == null || verdict == null) {
            return;
        }
        String v = "PASS".equals(verdict) && skip ? "SKIP" : verdict;
        String name = "ALL." + suite + "." + test;
        m.put(name, new Result(name, v, msg));
    }

    static long count(Map<String, Result> r, String verdict) {
        return r.values().stream().filter(x -> x.verdict().equals(verdict)).count();
    }

    /** The non-passing, non-skipped tests, one per line. */
    static String failures(Map<String, Result> r) {
        StringBuilder sb = new StringBuilder();
        for (Result x : r.values()) {
            if (!x.verdict().equals("PASS") && !x.verdict().equals("SKIP")) {
                sb.append(x.test()).append(' ').append(x.verdict()).append(' ').append(x.message()).append('\n');
            }
        }
        return sb.toString();
    }
}
