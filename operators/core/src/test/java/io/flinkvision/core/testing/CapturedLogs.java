package io.flinkvision.core.testing;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * What one class logs while it is open, for tests that check a log line is written (once) or not.
 * Sees what the logging configuration lets through (the tests' configuration: WARN and above).
 */
public final class CapturedLogs implements AutoCloseable {
    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final Logger logger;
    private final AbstractAppender appender;

    private CapturedLogs(Class<?> source) {
        this.logger = (Logger) LogManager.getLogger(source);
        this.appender = new AbstractAppender("captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(event.toImmutable());
            }
        };
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts capturing what {@code source}'s logger writes. */
    public static CapturedLogs of(Class<?> source) {
        return new CapturedLogs(source);
    }

    /** The formatted messages logged at {@code level}, in order. */
    public List<String> at(Level level) {
        return events.stream().filter(e -> e.getLevel() == level).map(e -> e.getMessage().getFormattedMessage()).toList();
    }

    @Override
    public void close() {
        logger.removeAppender(appender);
        appender.stop();
    }
}
