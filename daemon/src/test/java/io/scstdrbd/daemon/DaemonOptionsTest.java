package io.scstdrbd.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaemonOptionsTest {

    private static DaemonOptions parse(Map<String, String> env, String... args) throws UsageException {
        return DaemonOptions.parse(args, env);
    }

    @Test
    void defaultsAreTheDemoNode() throws Exception {
        DaemonOptions o = parse(Map.of(), "-f");
        assertTrue(o.foreground());
        assertEquals("/UMCfuse", o.fuseRoot());
        assertEquals(List.of("tcmu000:ram:/tmp/cfg1:1073741824", "tcmu001:ram:/tmp/cfg2:1073741824"),
                o.backends().stream().map(Object::toString).toList());
        assertEquals(4, o.fuseThreads());
        assertEquals(3260, o.iscsiListen().getPort());
        assertFalse(parse(Map.of()).foreground());
    }

    @Test
    void fuseRootComesFromTheFlagThenUmcFsRoot() throws Exception {
        assertEquals("/srv/u", parse(Map.of("UMC_FS_ROOT", "/srv/u/")).fuseRoot());
        assertEquals("/x", parse(Map.of("UMC_FS_ROOT", "/srv/u"), "--fuse-root", "/x").fuseRoot());
        assertEquals("/y", parse(Map.of(), "--fuse-root=/y").fuseRoot());
        assertEquals("/UMCfuse", parse(Map.of("UMC_FS_ROOT", "")).fuseRoot());
        assertThrows(UsageException.class, () -> parse(Map.of("UMC_FS_ROOT", "rel")));
    }

    @Test
    void backendsReplaceTheDefaultSet() throws Exception {
        DaemonOptions o = parse(Map.of(), "--backend", "r0:ram:@:64M", "--backend=f0:file:/var/tmp/f.img");
        assertEquals(2, o.backends().size());
        assertEquals(64L << 20, o.backends().get(0).sizeBytes());
        assertEquals(-1, o.backends().get(1).sizeBytes());
    }

    @Test
    void badInputNamesTheProblem() {
        String[][] cases = {
            {"--bogus"}, {"--backend"}, {"--backend", "a"}, {"--backend", "a:ram:@:0"},
            {"--backend", "a:ram:@:1M", "--backend", "a:ram:@:2M"}, {"--fuse-threads", "65"},
            {"--fuse-threads", "x"}, {"--fuse-root", "rel"}, {"--iscsi-listen", "host:3260"},
            {"--iscsi-listen", "127.0.0.1:0"}, {"--log-level", "chatty"}, {"--node", "-bad"},
        };
        for (String[] c : cases) {
            UsageException e = assertThrows(UsageException.class, () -> parse(Map.of(), c), String.join(" ", c));
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
        UsageException e = assertThrows(UsageException.class, () -> parse(Map.of(), "--fuse-threads", "0"));
        assertTrue(e.getMessage().startsWith("--fuse-threads"), e.getMessage());
    }
}
