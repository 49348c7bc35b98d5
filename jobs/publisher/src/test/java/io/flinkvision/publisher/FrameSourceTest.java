package io.flinkvision.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flinkvision.testkit.SharedFixtures;
import io.flinkvision.schemas.FrameEncoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image folder, video and synthetic sources yield the frames, encodings and sizes they should. */
class FrameSourceTest {
    /** The shared photos by name, with their sizes as the `file` tool reads them. */
    private static final Map<String, int[]> PHOTOS = new LinkedHashMap<>();

    static {
        PHOTOS.put("aloe_flowerpot.jpg", new int[] {1282, 1110});
        PHOTOS.put("butterfly_swallowtail.jpg", new int[] {493, 356});
        PHOTOS.put("cat_chelsea.png", new int[] {451, 300});
        PHOTOS.put("citrus_fruits.jpg", new int[] {512, 480});
        PHOTOS.put("coffee_espresso_cup.png", new int[] {600, 400});
        PHOTOS.put("dog_pekinese_like.png", new int[] {512, 512});
        PHOTOS.put("grace_hopper_uniform.jpg", new int[] {512, 600});
        PHOTOS.put("mandrill_baboon.jpg", new int[] {512, 512});
        PHOTOS.put("motorcycle.png", new int[] {741, 500});
        PHOTOS.put("orange.jpg", new int[] {512, 512});
        PHOTOS.put("red_apple.jpg", new int[] {512, 512});
        PHOTOS.put("rocket_launchpad.jpg", new int[] {640, 427});
        PHOTOS.put("soccer_player_ball.jpg", new int[] {548, 342});
        PHOTOS.put("squirrel.jpg", new int[] {535, 426});
    }

    @Test
    void imageFolderYieldsTheSharedPhotosSortedByNameUntouched() throws IOException {
        Path folder = SharedFixtures.images();
        assertThat(folder).as("shared images (see SharedData)").isDirectory();
        List<EncodedFrame> frames = readAll(new ImageFolderSource(folder), 100);

        assertThat(frames).extracting(f -> f.attributes().get("source")).containsExactlyElementsOf(PHOTOS.keySet());
        for (EncodedFrame frame : frames) {
            String name = frame.attributes().get("source");
            assertThat(frame.encoding()).as(name).isEqualTo(name.endsWith(".png") ? FrameEncoding.PNG : FrameEncoding.JPEG);
            assertThat(new int[] {frame.width(), frame.height()}).as(name).containsExactly(PHOTOS.get(name));
            assertThat(frame.payload()).as(name).isEqualTo(Files.readAllBytes(folder.resolve(name)));
        }
    }

    @Test
    void imageFolderSourceCanBeReadAgainFromTheStart() throws IOException {
        ImageFolderSource source = new ImageFolderSource(SharedFixtures.images());
        assertThat(readAll(source, 2)).extracting(f -> f.attributes().get("source"))
                .isEqualTo(readAll(source, 2).stream().map(f -> f.attributes().get("source")).toList())
                .containsExactly("aloe_flowerpot.jpg", "butterfly_swallowtail.jpg");
    }

    @Test
    void imageFolderPassesOnFilesThatAreNotImagesWithUnknownSize(@TempDir Path folder) throws IOException {
        Files.write(folder.resolve("b.jpg"), new byte[] {1, 2, 3});
        Files.copy(SharedFixtures.images().resolve("cat_chelsea.png"), folder.resolve("a.JPG"));
        Files.writeString(folder.resolve("notes.txt"), "ignored");

        List<EncodedFrame> frames = readAll(new ImageFolderSource(folder), 10);

        assertThat(frames).hasSize(2);
        // The bytes decide the encoding; the extension only when the bytes are not an image.
        assertThat(frames.get(0).encoding()).isEqualTo(FrameEncoding.PNG);
        assertThat(frames.get(0).width()).isEqualTo(451);
        assertThat(frames.get(1).encoding()).isEqualTo(FrameEncoding.JPEG);
        assertThat(frames.get(1).payload()).containsExactly(1, 2, 3);
        assertThat(new int[] {frames.get(1).width(), frames.get(1).height()}).containsExactly(0, 0);
    }

