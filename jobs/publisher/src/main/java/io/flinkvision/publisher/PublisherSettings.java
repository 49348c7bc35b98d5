package io.flinkvision.publisher;

import java.nio.file.Path;
import java.util.Map;

/**
 * The publisher CLI's parsed flags. Exactly one of {@code input} and a synthetic size is set.
 *
 * @param input folder of images or video file; null for synthetic frames
 * @param syntheticWidth 0 unless synthetic
 * @param framesPerStream {@link Long#MAX_VALUE}: until the source ends (never with loop)
 * @param injectBad corrupt records per stream, on top of the frames
 * @param kafkaProperties producer settings given as {@code --kafka.<name> value}
 */
public record PublisherSettings(
        String bootstrapServers,
        String topic,
        Path input,
        int syntheticWidth,
        int syntheticHeight,
        long seed,
        int streams,
        String streamPrefix,
        double fps,
        long framesPerStream,
        int injectBad,
        boolean loop,
        float jpegQuality,
        Map<String, String> kafkaProperties) {
    public PublisherSettings {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    public boolean synthetic() {
        return input == null;
    }
}
