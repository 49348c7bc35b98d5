package io.flinkvision.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlinkResourceParametersTest {

    @Test
    void theResultLinesAreFoundAmongLogLinesByTheirPrefix() {
        String output = String.join("\n",
                "INFO  [] - Loading configuration property: taskmanager.numberOfTaskSlots, 1",
                "BASH_JAVA_UTILS_EXEC_RESULT:-Xmx335544320 -Xms335544320 -XX:MaxDirectMemorySize=201326592",
                "WARN  [] - The plugins directory [plugins] does not exist.",
                "BASH_JAVA_UTILS_EXEC_RESULT:-D taskmanager.cpu.cores=1.0 -D taskmanager.memory.managed.size=67108864b",
                "");

        FlinkResourceParameters parameters = FlinkResourceParameters.parse("GET_TM_RESOURCE_PARAMS", output);

        assertThat(parameters.jvmFlags())
                .containsExactly("-Xmx335544320", "-Xms335544320", "-XX:MaxDirectMemorySize=201326592");
        assertThat(parameters.dynamicProperties()).containsExactly(
                "-D", "taskmanager.cpu.cores=1.0", "-D", "taskmanager.memory.managed.size=67108864b");
    }

    @Test
    void outputWithoutTwoResultLinesIsReportedWithTheOutput() {
        String output = "ERROR [] - Sum of configured Framework Heap Memory ... exceed configured Total Process Memory";

        assertThatThrownBy(() -> FlinkResourceParameters.parse("GET_TM_RESOURCE_PARAMS", output))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("printed 0 result lines").hasMessageContaining("exceed configured Total Process");
    }

    @Test
    void optionsSplitOnAnyWhitespace() {
        assertThat(FlinkResourceParameters.split("  -Da=1 \t-Db=2\n")).containsExactly("-Da=1", "-Db=2");
        assertThat(FlinkResourceParameters.split(null)).isEmpty();
        assertThat(FlinkResourceParameters.split(" ")).isEmpty();
    }
}
