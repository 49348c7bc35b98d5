package io.flinkvision.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Topic creation for the test brokers ({@link EmbeddedKafka}, {@link KafkaBrokerProcess}). */
final class KafkaTopics {
    private KafkaTopics() {}

    /**
     * Creates the topics (replication factor 1) and returns once the broker serves them.
     *
     * @throws IllegalStateException if a topic cannot be created (it already exists, bad name...)
     */
    static void create(Properties clientProperties, int partitions, String... topics) {
        List<NewTopic> newTopics = new ArrayList<>();
        for (String topic : topics) {
            newTopics.add(new NewTopic(topic, partitions, (short) 1));
        }
        try (Admin admin = Admin.create(clientProperties)) {
            admin.createTopics(newTopics).all().get(30, TimeUnit.SECONDS);
            awaitServed(admin, List.of(topics), System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + List.of(topics), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + List.of(topics) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creation is acknowledged by the controller; the broker learns of the topics a moment later, and
     * until then describing them fails with UnknownTopicOrPartitionException. Retries until it does not.
     */
    private static void awaitServed(Admin admin, List<String> topics, long deadlineNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            try {
                admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadlineNanos) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }
}
