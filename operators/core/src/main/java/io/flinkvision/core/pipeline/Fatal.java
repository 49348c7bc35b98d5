package io.flinkvision.core.pipeline;

/** Failures the JVM cannot recover from: they go on up once the frames they hit are dead-lettered. */
final class Fatal {
    private Fatal() {}

    static void rethrow(Throwable failure) {
        if (failure instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }
}
