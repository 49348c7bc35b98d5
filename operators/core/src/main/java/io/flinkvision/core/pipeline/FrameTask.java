package io.flinkvision.core.pipeline;

import java.util.function.Consumer;

/**
 * Queued work that holds frames: when an interrupted close drops it unrun, {@link #abandon} turns
 * its frames into dead letters so that none is lost.
 */
interface FrameTask extends Runnable {

    void abandon(String why);

    static FrameTask of(Runnable work, Consumer<String> onAbandon) {
        return new FrameTask() {
            @Override
            public void run() {
                work.run();
            }

            @Override
            public void abandon(String why) {
                onAbandon.accept(why);
            }
        };
    }
}
