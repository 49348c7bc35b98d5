package io.flinkvision.core.image;

import io.flinkvision.core.FrameRejectedException;
import io.flinkvision.schemas.ReasonCode;
import java.util.Locale;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;

/**
 * Remembers reader warnings that mean the pixels are damaged. ImageIO's JPEG reader does not fail
 * on a truncated or corrupt stream: libjpeg warns, pads the missing data with grey and returns an
 * image. A frame like that must be rejected, not labelled.
 */
final class DamageWarnings implements IIOReadWarningListener {
    private String firstDamage;

    @Override
    public void warningOccurred(ImageReader source, String warning) {
        if (firstDamage == null && meansDamagedPixels(warning)) {
            firstDamage = warning;
        }
    }

    void throwIfDamaged() throws FrameRejectedException {
        if (firstDamage != null) {
            throw new FrameRejectedException(ReasonCode.CORRUPT_IMAGE, "damaged image data: " + firstDamage);
        }
    }

    /**
     * Truncation ("Premature end of JPEG file", ImageIO's "Truncated File - Missing EOI marker")
     * and entropy-coded data errors ("Corrupt JPEG data: bad Huffman code") count. Stray bytes
     * between segments ("extraneous bytes before marker") do not: some encoders write them and
     * the pixels are intact. Other notices (an invalid ICC profile, thumbnails) do not either.
     */
    static boolean meansDamagedPixels(String warning) {
        if (warning == null) {
            return false;
        }
        String w = warning.toLowerCase(Locale.ROOT);
        if (w.contains("extraneous bytes before marker")) {
            return false;
        }
        return w.contains("premature end") || w.contains("truncated") || w.contains("corrupt jpeg data")
                || w.contains("huffman");
    }
}
