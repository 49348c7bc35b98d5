package io.flinkvision.tests;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything this JVM logs through log4j while open, at INFO and above everywhere (DEBUG for the
 * named packages), rendered with its stack traces, as a log file would hold it: for tests that search
 * the whole log for what must never be in it. The console keeps showing WARN and above only. It changes
 * the logging configuration of the whole JVM until {@link #close()}: one at a time.
 */
final class CapturedProcessLogs implements AutoCloseable {
    private final StringBuffer text = new StringBuffer();
    private final AtomicLong events = new AtomicLong();
    private final LoggerContext context;
    private final Appender appender;
    private final Map<LoggerConfig, Level> savedLevels = new LinkedHashMap<>();
    private final Map<String, Appender> rootAppenders;
    private final List<String> addedLoggers = new ArrayList<>();

    private CapturedProcessLogs(String... debugPackages) {
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        appender = new AbstractAppender("captured-process-" + UUID.randomUUID(), null,
                PatternLayout.newBuilder().withPattern("%p %c - %m%n%throwable").withConfiguration(config).build(),
                true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.incrementAndGet();
                text.append(getLayout().toSerializable(event));
            }
        };
        appender.start();
        config.addAppender(appender);
        LoggerConfig root = config.getRootLogger();
        // The console (and any other appender of the root) stays at WARN: the capture alone sees INFO.
        rootAppenders = new LinkedHashMap<>(root.getAppenders());
        rootAppenders.forEach((name, existing) -> {
            root.removeAppender(name);
            root.addAppender(existing, Level.WARN, null);
        });
        root.addAppender(appender, null, null);
        for (LoggerConfig logger : config.getLoggers().values()) {
            savedLevels.put(logger, logger.getLevel());
            if (logger.getLevel().isMoreSpecificThan(Level.INFO)) {
                logger.setLevel(Level.INFO);
            }
        }
        savedLevels.putIfAbsent(root, root.getLevel());
        root.setLevel(Level.INFO);
        for (String name : debugPackages) {
            if (!config.getLoggers().containsKey(name)) {
                config.addLogger(name, new LoggerConfig(name, Level.DEBUG, true));
                addedLoggers.add(name);
            }
        }
        context.updateLoggers();
    }

    /** Starts capturing; {@code debugPackages} (logger names without a configuration of their own) at DEBUG. */
    static CapturedProcessLogs start(String... debugPackages) {
        return new CapturedProcessLogs(debugPackages);
    }

    /** Everything captured so far, one event per line (plus its stack trace). */
    String text() {
        return text.toString();
    }

    long events() {
        return events.get();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(appender.getName());
        rootAppenders.forEach((name, existing) -> {
            root.removeAppender(name);
            root.addAppender(existing, null, null);
        });
        addedLoggers.forEach(config::removeLogger);
        savedLevels.forEach(LoggerConfig::setLevel);
        context.updateLoggers();
        appender.stop();
    }
}
