package io.flinkvision.archfixture.shaded;

import org.apache.flink.shaded.guava33.com.google.common.base.Preconditions;

/** Fixture for ArchitectureTest: code that uses one of Flink's shaded libraries, which the rule must report. */
public class UsesFlinkShaded {
    public static String check(String value) {
        return Preconditions.checkNotNull(value);
    }
}
