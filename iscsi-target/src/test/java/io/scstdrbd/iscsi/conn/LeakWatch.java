package io.scstdrbd.iscsi.conn;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.slf4j.LoggerFactory;

/**
 * Fails a test when Netty's leak detector (paranoid in the build) reports a buffer that was
 * never released: forces a GC, allocates to let the detector run, checks its log.
 */
final class LeakWatch {
    private static final ListAppender<ILoggingEvent> EVENTS = new ListAppender<>();

    static {
        Logger l = (Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector");
        EVENTS.start();
        l.addAppender(EVENTS);
    }

    private LeakWatch() {
    }

    static void assertNoLeaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            for (int j = 0; j < 50; j++) {
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                b.release();
                Unpooled.buffer(16).release();
            }
        }
        synchronized (EVENTS) {
            for (ILoggingEvent e : EVENTS.list) {
                if (e.getFormattedMessage().contains("LEAK")) {
                    String msg = e.getFormattedMessage();
                    EVENTS.list.clear();
                    throw new AssertionError("ByteBuf leak: " + msg);
                }
            }
        }
    }
}
