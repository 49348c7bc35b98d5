package io.flinkvision.archfixture.core;

import org.apache.flink.api.common.functions.MapFunction;

/** Fixture for ArchitectureTest: a core class that uses Flink, which the rule must report. */
public class LeakyCore implements MapFunction<String, String> {
    @Override
    public String map(String value) {
        return value;
    }
}
