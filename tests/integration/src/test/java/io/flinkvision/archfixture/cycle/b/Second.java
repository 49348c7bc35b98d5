package io.flinkvision.archfixture.cycle.b;

import io.flinkvision.archfixture.cycle.a.First;

/** Fixture for ArchitectureTest: the other half of the package cycle. */
public class Second {
    public First back() {
        return new First();
    }
}
