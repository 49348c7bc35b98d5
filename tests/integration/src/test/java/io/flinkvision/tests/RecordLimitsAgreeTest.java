package io.flinkvision.tests;

import static org.assertj.core.api.Assertions.assertThat;

import io.flinkvision.job.config.ClassificationJobOptions;
import io.flinkvision.publisher.FramePublisher;
import org.junit.jupiter.api.Test;

/** The publisher and the job live in different modules; their default record limits must agree. */
class RecordLimitsAgreeTest {
    @Test
    void thePublisherSendsNothingLargerByDefaultThanTheJobReadsAsAFrame() {
        // Larger frames would all become TOO_LARGE dead letters.
        assertThat(FramePublisher.DEFAULT_MAX_REQUEST_BYTES)
                .isLessThanOrEqualTo(ClassificationJobOptions.MAX_FRAME_BYTES.defaultValue());
    }
}
