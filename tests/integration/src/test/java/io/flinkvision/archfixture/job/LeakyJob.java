package io.flinkvision.archfixture.job;

import io.flinkvision.archfixture.testkit.Kit;

/** Fixture for ArchitectureTest: job code that reaches into a development-only module, which the rule must report. */
public class LeakyJob {
    public String model() {
        return Kit.sharedFolder() + "/models/model.onnx";
    }
}
