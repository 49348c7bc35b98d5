package io.flinkvision.archfixture.core;

/** Fixture for ArchitectureTest: a core class without Flink, which the rules must accept. */
public class CleanCore {
    public String echo(String value) {
        return value;
    }
}
