package io.flinkvision.publisher;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link FramePublisher} run sent: records acknowledged by Kafka per stream, in stream order.
 *
 * @param framesPerStream records per stream, injected corrupt ones included
 * @param total records of all streams, injected corrupt ones included: the outcomes to expect
 * @param corrupt injected corrupt records among them, all streams
 * @param totalBytes Kafka record values acknowledged, all streams
 * @param stopped true if the run was stopped or interrupted before it ran out of frames
 */
public record PublishSummary(
        Map<String, Long> framesPerStream, long total, long corrupt, long totalBytes, Duration elapsed,
        boolean stopped) {
    public PublishSummary {
        framesPerStream = Collections.unmodifiableMap(new LinkedHashMap<>(framesPerStream));
    }

    /** Records per second each stream achieved on average (0 for an instant run). */
    public double framesPerSecondPerStream() {
        double seconds = elapsed.toNanos() / 1e9;
        return framesPerStream.isEmpty() || seconds <= 0 ? 0 : total / seconds / framesPerStream.size();
    }

    /** One line, e.g. "sent 28 frames (cam-0=14 cam-1=14), 2.3 MB in 0.4 s, 35.0 fps/stream". */
    public String describe() {
        StringBuilder streams = new StringBuilder();
        framesPerStream.forEach((stream, frames) ->
                streams.append(streams.length() == 0 ? "" : " ").append(stream).append('=').append(frames));
        return String.format(Locale.ROOT, "sent %d frames (%s)%s, %.1f MB in %.1f s, %.1f fps/stream%s",
                total, streams, corrupt > 0 ? ", " + corrupt + " of them corrupt on purpose" : "",
                totalBytes / 1e6, elapsed.toNanos() / 1e9, framesPerSecondPerStream(), stopped ? " (stopped)" : "");
    }
}
