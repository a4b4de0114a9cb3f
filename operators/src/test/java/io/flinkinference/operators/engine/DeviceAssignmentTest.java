package io.flinkinference.operators.engine;

import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DeviceAssignmentTest {
    @Test
    void readsGpuIndicesFromFlinksExternalResources() {
        assertThat(DeviceAssignment.gpuIndices(Set.of(gpu("3"), gpu("1")))).containsExactly(1, 3);
    }

    @Test
    void countsDevicesCudaCanSee() {
        assertThat(DeviceAssignment.visibleDevices(Map.of("CUDA_VISIBLE_DEVICES", "0,2,3"))).isEqualTo(3);
        assertThat(DeviceAssignment.visibleDevices(Map.of("CUDA_VISIBLE_DEVICES", ""))).isZero();
        assertThat(DeviceAssignment.visibleDevices(Map.of("CUDA_VISIBLE_DEVICES", "-1"))).isZero();
    }

    private static ExternalResourceInfo gpu(String index) {
        return new ExternalResourceInfo() {
            @Override
            public Optional<String> getProperty(String key) {
                return key.equals("index") ? Optional.of(index) : Optional.empty();
            }

            @Override
            public Collection<String> getKeys() {
                return List.of("index");
            }
        };
    }
}
