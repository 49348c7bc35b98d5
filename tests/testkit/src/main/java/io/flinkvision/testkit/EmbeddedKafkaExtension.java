package io.flinkvision.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link EmbeddedKafka} broker per test class, started before its first test and stopped (its
 * files deleted) after its last:
 * {@code @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();}
 * then {@code KAFKA.broker()} in the tests.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        broker = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** The running broker; only between the class's first and last test. */
    public EmbeddedKafka broker() {
        if (broker == null) {
            throw new IllegalStateException("the embedded broker runs only while the test class runs"
                    + " (register this extension as a static @RegisterExtension field)");
        }
        return broker;
    }
}
