package io.flinkvision.archfixture.testkit;

/** Fixture for ArchitectureTest: stands for a development-only module (test kit, generator, planner). */
public class Kit {
    public static String sharedFolder() {
        return "../shared";
    }
}
