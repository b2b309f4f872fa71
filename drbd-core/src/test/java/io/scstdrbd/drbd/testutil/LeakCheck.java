package io.scstdrbd.drbd.testutil;

import static org.junit.jupiter.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test when Netty's leak detector (paranoid in the test JVM) reports an unreleased
 * ByteBuf: it listens to the detector's log, forces collections after the test and allocates
 * so that pending reports surface.
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    private static synchronized void install() {
        if (installed) {
            return;
        }
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        Logger l = (Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector");
        AppenderBase<ILoggingEvent> a = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                if (e.getFormattedMessage().contains("LEAK")) {
                    LEAKS.add(e.getFormattedMessage());
                }
            }
        };
        a.start();
        l.addAppender(a);
        installed = true;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        install();
        LEAKS.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 64; j++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(64);
                b.release();
            }
        }
        if (!LEAKS.isEmpty()) {
            fail("ByteBuf leak: " + LEAKS.get(0));
        }
    }
}
