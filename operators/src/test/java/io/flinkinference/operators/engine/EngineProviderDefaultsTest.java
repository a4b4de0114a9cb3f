package io.flinkinference.operators.engine;

import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an engine that adds nothing to the SPI's optional parts offers: refusals that name it, and no capabilities. */
class EngineProviderDefaultsTest {
    private final EngineProvider plain = new EngineProvider() {
        @Override
        public String name() {
            return "plain";
        }

        @Override
        public boolean supports(ModelFormat format) {
            return true;
        }

        @Override
        public java.util.Set<org.apache.flink.configuration.ConfigOption<?>> options() {
            return java.util.Set.of();
        }

        @Override
        public InferenceEngine open(ModelVersion model, ReadableConfig options, int device) {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void candidatesFromBytesAreRefusedWithTheEnginesName() {
        assertThatThrownBy(() -> plain.openCandidate("a candidate", new byte[0], List.of(), List.of(), new Configuration()))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("The plain engine cannot load candidate models")
                .hasMessageContaining("onnxruntime");
    }

    @Test
    void offersNoCompilerAndNoMachineCheck() {
        assertThat(plain.compiler()).isEmpty();
        assertThat(plain.machineCheck()).isEmpty();
    }
}
