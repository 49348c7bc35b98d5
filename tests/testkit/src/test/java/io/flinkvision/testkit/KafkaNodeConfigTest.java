package io.flinkvision.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class KafkaNodeConfigTest {
    private static final Path DIR = Path.of("/tmp/kafka-node");

    @Test
    void aPlainNodeListensOnLoopbackWithAStaticOneVoterQuorum() {
        Map<String, String> props = KafkaNodeConfig.of(DIR, 9092, 9093, Map.of(), Map.of()).brokerProperties();

        assertThat(props).containsEntry("listeners", "CLIENT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("advertised.listeners", "CLIENT://127.0.0.1:9092")
                .containsEntry("listener.security.protocol.map", "CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("log.dirs", DIR.resolve("log").toString())
                .doesNotContainKey("sasl.mechanism.inter.broker.protocol");
    }

    @Test
    void saslUsersAndTheBrokersOwnPrincipalGoIntoTheClientListenersJaasConfig() {
        KafkaNodeConfig config = KafkaNodeConfig.of(DIR, 9092, 9093, Map.of("alice", "a-secret"), Map.of());
        Map<String, String> props = config.brokerProperties();

        assertThat(props).containsEntry("listener.security.protocol.map", "CLIENT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT")
                .containsEntry("listener.name.client.sasl.enabled.mechanisms", "PLAIN")
                .containsEntry("sasl.mechanism.inter.broker.protocol", "PLAIN");
        String jaas = props.get("listener.name.client.plain.sasl.jaas.config");
        assertThat(jaas).contains("user_alice=\"a-secret\"").contains("username=\"broker\"").endsWith(";");

        Properties alice = config.clientPropertiesFor("alice");
        assertThat(alice.getProperty("security.protocol")).isEqualTo("SASL_PLAINTEXT");
        assertThat(alice.getProperty("sasl.jaas.config")).contains("username=\"alice\" password=\"a-secret\"");
        // The default client properties authenticate as the broker principal, with the password in its JAAS line.
        String brokerPassword = config.clientProperties().getProperty("sasl.jaas.config")
                .replaceAll(".*password=\"([^\"]+)\".*", "$1");
        assertThat(jaas).contains("user_broker=\"" + brokerPassword + "\"");
    }

    @Test
    void overridesWinOverTheDefaults() {
        Map<String, String> props = KafkaNodeConfig.of(DIR, 1, 2, Map.of(), Map.of("message.max.bytes", "2048"))
                .brokerProperties();

        assertThat(props).containsEntry("message.max.bytes", "2048");
    }

    @Test
    void userNamesAndPasswordsThatWouldBreakTheJaasLineAreRefused() {
        assertThatThrownBy(() -> KafkaNodeConfig.validateSaslUser("al ice", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> KafkaNodeConfig.validateSaslUser("alice", "pa\"ss"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quotes");
        assertThatThrownBy(() -> KafkaNodeConfig.validateSaslUser("broker", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broker's own principal");
        KafkaNodeConfig.validateSaslUser("alice.b-2", "s3cr3t!");
    }
}
