package io.flinkvision.tests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers, checked over the main classes of every module (this module sees them all), and each
 * rule checked to bite on fixtures that break it ({@code io.flinkvision.archfixture}, test classes):
 * <ul>
 *   <li>no package cycles;</li>
 *   <li>the vision core and the schemas stay plain Java: no Flink;</li>
 *   <li>what the job jar deploys (job, Flink functions, core, schemas) uses nothing of the development-only
 *       modules (generator, planner, measurement, publisher, demo, test kit, benchmark);</li>
 *   <li>no class of ours uses Flink's shaded libraries (they are Flink's internals, not an API).</li>
 * </ul>
 */
class ArchitectureTest {
    private static final String ROOT = "io.flinkvision";
    private static final String FIXTURE = ROOT + ".archfixture";
    private static final String[] DEPLOYED = {ROOT + ".job..", ROOT + ".flink..", ROOT + ".core..", ROOT + ".schemas.."};
    private static final String[] DEVELOPMENT_ONLY = {ROOT + ".modelgen..", ROOT + ".planner..", ROOT + ".measure..",
        ROOT + ".publisher..", ROOT + ".demo..", ROOT + ".testkit..", ROOT + ".benchmark.."};

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        // The rules must see every side, or a misconfigured import would pass them vacuously.
        assertThat(main.stream().map(JavaClass::getName))
                .contains(ROOT + ".core.windows.WindowAccumulator", ROOT + ".core.pipeline.InferencePipeline",
                        ROOT + ".flink.OutcomeRouter", ROOT + ".job.ClassificationJob", ROOT + ".schemas.Frame",
                        ROOT + ".modelgen.efficientnet.EfficientNetOnnxGenerator", ROOT + ".testkit.EmbeddedKafka",
                        ROOT + ".publisher.FramePublisher", ROOT + ".planner.CapacityPlanner")
                .noneMatch(name -> name.startsWith(FIXTURE));
    }

    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(**)").should().beFreeOfCycles()
                .because("packages depend one way, so that each can be read and changed without the others");
    }

    static ArchRule flinkFree(String... packages) {
        return noClasses().that().resideInAnyPackage(packages)
                .should().dependOnClassesThat().resideInAPackage("org.apache.flink..")
                .because("the core must run and be tested without Flink; io.flinkvision.flink adapts it");
    }

    static ArchRule deployedCodeStaysClearOf(String[] deployed, String[] developmentOnly) {
        return noClasses().that().resideInAnyPackage(deployed)
                .should().dependOnClassesThat().resideInAnyPackage(developmentOnly)
                .because("the job jar carries what the job runs, nothing of the generator, planner, publisher,"
                        + " demo or test kit");
    }

    static ArchRule noFlinkShaded(String root) {
        return noClasses().that().resideInAPackage(root + "..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.flink.shaded..")
                .because("Flink's shaded libraries are its internals and change without notice: declare what we use");
    }

    @Test
    void packagesHaveNoCycles() {
        noPackageCycles(ROOT).check(main);
    }

    @Test
    void theCoreAndTheSchemasDoNotDependOnFlink() {
        flinkFree(ROOT + ".core..", ROOT + ".schemas..").check(main);
    }

    @Test
    void deployedCodeUsesNoDevelopmentOnlyModule() {
        deployedCodeStaysClearOf(DEPLOYED, DEVELOPMENT_ONLY).check(main);
    }

    @Test
    void ourCodeDoesNotUseFlinksShadedLibraries() {
        noFlinkShaded(ROOT).check(main);
    }

    // ---- each rule reports what it must, and only that

    @Test
    void theCycleRuleReportsACycle() {
        assertReports(noPackageCycles(FIXTURE), "Slice cycle.a -> ", "CleanCore");
        assertReports(noPackageCycles(FIXTURE), "Slice cycle.b -> ", "LeakyJob");
    }

    @Test
    void theFlinkRuleReportsACoreClassThatUsesFlink() {
        assertReports(flinkFree(FIXTURE + ".core.."), "LeakyCore", "CleanCore");
    }

    @Test
    void theDeployedCodeRuleReportsAJobClassThatUsesTheTestKit() {
        assertReports(deployedCodeStaysClearOf(new String[] {FIXTURE + ".job.."}, new String[] {FIXTURE + ".testkit.."}),
                "LeakyJob", "CleanCore");
    }

    @Test
    void theShadedRuleReportsAClassThatUsesFlinkShadedGuava() {
        assertReports(noFlinkShaded(FIXTURE), "UsesFlinkShaded", "LeakyCore");
    }

    private static void assertReports(ArchRule rule, String offender, String... innocents) {
        JavaClasses fixture = new ClassFileImporter().importPackages(FIXTURE);
        EvaluationResult result = rule.evaluate(fixture);
        assertThat(result.hasViolation()).as("violations of " + rule.getDescription()).isTrue();
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertThat(report).contains(offender);
        Arrays.stream(innocents).forEach(innocent -> assertThat(report).doesNotContain(innocent));
    }
}
