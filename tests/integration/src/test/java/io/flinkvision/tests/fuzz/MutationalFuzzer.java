package io.flinkvision.tests.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded mutational fuzzer: starting from real inputs (the seeds), it applies random stacks of
 * byte-level mutations (bit flips, interesting values, 16- and 32-bit size fields set to 0, 1, -1, huge,
 * insertions, deletions, duplicated ranges, truncations, splices of two inputs) and hands each result to
 * a target, measuring per input its wall time and the bytes the calling thread allocated. Inputs that
 * reach a new outcome (the target's name for what happened, e.g. a reason code) join the pool, so the
 * mutations build on what got furthest: a cheap stand-in for coverage feedback.
 *
 * <p>Bounded by time: {@code -Dfuzz.seconds=N} overrides each test's default ({@link #duration}); {@code -Dfuzz.seed=N}
 * replays another sequence (the default is fixed, so CI runs the same inputs, as many as the time allows).
 * Every failure keeps its input under {@code target/fuzz-findings}.
 */
final class MutationalFuzzer {
    /** What the target does with one input: returns its outcome's name, or throws when the input broke a rule. */
    @FunctionalInterface
    interface Target {
        String run(byte[] input) throws Exception;
    }

    /** One input that broke a rule, and why. */
    record Finding(String problem, Path savedAs) {}

    /** What a run did. */
    record Report(long inputs, Map<String, Long> outcomes, List<Finding> findings, long slowestNanos,
            long mostAllocatedBytes) {
        @Override
        public String toString() {
            return inputs + " inputs, slowest " + slowestNanos / 1_000_000 + " ms, most allocated "
                    + mostAllocatedBytes / 1024 + " KiB, outcomes " + outcomes + ", findings " + findings.size();
        }
    }

    private static final int[] INTERESTING_8 = {0, 1, 0x7F, 0x80, 0xFF};
    private static final int[] INTERESTING_16 = {0, 1, 0x7FFF, 0x8000, 0xFFFF, 0x100, 8, 16_384};
    private static final int[] INTERESTING_32 = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 65_536, 1 << 24};
    private static final int MAX_FINDINGS_KEPT = 20;

    private final List<byte[]> pool;
    private final Random random;
    private final int maxInputBytes;
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    MutationalFuzzer(List<byte[]> seeds, long seed, int maxInputBytes) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("a mutational fuzzer needs at least one seed");
        }
        this.pool = new ArrayList<>(seeds);
        this.random = new Random(seed);
        this.maxInputBytes = maxInputBytes;
    }

    /**
     * The time a fuzz test runs: {@code -Dfuzz.seconds}, else {@code -Dflinkvision.fuzz.seconds} (what
     * {@code FrameDecodingFuzzTest} in jobs/job reads, so one flag lengthens every fuzz test), else
     * {@code defaultSeconds}.
     */
    static Duration duration(int defaultSeconds) {
        return Duration.ofSeconds(Long.getLong("fuzz.seconds", Long.getLong("flinkvision.fuzz.seconds", defaultSeconds)));
    }

    static long seed() {
        return Long.getLong("fuzz.seed", 20_261_202L);
    }

    /**
     * Runs the seeds as they are, then mutated inputs until {@code duration} has passed.
     *
     * @param maxNanos longest a single input may take
     * @param maxAllocatedBytes most a single input may allocate, given its length
     */
    Report run(Target target, Duration duration, long maxNanos, java.util.function.LongUnaryOperator maxAllocatedBytes,
            String name) {
        Map<String, Long> outcomes = new TreeMap<>();
        List<Finding> findings = new ArrayList<>();
        long slowest = 0;
        long mostAllocated = 0;
        long inputs = 0;
        int seeds = pool.size();
        long end = System.nanoTime() + duration.toNanos();
        while (inputs < seeds || System.nanoTime() < end) {
            byte[] input = inputs < seeds ? pool.get((int) inputs) : mutate();
            inputs++;
            String outcome;
            String problem = null;
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            try {
                outcome = target.run(input);
            } catch (Throwable t) { // the point: nothing may escape, not even an Error
                outcome = "ESCAPED " + t.getClass().getSimpleName();
                problem = t.toString();
            }
            long nanos = System.nanoTime() - start;
            long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            slowest = Math.max(slowest, nanos);
            mostAllocated = Math.max(mostAllocated, allocated);
            if (problem == null && nanos > maxNanos) {
                problem = "took " + nanos / 1_000_000 + " ms, more than " + maxNanos / 1_000_000 + " ms";
            }
            long allowed = maxAllocatedBytes.applyAsLong(input.length);
            if (problem == null && allocated > allowed) {
                problem = "allocated " + allocated + " bytes, more than " + allowed;
            }
            if (problem != null && findings.size() < MAX_FINDINGS_KEPT) {
                findings.add(new Finding(outcome + ": " + problem, save(name, findings.size(), input)));
            }
            if (outcomes.merge(outcome, 1L, Long::sum) == 1L && inputs > seeds) {
                pool.add(input); // a new outcome: worth mutating further
            }
        }
        return new Report(inputs, outcomes, findings, slowest, mostAllocated);
    }

    private byte[] mutate() {
        byte[] data = pool.get(random.nextInt(pool.size())).clone();
        int stack = 1 + random.nextInt(random.nextInt(8) + 1);
        for (int i = 0; i < stack; i++) {
            data = mutateOnce(data);
        }
        return data.length > maxInputBytes ? java.util.Arrays.copyOf(data, maxInputBytes) : data;
    }

    private byte[] mutateOnce(byte[] data) {
        if (data.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        int at = random.nextInt(data.length);
        switch (random.nextInt(10)) {
            case 0 -> data[at] ^= (byte) (1 << random.nextInt(8));
            case 1 -> data[at] = (byte) INTERESTING_8[random.nextInt(INTERESTING_8.length)];
            case 2 -> data[at] = (byte) random.nextInt(256);
            case 3 -> { // a big-endian 16-bit field (JPEG SOF, PNG chunk parts) set to an interesting size
                if (at + 1 < data.length) {
                    int v = INTERESTING_16[random.nextInt(INTERESTING_16.length)];
                    data[at] = (byte) (v >> 8);
                    data[at + 1] = (byte) v;
                }
            }
            case 4 -> { // a 32-bit field (PNG IHDR, chunk lengths, Avro longs' neighbourhood)
                if (at + 3 < data.length) {
                    int v = INTERESTING_32[random.nextInt(INTERESTING_32.length)];
                    for (int k = 0; k < 4; k++) {
                        data[at + k] = (byte) (v >> (24 - 8 * k));
                    }
                }
            }
            case 5 -> { // truncate
                return java.util.Arrays.copyOf(data, at);
            }
            case 6 -> { // delete a range
                int len = Math.min(data.length - at, 1 + random.nextInt(64));
                byte[] out = new byte[data.length - len];
                System.arraycopy(data, 0, out, 0, at);
                System.arraycopy(data, at + len, out, at, data.length - at - len);
                return out;
            }
            case 7 -> { // insert random bytes
                int len = 1 + random.nextInt(32);
                byte[] out = new byte[data.length + len];
                System.arraycopy(data, 0, out, 0, at);
                for (int k = 0; k < len; k++) {
                    out[at + k] = (byte) random.nextInt(256);
                }
                System.arraycopy(data, at, out, at + len, data.length - at);
                return out;
            }
            case 8 -> { // duplicate a range (repeated markers, chunks)
                int len = Math.min(data.length - at, 1 + random.nextInt(256));
                byte[] out = new byte[data.length + len];
                System.arraycopy(data, 0, out, 0, at + len);
                System.arraycopy(data, at, out, at + len, data.length - at);
                return out;
            }
            default -> { // splice: this input's head, another's tail
                byte[] other = pool.get(random.nextInt(pool.size()));
                int from = random.nextInt(other.length + 1);
                byte[] out = new byte[at + other.length - from];
                System.arraycopy(data, 0, out, 0, at);
                System.arraycopy(other, from, out, at, other.length - from);
                return out;
            }
        }
        return data;
    }

    private static Path save(String name, int index, byte[] input) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "fuzz-findings"));
            return Files.write(dir.resolve(name + "-" + index + ".bin"), input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
