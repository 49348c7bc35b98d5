package io.flinkvision.archfixture.cycle.a;

import io.flinkvision.archfixture.cycle.b.Second;

/** Fixture for ArchitectureTest: one half of a package cycle (a -> b -> a), which the cycle rule must report. */
public class First {
    public Second next() {
        return new Second();
    }
}
