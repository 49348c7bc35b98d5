package io.flinkvision.tests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/** Only the functions package may use Flink; the core stays plain Java (checked, and checked to bite). */
class ArchitectureTest {
    private static final String OPERATORS = "io.flinkvision.core";
    /** Test-only classes that break and keep the rule, outside the operators package. */
    private static final String FIXTURE = "io.flinkvision.archfixture";

    /** Classes under {@code root}, except {@code root.functions}, must not depend on Flink. */
    static ArchRule coreIsFlinkFree(String root) {
        return noClasses()
                .that().resideInAPackage(root + "..")
                .and().resideOutsideOfPackage(root + ".functions..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.flink..")
                .because("the core must run and be tested without Flink; only " + root
                        + ".functions adapts it to Flink");
    }

    @Test
    void theOperatorsCoreDoesNotDependOnFlink() {
        JavaClasses main = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(OPERATORS);
        // The rule must see both sides, or a misconfigured import would pass it vacuously.
        assertThat(main.stream().map(JavaClass::getName))
                .contains(OPERATORS + ".windows.WindowAccumulator", OPERATORS + ".pipeline.InferencePipeline")
                .noneMatch(name -> name.startsWith(FIXTURE));

        coreIsFlinkFree(OPERATORS).check(main);
    }

    @Test
    void theRuleReportsACoreClassThatUsesFlink() {
        JavaClasses fixture = new ClassFileImporter().importPackages(FIXTURE);

        EvaluationResult result = coreIsFlinkFree(FIXTURE).evaluate(fixture);

        assertThat(result.hasViolation()).isTrue();
        String report = String.join("\n", result.getFailureReport().getDetails());
        assertThat(report).contains("LeakyCore").doesNotContain("CleanCore").doesNotContain("AllowedFunction");
    }
}
