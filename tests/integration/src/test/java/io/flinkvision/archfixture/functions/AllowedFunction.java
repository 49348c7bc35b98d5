package io.flinkvision.archfixture.functions;

import org.apache.flink.api.common.functions.MapFunction;

/** Fixture for ArchitectureTest: a functions class may use Flink, which the rule must accept. */
public class AllowedFunction implements MapFunction<String, String> {
    @Override
    public String map(String value) {
        return value;
    }
}
