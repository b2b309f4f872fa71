package io.scstdrbd.kernel.helper;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsermodeHelperTest {

    @Test
    void passesEnvironmentAndReturnsExitCode(@TempDir Path dir) throws Exception {
        UsermodeHelper h = new UsermodeHelper(Map.of("UMC_FS_ROOT", "/UMCfuse"));
        Path out = dir.resolve("env");
        int rc = h.call(List.of("/bin/sh", "-c", "echo \"$UMC_FS_ROOT $DRBD_RESOURCE\" > " + out + "; exit 3"),
                Map.of("DRBD_RESOURCE", "r0"), Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        assertEquals(3, rc);
        assertEquals("/UMCfuse r0\n", Files.readString(out));
    }

    @Test
    void missingProgramAndTimeout() throws Exception {
        UsermodeHelper h = new UsermodeHelper(Map.of());
        assertEquals(-1, h.call(List.of("/nonexistent/prog"), Map.of(), Duration.ofSeconds(1)).get());
        int rc = h.call(List.of("/bin/sleep", "30"), Map.of(), Duration.ofMillis(200)).get(10, TimeUnit.SECONDS);
        assertEquals(137, rc);
    }
}