    @Test
    void imageFolderWithoutImagesIsAnError(@TempDir Path folder) throws IOException {
        Files.writeString(folder.resolve("notes.txt"), "no images here");
        assertThatThrownBy(() -> new ImageFolderSource(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining("no .jpg, .jpeg or .png files");
        assertThatThrownBy(() -> new ImageFolderSource(folder.resolve("missing"))).isInstanceOf(IOException.class)
                .hasMessageContaining("not a folder");
    }

    @Test
    void videoYieldsJpegFramesOfTheVideoSize() throws IOException {
        Path video = SharedFixtures.sampleVideo();
        assertThat(video).as("shared sample video (see SharedData)").isRegularFile();
        List<EncodedFrame> frames = readAll(new VideoFileSource(video), 10);

        assertThat(frames).hasSize(10);
        for (int i = 0; i < frames.size(); i++) {
            EncodedFrame frame = frames.get(i);
            assertThat(frame.encoding()).isEqualTo(FrameEncoding.JPEG);
            assertThat(new int[] {frame.width(), frame.height()}).containsExactly(640, 480);
            assertThat(frame.attributes()).containsEntry("videoFrame", Integer.toString(i))
                    .containsEntry("source", video.getFileName().toString());
        }
        BufferedImage decoded = decode(frames.get(9).payload());
        assertThat(new int[] {decoded.getWidth(), decoded.getHeight()}).containsExactly(640, 480);
    }

    @Test
    void lowerJpegQualityGivesSmallerVideoFrames() throws IOException {
        byte[] fine = readAll(new VideoFileSource(SharedFixtures.sampleVideo(), 0.95f), 1).get(0).payload();
        byte[] coarse = readAll(new VideoFileSource(SharedFixtures.sampleVideo(), 0.3f), 1).get(0).payload();
        assertThat(coarse.length).isLessThan(fine.length);
    }

    @Test
    void aFileFfmpegCannotReadFailsOnOpen(@TempDir Path folder) throws IOException {
        Path notVideo = Files.writeString(folder.resolve("clip.mp4"), "not a video");
        VideoFileSource source = new VideoFileSource(notVideo);
        assertThatThrownBy(source::open).isInstanceOf(IOException.class).hasMessageContaining("FFmpeg cannot read");
        assertThatThrownBy(() -> new VideoFileSource(folder.resolve("missing.mp4"))).isInstanceOf(IOException.class);
    }

    @Test
    void syntheticFramesAreDeterministicForASeedAndMove() throws IOException {
        List<EncodedFrame> first = readAll(new SyntheticSource(160, 120, 7), 3);
        List<EncodedFrame> again = readAll(new SyntheticSource(160, 120, 7), 3);
        List<EncodedFrame> otherSeed = readAll(new SyntheticSource(160, 120, 8), 3);

        for (int i = 0; i < 3; i++) {
            assertThat(first.get(i).payload()).isEqualTo(again.get(i).payload());
            assertThat(first.get(i).payload()).isNotEqualTo(otherSeed.get(i).payload());
        }
        assertThat(first.get(1).payload()).isNotEqualTo(first.get(0).payload());
        EncodedFrame frame = first.get(2);
        assertThat(frame.encoding()).isEqualTo(FrameEncoding.JPEG);
        assertThat(new int[] {frame.width(), frame.height()}).containsExactly(160, 120);
        BufferedImage decoded = decode(frame.payload());
        assertThat(new int[] {decoded.getWidth(), decoded.getHeight()}).containsExactly(160, 120);
    }

    @Test
    void syntheticSourceEndsAfterItsLength() throws IOException {
        assertThat(readAll(new SyntheticSource(32, 32, 1, 4, 0.5f), 100)).hasSize(4);
        assertThatThrownBy(() -> new SyntheticSource(0, 32, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SyntheticSource(32, 32, 1, 4, 1.5f)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openPicksTheSourceForAPathAndRejectsUnusableOnes(@TempDir Path dir) throws IOException {
        Path video = SharedFixtures.sampleVideo();
        assertThat(FrameSource.open(SharedFixtures.images(), 0.9f)).isInstanceOf(ImageFolderSource.class);
        assertThat(FrameSource.open(video, 0.9f)).isInstanceOf(VideoFileSource.class);
        assertThatThrownBy(() -> FrameSource.open(dir.resolve("missing"), 0.9f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file or folder");
        Path text = Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> FrameSource.open(text, 0.9f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("FFmpeg cannot read");
        assertThatThrownBy(() -> FrameSource.open(video, 0f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JPEG quality");
    }

    /** Up to {@code max} frames of one pass, closing the reader. */
    static List<EncodedFrame> readAll(FrameSource source, int max) throws IOException {
        List<EncodedFrame> frames = new ArrayList<>();
        try (FrameSource.FrameReader reader = source.open()) {
            EncodedFrame frame;
            while (frames.size() < max && (frame = reader.next()) != null) {
                frames.add(frame);
            }
        }
        return frames;
    }

    private static BufferedImage decode(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image).as("decodable image").isNotNull();
        return image;
    }
}
