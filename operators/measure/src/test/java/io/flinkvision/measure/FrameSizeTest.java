package io.flinkvision.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameSizeTest {
    @Test
    void parsesWidthByHeight() {
        assertThat(FrameSize.parse("1280x720")).isEqualTo(new FrameSize(1280, 720));
        assertThat(FrameSize.parse(" 640X480 ")).isEqualTo(new FrameSize(640, 480));
        assertThat(new FrameSize(1920, 1080).pixels()).isEqualTo(2_073_600L);
        assertThat(new FrameSize(1280, 720)).hasToString("1280x720");
    }

    @Test
    void saysWhatAFrameSizeLooksLike() {
        assertThatThrownBy(() -> FrameSize.parse("1280")).hasMessageContaining("WIDTHxHEIGHT, e.g. 1280x720, got '1280'");
        assertThatThrownBy(() -> FrameSize.parse("1280x720x3")).hasMessageContaining("got '1280x720x3'");
        assertThatThrownBy(() -> FrameSize.parse("wide x tall")).hasMessageContaining("in whole pixels");
        assertThatThrownBy(() -> FrameSize.parse("0x720")).hasMessageContaining("positive width and height, got 0x720");
    }
}
