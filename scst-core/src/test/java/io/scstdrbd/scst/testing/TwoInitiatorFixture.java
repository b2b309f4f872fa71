package io.scstdrbd.scst.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the tests that drive one {@link TestFabric} from two logged-in initiators, {@code a}
 * ({@code iqn.test:a}) and {@code b} ({@code iqn.test:b}), whose power-on unit attentions on LUN 0
 * are already taken. A fresh fabric in a fresh directory is built before each test and closed after
 * it. Subclasses choose a different configuration or disks by overriding {@link #openFabric}.
 */
public abstract class TwoInitiatorFixture {
    @TempDir
    protected Path dir;
    protected TestFabric fabric;
    protected TestFabric.Session a;
    protected TestFabric.Session b;

    /** The default: no configuration, a thin tcmu000 and a fully allocated tcmu001 of 1 MiB each. */
    protected TestFabric openFabric(Path dir) throws Exception {
        return new TestFabric(dir, null, RamDisk.thin("tcmu000", 1 << 20), new RamDisk("tcmu001", 1 << 20));
    }

    @BeforeEach
    void openFabricAndLogInTwoInitiators() throws Exception {
        fabric = openFabric(dir);
        a = fabric.login("iqn.test:a");
        b = fabric.login("iqn.test:b");
        a.clearUnitAttentions(0);
        b.clearUnitAttentions(0);
    }

    @AfterEach
    void closeFabric() throws Exception {
        fabric.close();
    }
}
